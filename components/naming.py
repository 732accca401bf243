"""How child resources are named: one rule so URNs stay stable across refactors.

A resource's Pulumi name is part of its URN; renaming it makes the engine
delete and recreate the resource, which for an account or an OU is exactly the
accident the product exists to prevent. Names derive from config keys, never
from positions in a list.
"""

from __future__ import annotations

from mlgov.naming import kebab


def child_name(component: str, *parts: str) -> str:
    return "-".join([component, *(kebab(part) for part in parts)])
