"""The ml-guardrails CrossGuard policy pack.

Self-contained on purpose: ``pulumi policy publish`` uploads only this folder, so nothing
here may import ``mlgov``. ``ml_guardrails.policies.ALL_POLICIES`` is the list the pack's
``__main__`` serves; tests import it (never ``__main__``, which blocks serving gRPC).
"""
