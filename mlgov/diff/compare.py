"""Compare two plans of one stack by URN: resources, violations, stack outputs.

Resources are compared on their *inputs* (what the program asks for) and the
``protect`` option, never on outputs: ids and ARNs are fakes derived from URNs,
so they only move when a URN does, which already shows as remove + add.
Stack outputs are compared as they are. Values the program marked secret are
``"[secret]"`` in both plans and stay masked here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from mlgov.diff.danger import replacement_causes
from mlgov.diff.model import MISSING, PropertyChange, ResourceChange, StackDiff


def escape(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def diff_values(old: Any, new: Any, path: str = "") -> list[PropertyChange]:
    """Every difference between ``old`` and ``new`` as JSON-pointer-ish paths, sorted."""
    if old == new and type(old) is type(new):
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        return _diff_keyed(old, new, sorted(set(old) | set(new), key=str), lambda key: f"{path}/{escape(key)}")
    if isinstance(old, list) and isinstance(new, list):
        return _diff_lists(old, new, path)
    if isinstance(old, str) and isinstance(new, str):
        parsed_old, parsed_new = _json_document(old), _json_document(new)
        if parsed_old is not None and parsed_new is not None:
            return diff_values(parsed_old, parsed_new, path + "#")
    return [PropertyChange(path, old, new)]


def _diff_lists(old: list[Any], new: list[Any], path: str) -> list[PropertyChange]:
    old_sids, new_sids = _by_sid(old), _by_sid(new)
    if old_sids is not None and new_sids is not None:
        return _diff_keyed(old_sids, new_sids, sorted(set(old_sids) | set(new_sids)), lambda sid: f"{path}[Sid={sid}]")
    if all(not isinstance(item, (dict, list)) for item in old + new):
        return [PropertyChange(path, old, new)]
    return _diff_keyed(dict(enumerate(old)), dict(enumerate(new)), range(max(len(old), len(new))), lambda index: f"{path}/{index}")


def _diff_keyed(old: dict[Any, Any], new: dict[Any, Any], keys: Iterable[Any], subpath: Callable[[Any], str]) -> list[PropertyChange]:
    """Per key, in the order of ``keys``: added, removed, or the differences within the value."""
    changes: list[PropertyChange] = []
    for key in keys:
        sub = subpath(key)
        if key not in old:
            changes.append(PropertyChange(sub, MISSING, new[key]))
        elif key not in new:
            changes.append(PropertyChange(sub, old[key], MISSING))
        else:
            changes.extend(diff_values(old[key], new[key], sub))
    return changes


def _by_sid(items: list[Any]) -> dict[str, Any] | None:
    if not items or not all(isinstance(item, dict) and isinstance(item.get("Sid"), str) for item in items):
        return None
    sids = {item["Sid"]: item for item in items}
    return sids if len(sids) == len(items) else None


def _json_document(text: str) -> Any:
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, (dict, list)) else None


def _violation_key(violation: dict[str, Any]) -> tuple[str, str, str]:
    return (str(violation.get("policy", "")), str(violation.get("urn", "")), str(violation.get("message", "")))


def _violation(violation: dict[str, Any]) -> dict[str, str]:
    return {key: str(violation.get(key, "")) for key in ("policy", "level", "urn", "message")}


def _sorted_violations(violations: list[dict[str, Any]]) -> list[dict[str, str]]:
    return sorted((_violation(v) for v in violations), key=lambda v: (v["policy"], v["urn"], v["message"], v["level"]))


def _resource_sort_key(resource: dict[str, Any]) -> tuple[str, str, str]:
    return (resource.get("type", ""), resource.get("name", ""), resource["urn"])


def diff_stack(name: str, base: dict[str, Any] | None, head: dict[str, Any] | None) -> StackDiff:
    """Compare one stack's base and head plans (``StackPlan.to_dict()`` form; None = absent)."""
    kind = str((head or base or {}).get("kind", ""))
    result = StackDiff(name=name, kind=kind, in_base=base is not None, in_head=head is not None)
    base_resources = {r["urn"]: r for r in (base or {}).get("resources", [])}
    head_resources = {r["urn"]: r for r in (head or {}).get("resources", [])}
    for urn in sorted(set(head_resources) - set(base_resources), key=lambda u: _resource_sort_key(head_resources[u])):
        r = head_resources[urn]
        result.added.append(ResourceChange(urn, r["type"], r["name"], "add", bool(r.get("protect"))))
    for urn in sorted(set(base_resources) - set(head_resources), key=lambda u: _resource_sort_key(base_resources[u])):
        r = base_resources[urn]
        result.removed.append(ResourceChange(urn, r["type"], r["name"], "remove", bool(r.get("protect"))))
    for urn in sorted(set(base_resources) & set(head_resources), key=lambda u: _resource_sort_key(head_resources[u])):
        old, new = base_resources[urn], head_resources[urn]
        changes = diff_values(old.get("inputs") or {}, new.get("inputs") or {})
        if bool(old.get("protect")) != bool(new.get("protect")):
            changes.append(PropertyChange("(protect)", bool(old.get("protect")), bool(new.get("protect"))))
        if changes:
            result.changed.append(ResourceChange(urn, new["type"], new["name"], "update", bool(new.get("protect")), changes,
                                                 replacement_causes(new["type"], changes)))
    base_violations = {_violation_key(v): v for v in (base or {}).get("violations", [])}
    head_violations = {_violation_key(v): v for v in (head or {}).get("violations", [])}
    result.violations_new = _sorted_violations([v for k, v in head_violations.items() if k not in base_violations])
    result.violations_resolved = _sorted_violations([v for k, v in base_violations.items() if k not in head_violations])
    result.violations_kept = _sorted_violations([v for k, v in head_violations.items() if k in base_violations])
    result.outputs = diff_values((base or {}).get("outputs") or {}, (head or {}).get("outputs") or {})
    return result
