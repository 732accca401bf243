"""IAM policy documents as resource properties: parse, walk statements, read principals.

A document arrives as a JSON string (``json.dumps`` in the program) or, for inputs typed
``str | PolicyDocument``, as an object; during preview the whole value may be unknown.
"""

from __future__ import annotations

import json
from typing import Any

from .common import UNKNOWN, is_unknown


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def load_document(value: Any) -> Any:
    """The document as a dict; UNKNOWN when unknown at preview; None when absent or not a
    JSON object (AWS rejects such a document itself, there is no principal to judge)."""
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None
    return value if isinstance(value, dict) else None


def statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's statements that are objects (a single statement may stand unlisted)."""
    raw = doc.get("Statement")
    if is_unknown(raw):
        return []
    return [s for s in as_list(raw) if isinstance(s, dict)]


def statement_label(stmt: dict[str, Any], index: int) -> str:
    sid = stmt.get("Sid")
    return f"statement '{sid}'" if isinstance(sid, str) and sid else f"Statement[{index}]"


def wildcard_principals(stmt: dict[str, Any]) -> list[str]:
    """How the statement names everyone: ``*``, ``{"AWS": "*"}``, a principal ARN with a
    wildcard (``arn:aws:iam::*:root``), or NotPrincipal (everyone but a list)."""
    found: list[str] = []
    if "NotPrincipal" in stmt:
        found.append("NotPrincipal (everyone but the listed principals)")
    principal = stmt.get("Principal")
    if principal == "*":
        found.append('"*"')
    elif isinstance(principal, dict):
        for kind, values in principal.items():
            found.extend(f'{{"{kind}": "{v}"}}' for v in as_list(values) if isinstance(v, str) and "*" in v)
    return found
