"""Configuration errors: every problem found, reported together.

A person fixes a stack file faster when one run names every mistake, each with
the key path as written in the file, the bad value and what to do instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_MISSING = object()


@dataclass(frozen=True)
class ConfigIssue:
    path: str  # as written in the stack file: "mlgov:coreAccounts[2].email"
    problem: str
    fix: str
    value: Any = _MISSING

    def render(self) -> str:
        shown = "" if self.value is _MISSING else f" (got {_show(self.value)})"
        return f"{self.path}: {self.problem}{shown}. Fix: {self.fix}"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class ConfigError(Exception):
    """Raised with every issue of one stack's configuration."""

    def __init__(self, stack: str, source: str, issues: list[ConfigIssue]):
        self.stack = stack
        self.source = source
        self.issues = sorted(issues, key=lambda issue: issue.path)
        super().__init__(self.render())

    def render(self) -> str:
        count = len(self.issues)
        noun = "error" if count == 1 else "errors"
        lines = [f"Invalid configuration for stack '{self.stack}' ({self.source}): {count} {noun}"]
        lines += [f"  - {issue.render()}" for issue in self.issues]
        return "\n".join(lines)
