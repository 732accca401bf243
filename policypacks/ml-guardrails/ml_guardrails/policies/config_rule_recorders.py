"""config-rule-recorders: organization Config rules cover only accounts that record, and wait for the recorders.

An organization Config rule (or conformance pack) is deployed to every account of the
organization, the management account included, except those in ``excludedAccounts``;
it fails unless each of them has a configuration recorder (pulumi-aws,
``cfg.OrganizationManagedRule``). In a Control Tower landing zone the recorders come
from registering the account's OU and, for the landing zone's own accounts, from the
landing zone (its manifest names them); the management account has none. So every
such rule in a stack must wait for the stack's OU registrations, and exclude the
management account and every account of the stack whose OU is not registered and that
the landing zone does not name.
"""

from __future__ import annotations

import json
from typing import Any

from pulumi_policy import PolicyConfigSchema, Severity

from .. import registration
from ..common import is_unknown, mandatory_stack_policy, policy_config, string_list_prop, violation
from ..graph import Res, StackView
from ..tokens import (
    CONFIG_ORGANIZATION_CONFORMANCE_PACK,
    CONFIG_ORGANIZATION_CUSTOM_POLICY_RULE,
    CONFIG_ORGANIZATION_CUSTOM_RULE,
    TypeToken,
)

NAME = "config-rule-recorders"
REMEDIATION = (
    "Give the organization Config rule depends_on every controltower.Baseline of the stack, and list in "
    "excluded_accounts the management account and every account outside a registered OU (unless the landing "
    "zone records there); or register those accounts' OUs."
)
SCHEMA = PolicyConfigSchema(
    properties={
        **registration.SCHEMA_PROPERTIES,
        "ruleTypes": string_list_prop("Organization-wide AWS Config resources that need a recorder in every covered account.", [
            TypeToken.CONFIG_ORGANIZATION_MANAGED_RULE.value, CONFIG_ORGANIZATION_CUSTOM_RULE,
            CONFIG_ORGANIZATION_CUSTOM_POLICY_RULE, CONFIG_ORGANIZATION_CONFORMANCE_PACK,
        ]),
    }
)
_MANIFEST_ACCOUNT_KEYS = ("centralizedLogging", "config", "securityRoles")


def _landing_zone_accounts(view: StackView) -> tuple[set[str], set[str], bool]:
    """(account URNs, account ids) the stack's landing zones record in, and whether a manifest is unknown."""
    urns: set[str] = set()
    ids: set[str] = set()
    unknown = False
    for zone in view.of_type(TypeToken.CONTROL_TOWER_LANDING_ZONE):
        urns.update(u for u in zone.property_dependencies.get("manifestJson", []) if view.by_urn.get(u) and view.by_urn[u].type == TypeToken.ACCOUNT)
        manifest = zone.get("manifestJson")
        if is_unknown(manifest):
            unknown = True
            continue
        try:
            document = json.loads(manifest) if isinstance(manifest, str) else {}
        except ValueError:
            document = {}
        for key in _MANIFEST_ACCOUNT_KEYS:
            section = document.get(key) if isinstance(document, dict) else None
            if isinstance(section, dict) and isinstance(section.get("accountId"), str):
                ids.add(section["accountId"])
    return urns, ids, unknown


def _excluded(rule: Res) -> tuple[set[str], set[str], bool]:
    """(ids, URNs of resources referenced) in ``excludedAccounts``, and whether some element is unknown."""
    values = rule.get("excludedAccounts")
    if is_unknown(values):
        return set(), set(rule.property_dependencies.get("excludedAccounts", [])), True
    values = values if isinstance(values, list) else []
    known = {v for v in values if isinstance(v, str)}
    return known, set(rule.property_dependencies.get("excludedAccounts", [])), any(is_unknown(v) for v in values)


def _records(view: StackView, account: Res, found: list[Res], names: set[str], zone: tuple[set[str], set[str], bool]) -> bool | None:
    """Whether the account has a configuration recorder; None when preview cannot tell."""
    zone_urns, zone_ids, zone_unknown = zone
    if account.urn in zone_urns or (isinstance(account.id, str) and account.id in zone_ids):
        return True
    parent = view.ou_parent(account)
    if parent.kind == "ou":
        governed = registration.ou_registered(view, view.by_urn[parent.key], found, names)
        if governed is None:
            return None
        if governed:
            return True
    elif parent.kind in ("unknown", "id"):
        return None
    return None if zone_unknown else False


def _check_rule(view: StackView, rule: Res, cfg: dict[str, Any], report) -> None:
    found, names = registration.registrations(view, cfg), registration.declared(cfg)
    kind = rule.type.rsplit(":", 1)[-1]
    label = f"{kind} '{rule.get('name') or rule.name}'"
    for baseline in found:
        if not view.waits_for(rule, baseline):
            report(violation(f"{label} does not wait for the OU registration {baseline.name}, which brings the AWS Config "
                             "recorders its accounts need.", "Give the rule depends_on every OU registration of the stack."), rule.urn)
            break
    ids, refs, unknown = _excluded(rule)
    for organization in view.of_type(TypeToken.ORGANIZATION):
        management = organization.get("masterAccountId")
        if organization.urn in refs or (isinstance(management, str) and management in ids):
            continue
        if is_unknown(management) or unknown:
            continue
        report(violation(f"{label} covers the management account ({management}), which has no AWS Config recorder.",
                         "Add the organization's management account id to excluded_accounts."), rule.urn)
    zone = _landing_zone_accounts(view)
    for account in view.of_type(TypeToken.ACCOUNT):
        if account.urn in refs or (isinstance(account.id, str) and account.id in ids):
            continue
        records = _records(view, account, found, names, zone)
        if records is False and not unknown:
            report(violation(
                f"{label} covers account '{account.get('name') or account.name}', which sits in an OU no registration "
                "governs and has no AWS Config recorder: the rule would fail.",
                "Exclude the account (excluded_accounts) or register its OU first."), rule.urn)


def validate(args, report_violation) -> None:
    view = StackView(args.resources)
    cfg = policy_config(args, SCHEMA)
    rules = view.of_type(*cfg["ruleTypes"])
    if not rules:
        args.not_applicable("the stack has no organization Config rules")
    for rule in rules:
        _check_rule(view, rule, cfg, report_violation)


POLICY = mandatory_stack_policy(
    name=NAME,
    description=(
        "Organization Config rules and conformance packs wait for the stack's OU registrations and exclude the "
        "management account and every account without an AWS Config recorder."
    ),
    validate=validate,
    schema=SCHEMA,
    severity=Severity.HIGH,
    remediation=REMEDIATION,
)
