"""A local stand-in for the pulumi-aws provider plugin, for tests of the real engine.

The Pulumi CLI launches it as ``pulumi-resource-aws`` (one process per provider
instance). Every resource gets the ids, ARNs and outputs of
:mod:`mlgov.engine.fakes`, the module the offline engine answers with, so a
real deployment and ``mlgov plan`` can be compared resource by resource; the
Organizations resources are also created in the moto server named by
``AWS_ENDPOINT_URL_ORGANIZATIONS`` so tests can read them back with boto3.
"""
