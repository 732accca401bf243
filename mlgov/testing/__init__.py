"""Test support that runs the real Pulumi engine on this machine.

Nothing here is imported by the program, the offline engine or the CLI: the
language host and the local AWS provider are started by the Pulumi CLI as
plugins, and :mod:`mlgov.testing.real_engine` gives tests (and services built
on the Automation API) one way to start moto_server, find the pinned CLI and
run it offline against a file backend.
"""
