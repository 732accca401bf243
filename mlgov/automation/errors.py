"""Typed errors of the automation layer: what went wrong, in words a caller can act on.

The Pulumi Automation API raises ``CommandError`` subclasses carrying the CLI's
output; callers of :class:`mlgov.automation.Platform` get one of these instead,
so an HTTP service can answer "stack busy" or "policy violations" without
parsing engine output itself.
"""

from __future__ import annotations

from typing import Any


class AutomationError(Exception):
    """Base of every error the automation layer raises; ``code`` is stable, the message is for people."""

    code = "engine_failure"

    def __init__(self, message: str, *, stack: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.stack = stack
        self.details = details or {}


class EngineUnavailableError(AutomationError):
    """The operation needs the Pulumi CLI (the real engine), which is not installed here."""

    code = "engine_unavailable"


class StackBusyError(AutomationError):
    """Another update of the stack is in progress (the engine's ``ConcurrentUpdateError``)."""

    code = "stack_busy"


class StackNotFoundError(AutomationError):
    """The stack does not exist in the backend (or has no stack file)."""

    code = "stack_not_found"


class PolicyViolationsError(AutomationError):
    """A mandatory policy of the pack refused the stack; ``violations`` lists every one."""

    code = "policy_violations"

    def __init__(self, message: str, violations: list[Any], *, stack: str | None = None):
        super().__init__(message, stack=stack, details={"violations": [getattr(v, "to_dict", lambda: v)() for v in violations]})
        self.violations = violations


class StalePlanError(AutomationError):
    """What the stack would do now departs from the update plan saved at preview: preview again."""

    code = "stale"


class InvalidConfigError(AutomationError):
    """The stack settings or the project catalogue are invalid; ``issues`` as ``mlgov plan`` words them."""

    code = "invalid_config"

    def __init__(self, message: str, issues: list[dict[str, Any]], *, stack: str | None = None):
        super().__init__(message, stack=stack, details={"issues": issues})
        self.issues = issues


class EngineFailure(AutomationError):
    """Anything else the engine reported; the message is the engine's own."""

    code = "engine_failure"
