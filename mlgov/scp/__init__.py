"""Offline proof of the guardrails: an SCP evaluator, a scenario catalogue, a matrix.

See :mod:`mlgov.scp.evaluator` for the evaluation semantics and why we evaluate
SCPs ourselves.
"""

from mlgov.scp.evaluator import FULL_AWS_ACCESS, AttachedPolicy, Decision, Level, PolicyError, Request, evaluate

__all__ = ["FULL_AWS_ACCESS", "AttachedPolicy", "Decision", "Level", "PolicyError", "Request", "evaluate"]
