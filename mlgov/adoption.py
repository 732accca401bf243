"""Adopting existing resources (``pulumi import``) without a replacement on the next ``pulumi up``.

Some arguments are sent when a resource is created and never read back: after an
import the provider's state has no value for them, so the next ``up`` sees a
difference, and where the argument forces replacement it plans to replace the
adopted resource. The provider documents them ("Import" section of
``organizations.Account``): ``role_name`` has no API to read it, and
``iam_user_access_to_billing`` is known only from the import id
(``<account id>_<ALLOW|DENY>``). Every such argument the program sets is listed in
``ignoreChanges``, from this one table; a test keeps the table in step with the
provider's documentation for every type the program creates.

``import_file`` writes the file ``pulumi import --file`` reads: the resources to
adopt under the names and parents the program gives them, with the component
resources above them as placeholders (``pulumi import`` can parent an imported
resource only on something in the same file or already in the stack). A resource
made through an explicit provider names it in the file's name table; that
provider must be in the stack's state first (``pulumi up --target <its urn>``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mlgov.constants import TypeToken

NOT_READ_BACK: dict[str, tuple[str, ...]] = {
    TypeToken.ACCOUNT: ("iamUserAccessToBilling", "roleName"),
}
"""Type token -> arguments (engine names) the provider cannot read back after an import."""

ACCOUNT_BILLING_ACCESS = "DENY"
"""What every account of this program sets: only the root user sees billing, never IAM users or roles."""

_ID_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    TypeToken.ACCOUNT: (re.compile(r"^\d{12}$"), "a 12-digit account id such as 111122223333"),
    TypeToken.ORGANIZATIONAL_UNIT: (re.compile(r"^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$"), "an OU id such as ou-ab12-cd34ef56"),
    TypeToken.POLICY: (re.compile(r"^p-[0-9a-z]{8,128}$"), "a policy id such as p-a1b2c3d4"),
}


class AdoptionError(ValueError):
    """A resource cannot be adopted as asked; the message names it and the fix."""


def ignore_changes_for(type_: str) -> list[str]:
    return list(NOT_READ_BACK.get(type_, ()))


def account_import_id(account_id: str, billing_access: str = ACCOUNT_BILLING_ACCESS) -> str:
    """The id ``pulumi import`` needs so the state records the billing access the program declares."""
    return f"{account_id}_{billing_access}"


def _import_id(resource: Mapping[str, Any], live_id: str) -> str:
    type_ = resource["type"]
    pattern, example = _ID_FORMATS.get(type_, (re.compile(r"^\S+$"), "the id AWS shows for it"))
    if not pattern.match(live_id):
        raise AdoptionError(f"--id {resource['name']}={live_id}: not {example}. Fix: pass the live resource's id")
    return account_import_id(live_id) if type_ == TypeToken.ACCOUNT else live_id


def import_file(stack: Mapping[str, Any], ids: Mapping[str, str]) -> dict[str, Any]:
    """The ``pulumi import --file`` document adopting ``ids`` (resource name -> live id) into ``stack`` (a planned stack)."""
    resources = list(stack.get("resources") or [])
    by_urn = {r["urn"]: r for r in resources}
    entries: dict[str, dict[str, Any]] = {}
    name_table: dict[str, str] = {}

    def add_parents(resource: Mapping[str, Any], in_state: bool) -> str | None:
        """The name of the entry ``resource``'s parent is known by (None: the stack): a placeholder for each
        component above it, or, when those exist already (``in_state``), a name-table entry with its URN."""
        parent = by_urn.get(resource.get("parent") or "")
        if parent is None or parent["type"] == TypeToken.STACK:
            return None
        if in_state:
            name_table[parent["name"]] = parent["urn"]
            return parent["name"]
        grandparent = add_parents(parent, in_state)
        entry = {"type": parent["type"], "name": parent["name"], "component": True}
        if grandparent:
            entry["parent"] = grandparent
        entries.setdefault(parent["name"], entry)
        return parent["name"]

    for name, live_id in ids.items():
        matches = [r for r in resources if r["name"] == name and r.get("custom") and not r["type"].startswith("pulumi:")]
        if not matches:
            known = ", ".join(sorted({r["name"] for r in resources if r["type"] in _ID_FORMATS})[:12])
            raise AdoptionError(f"--id {name}: stack {stack.get('name')!r} plans no resource of that name. Fix: use a name from `mlgov plan --format json`, e.g. {known}")
        if len(matches) > 1:
            raise AdoptionError(f"--id {name}: several resources of stack {stack.get('name')!r} have that name. Fix: adopt them with a hand-written import file")
        resource = matches[0]
        entry = {"type": resource["type"], "name": name, "id": _import_id(resource, live_id)}
        provider_urn = (resource.get("provider") or "").rsplit("::", 1)[0]
        provider = by_urn.get(provider_urn)
        explicit = provider is not None and not provider["name"].startswith("default_")
        if explicit:
            # An explicit provider (one account, one region) and the components above it are already in the state.
            name_table[provider["name"]] = provider_urn
            entry["provider"] = provider["name"]
        parent = add_parents(resource, in_state=explicit)
        if parent:
            entry["parent"] = parent
        entries[name] = entry
    document: dict[str, Any] = {"resources": list(entries.values())}
    if name_table:
        document["nameTable"] = name_table
    return document
