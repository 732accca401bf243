"""Configuration errors: every problem found, reported together.

A person fixes a stack file faster when one run names every mistake, each with
the key path as written in the file, the bad value and what to do instead.
Mistakes in several files (stack files, the project catalogue) are reported in
one error, one section per file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

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

    @property
    def has_value(self) -> bool:
        return self.value is not _MISSING


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def format_path(parts: Iterable[Any]) -> str:
    """A key path as a person reads it: ``mlgov:coreAccounts[2].email``.

    The first part is printed as is (a config key such as ``mlgov:organization``);
    later keys that hold ``.``, ``:`` or ``[`` are quoted, so the path stays unambiguous.
    """
    text = ""
    for part in parts:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        elif not str(part) or not str(part).isprintable() or " " in str(part) or text and any(mark in str(part) for mark in ".:["):
            text += f"[{str(part)!r}]"  # empty, blank or odd keys are quoted so they show
        elif not text:
            text = str(part)
        else:
            text += f".{part}"
    return text


@dataclass(frozen=True)
class _Section:
    stack: str
    source: str
    issues: tuple[ConfigIssue, ...]


def _deduplicated(issues: Iterable[ConfigIssue]) -> list[ConfigIssue]:
    # Values may be lists or dicts (unhashable): issues are the same when they read the same.
    unique: dict[tuple[str, str, str, str], ConfigIssue] = {}
    for issue in issues:
        unique.setdefault((issue.path, issue.problem, issue.fix, repr(issue.value)), issue)
    return sorted(unique.values(), key=lambda issue: issue.path)


class ConfigError(Exception):
    """Raised with every issue of one stack's configuration (or of several files, see ``combine``)."""

    def __init__(self, stack: str, source: str, issues: list[ConfigIssue]):
        self.stack = stack
        self.source = source
        self.issues = _deduplicated(issues)
        self.sections: tuple[_Section, ...] = (_Section(stack, source, tuple(self.issues)),)
        super().__init__(self.render())

    @classmethod
    def combine(cls, errors: Iterable["ConfigError"]) -> "ConfigError":
        """One error holding the issues of several files, each file's section kept apart."""
        sections: dict[tuple[str, str], list[ConfigIssue]] = {}
        for error in errors:
            for section in error.sections:
                sections.setdefault((section.stack, section.source), []).extend(section.issues)
        (first_stack, first_source), *_ = sections
        combined = cls(first_stack, first_source, [issue for issues in sections.values() for issue in issues])
        combined.sections = tuple(_Section(stack, source, tuple(_deduplicated(issues))) for (stack, source), issues in sections.items())
        combined.args = (combined.render(),)
        return combined

    def render(self) -> str:
        lines: list[str] = []
        for section in self.sections:
            count = len(section.issues)
            noun = "error" if count == 1 else "errors"
            subject = f"stack '{section.stack}'" if section.stack else "the project catalogue"
            lines.append(f"Invalid configuration for {subject} ({section.source}): {count} {noun}")
            lines += [f"  - {issue.render()}" for issue in section.issues]
        return "\n".join(lines)


def pydantic_issues(error: ValidationError, prefix: str) -> list[ConfigIssue]:
    """One issue per pydantic error, at its key path (``prefix`` + the field path) with the fix the field gave."""
    issues = []
    for detail in error.errors():
        path = prefix + format_path(part for part in detail["loc"] if part != "[key]")
        fix = (detail.get("ctx") or {}).get("fix") or _generic_fix(detail)
        problem = detail["msg"]
        issues.append(ConfigIssue(path, problem, fix, detail.get("input")))
    return issues


def _generic_fix(detail: dict) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    if kind == "missing":
        return "add this key"
    if kind == "extra_forbidden":
        return "remove this key, or check its spelling against the README's config reference"
    if kind in ("enum", "literal_error"):
        return f"use one of {ctx.get('expected', 'the documented values')}"
    if kind in ("too_short", "too_long"):
        return "change the number of entries to fit"
    if kind == "string_pattern_mismatch":
        return f"use a value matching {ctx.get('pattern')}"
    return "correct the value as the README's config reference describes"
