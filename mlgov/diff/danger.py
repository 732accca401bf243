"""Which changes delete or replace an account, an OU, the organization or a policy.

Replace-on-change properties, from the Terraform AWS provider schema that
pulumi-aws 7.51.1 bridges (``internal/service/organizations``, ``ForceNew``):

- Account: ``email``, ``roleName``, ``iamUserAccessToBilling`` are ForceNew.
  ``name`` is updated in place since the provider gained account renames
  (hashicorp/terraform-provider-aws#42350, April 2025, via the Account
  Management API); ``parentId`` is a MoveAccount, in place.
- OrganizationalUnit: ``parentId`` is ForceNew (AWS has no API to move an OU);
  ``name`` and tags are updated in place.
- Policy: ``type`` is treated as replace-on-change (conservative: a policy's
  type cannot be changed through UpdatePolicy); ``content``, ``name`` and
  ``description`` are updated in place.
- Organization: ``featureSet`` is treated as replace-on-change (conservative:
  the provider only replaces when going from ALL to CONSOLIDATED_BILLING, a
  direction this diff does not try to tell apart).

Offline, the engine cannot ask the provider (no ``Diff`` call), so this table
is the diff's knowledge; when in doubt it flags.
"""

from __future__ import annotations

from typing import Any

from mlgov.constants import TypeToken
from mlgov.diff.model import Danger, ResourceChange

DESTRUCTIVE_TYPES: dict[str, str] = {
    TypeToken.ACCOUNT: "account",
    TypeToken.ORGANIZATIONAL_UNIT: "OU",
    TypeToken.ORGANIZATION: "organization",
    TypeToken.POLICY: "policy",
}

REPLACE_ON_CHANGE: dict[str, tuple[str, ...]] = {
    TypeToken.ACCOUNT: ("email", "roleName", "iamUserAccessToBilling"),
    TypeToken.ORGANIZATIONAL_UNIT: ("parentId",),
    TypeToken.POLICY: ("type",),
    TypeToken.ORGANIZATION: ("featureSet",),
}

MAX_DEPENDENTS = 10


def _dependents(urn: str, resources: list[dict[str, Any]]) -> list[str]:
    names = sorted({r["name"] for r in resources if urn in (r.get("dependencies") or []) or r.get("parent") == urn})
    return names


def find_dangers(stack: str, removed: list[ResourceChange], changed: list[ResourceChange],
                 base_resources: list[dict[str, Any]], head_resources: list[dict[str, Any]]) -> list[Danger]:
    dangers: list[Danger] = []
    for resource in removed:
        noun = DESTRUCTIVE_TYPES.get(resource.type)
        if noun is None:
            continue
        guard = " It is protected: `pulumi up` stops before deleting it." if resource.protect else ""
        dangers.append(Danger(
            stack, resource.urn, resource.type, resource.name, "delete",
            f"the {noun} is no longer declared, so Pulumi deletes it.{guard}",
            resource.protect, _dependents(resource.urn, base_resources),
        ))
    for resource in changed:
        keys = REPLACE_ON_CHANGE.get(resource.type, ())
        hits = sorted({change.top_key for change in resource.changes if change.top_key in keys})
        if not hits:
            continue
        noun = DESTRUCTIVE_TYPES[resource.type]
        guard = " It is protected: `pulumi up` stops before replacing it." if resource.protect else ""
        dangers.append(Danger(
            stack, resource.urn, resource.type, resource.name, "replace",
            f"changing {', '.join(f'`{k}`' for k in hits)} replaces the {noun} (delete and create).{guard}",
            resource.protect, _dependents(resource.urn, head_resources),
        ))
    return sorted(dangers, key=lambda d: (d.type, d.name, d.urn))
