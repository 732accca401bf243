"""Which changes replace a resource, and which deletions or replacements lose something.

Both come from one table, :mod:`mlgov.force_replace`: a change replaces its
resource when it touches a property the upstream provider marks ForceNew (the
table names the property paths, :func:`replacement_causes` returns the ones a
change hits), and a deletion or replacement is destructive when the resource is
stateful (:data:`mlgov.force_replace.STATEFUL_TYPES`: accounts, OUs, the
organization, policies, buckets, keys, Studio domains and user profiles,
products, ...). Replacing a provider replaces every resource created with it, so
that is destructive when any of them is stateful.

Offline, the engine cannot ask the provider (no ``Diff`` call), so this table
is the diff's knowledge; when in doubt it flags: a change to a type the table
does not know counts as a replacement caused by every property it touches.
"""

from __future__ import annotations

from typing import Any

from mlgov.diff.model import Danger, PropertyChange, ResourceChange
from mlgov.force_replace import PROVIDER_PREFIX, STATEFUL_TYPES, UnknownResourceType, path_segments, replace_causes


def replacement_causes(type_token: str, changes: list[PropertyChange]) -> list[str]:
    """The input property paths among ``changes`` that make the provider replace the resource."""
    paths = [change.path for change in changes if change.path.startswith("/")]  # not "(protect)"
    try:
        return replace_causes(type_token, paths)
    except UnknownResourceType:
        return sorted({path_segments(path)[0] for path in paths if path_segments(path)})


def _dependents(urn: str, resources: list[dict[str, Any]]) -> list[str]:
    return sorted({r["name"] for r in resources if urn in (r.get("dependencies") or []) or r.get("parent") == urn})


def _created_with(provider_urn: str, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Resources whose provider reference (``<urn>::<id>``) is the provider ``provider_urn``."""
    return [r for r in resources if str(r.get("provider") or "").startswith(provider_urn + "::")]


def _quoted(paths: list[str]) -> str:
    return ", ".join(f"`{path}`" for path in paths)


def _provider_danger(stack: str, resource: ResourceChange, head_resources: list[dict[str, Any]]) -> Danger | None:
    managed = _created_with(resource.urn, head_resources)
    stateful = sorted({STATEFUL_TYPES[r["type"]] for r in managed if r["type"] in STATEFUL_TYPES})
    if not stateful:
        return None
    return Danger(
        stack, resource.urn, resource.type, resource.name, "replace",
        f"changing {_quoted(resource.replace_causes)} replaces the provider, and with it the {len(managed)} resources "
        f"created with it (among them: {', '.join(stateful)}).",
        resource.protect, sorted(r["name"] for r in managed), list(resource.replace_causes),
    )


def find_dangers(stack: str, removed: list[ResourceChange], changed: list[ResourceChange],
                 base_resources: list[dict[str, Any]], head_resources: list[dict[str, Any]]) -> list[Danger]:
    dangers: list[Danger] = []
    for resource in removed:
        noun = STATEFUL_TYPES.get(resource.type)
        if noun is None:
            continue
        guard = " It is protected: `pulumi up` stops before deleting it." if resource.protect else ""
        dangers.append(Danger(
            stack, resource.urn, resource.type, resource.name, "delete",
            f"the {noun} is no longer declared, so Pulumi deletes it.{guard}",
            resource.protect, _dependents(resource.urn, base_resources),
        ))
    for resource in changed:
        if not resource.replace_causes:
            continue
        if resource.type.startswith(PROVIDER_PREFIX):
            danger = _provider_danger(stack, resource, head_resources)
            if danger is not None:
                dangers.append(danger)
            continue
        noun = STATEFUL_TYPES.get(resource.type)
        if noun is None:
            continue
        guard = " It is protected: `pulumi up` stops before replacing it." if resource.protect else ""
        dangers.append(Danger(
            stack, resource.urn, resource.type, resource.name, "replace",
            f"changing {_quoted(resource.replace_causes)} replaces the {noun} (delete and create).{guard}",
            resource.protect, _dependents(resource.urn, head_resources), list(resource.replace_causes),
        ))
    return sorted(dangers, key=lambda d: (d.type, d.name, d.urn))
