"""Compare the planned organization with the live one, by names.

Live ids never equal planned ids, so nodes are matched by what the plan pins:
OUs by name under their (matched) parent, accounts by email (unique across AWS),
policies by name. An OU found under another parent is *moved*, not missing plus
extra. Findings come back sorted by kind (``DRIFT_KINDS`` order), then subject.

What is deliberately not drift (it goes to ``notes``):
- AWS-managed policies (FullAWSAccess, RCPFullAWSAccess): the plan never creates
  them. A target without FullAWSAccess is noted, since with deny-list SCPs such a
  target allows nothing a policy there does not Allow explicitly.
- The management account: the plan never creates it.
- An account whose name differs from the plan (the email matched it).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from mlgov.drift.live import FULL_AWS_ACCESS_ID, FULL_AWS_ACCESS_NAME, SERVICE_CONTROL_POLICY, LiveOrg
from mlgov.engine.org_view import OrgView

DRIFT_KINDS: tuple[str, ...] = (
    "org-setting",
    "missing-ou",
    "extra-ou",
    "moved-ou",
    "missing-account",
    "extra-account",
    "moved-account",
    "missing-policy",
    "extra-policy",
    "policy-content",
    "missing-attachment",
    "extra-attachment",
)
ROOT_LABEL = "Root"


@dataclass(frozen=True)
class Drift:
    kind: str
    subject: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class DriftReport:
    drift: list[Drift] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    compared: dict[str, int] = field(default_factory=dict)  # planned counts: ous, accounts, policies, attachments

    @property
    def ok(self) -> bool:
        return not self.drift

    def by_kind(self) -> dict[str, int]:
        counts = Counter(item.kind for item in self.drift)
        return {kind: counts[kind] for kind in DRIFT_KINDS if counts[kind]}

    def to_dict(self) -> dict[str, Any]:
        return {
            "drift": [item.to_dict() for item in self.drift],
            "notes": list(self.notes),
            "summary": {"drift": len(self.drift), "by_kind": self.by_kind(), "compared": dict(self.compared)},
        }


# ---- policy documents ------------------------------------------------------------------------


def normalise_policy(content: str) -> str:
    """Canonical JSON of a policy document: keys sorted, no whitespace, Statement always a list."""
    document = json.loads(content)
    if isinstance(document, dict) and isinstance(document.get("Statement"), dict):
        document = {**document, "Statement": [document["Statement"]]}
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _statements(document: Any) -> dict[str, str]:
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    keyed: dict[str, str] = {}
    for index, statement in enumerate(statements if isinstance(statements, list) else [statements]):
        sid = statement.get("Sid") if isinstance(statement, dict) else None
        key = str(sid) if sid else f"#{index + 1}"
        keyed[key] = json.dumps(statement, sort_keys=True, separators=(",", ":"))
    return keyed


def policy_difference(planned: str, live: str) -> str | None:
    """None when both documents are the same normalised JSON; else which Sids differ."""
    try:
        planned_norm = normalise_policy(planned)
    except (TypeError, ValueError):
        return "the planned content is not valid JSON"
    try:
        live_norm = normalise_policy(live)
    except (TypeError, ValueError):
        return "the live content is not valid JSON"
    if planned_norm == live_norm:
        return None
    planned_doc, live_doc = json.loads(planned_norm), json.loads(live_norm)
    parts: list[str] = []
    others = sorted(
        key
        for key in set(planned_doc) | set(live_doc)
        if key != "Statement" and planned_doc.get(key) != live_doc.get(key)
    ) if isinstance(planned_doc, dict) and isinstance(live_doc, dict) else ["document"]
    if others:
        parts.append("top-level " + ", ".join(others) + " differ")
    planned_st, live_st = _statements(planned_doc), _statements(live_doc)
    changed = sorted(sid for sid in planned_st.keys() & live_st.keys() if planned_st[sid] != live_st[sid])
    removed = sorted(planned_st.keys() - live_st.keys())
    added = sorted(live_st.keys() - planned_st.keys())
    if changed:
        parts.append("statements changed: " + ", ".join(changed))
    if removed:
        parts.append("planned statements missing live: " + ", ".join(removed))
    if added:
        parts.append("live statements not in the plan: " + ", ".join(added))
    if not parts:
        parts.append("same statements in a different order")
    return "; ".join(parts)


# ---- matching ----------------------------------------------------------------------------------


def _planned_path(view: OrgView, ou_id: str) -> str:
    if ou_id == view.root_id:
        return ROOT_LABEL
    return "/".join(view.ous[node].name for node in view.path_to(ou_id)[1:] if node in view.ous) or ou_id


def _live_path(live: LiveOrg, ou_id: str) -> str:
    return ROOT_LABEL if ou_id == live.root_id else live.ou_path(ou_id)


def _match_ous(planned: OrgView, live: LiveOrg) -> tuple[dict[str, str], set[str]]:
    """planned OU id -> live OU id (root included), and the planned ids matched elsewhere (moved)."""
    mapping = {planned.root_id: live.root_id}
    moved: set[str] = set()
    unmatched_live = set(live.ous)
    pending = sorted(planned.ous, key=lambda ou_id: _planned_path(planned, ou_id))
    while True:
        progress = False
        # In place: same name under the matched parent.
        for ou_id in list(pending):
            ou = planned.ous[ou_id]
            parent = mapping.get(ou.parent_id)
            if parent is None:
                continue
            same = sorted(lid for lid in unmatched_live if live.ous[lid].name == ou.name and live.ous[lid].parent_id == parent)
            if same:
                mapping[ou_id] = same[0]
                unmatched_live.discard(same[0])
                pending.remove(ou_id)
                progress = True
        if progress:
            continue
        # Moved: the only unmatched live OU of that name, anywhere.
        for ou_id in list(pending):
            ou = planned.ous[ou_id]
            same = sorted(lid for lid in unmatched_live if live.ous[lid].name == ou.name)
            if len(same) == 1:
                mapping[ou_id] = same[0]
                unmatched_live.discard(same[0])
                pending.remove(ou_id)
                moved.add(ou_id)
                progress = True
                break
        if not progress:
            return mapping, moved


def _target_label(view: OrgView, target_id: str, ou_path: Callable[[Any, str], str]) -> str:
    """How a policy target reads in a drift line; ``ou_path`` is ``_planned_path`` or ``_live_path``."""
    if target_id == view.root_id:
        return ROOT_LABEL
    if target_id in view.ous:
        return f"OU {ou_path(view, target_id)}"
    if target_id in view.accounts:
        account = view.accounts[target_id]
        return f"account {account.name} <{account.email}>"
    return target_id


def compare(
    planned: OrgView,
    live: LiveOrg,
    *,
    enabled_policy_types: Iterable[str] | None = None,
    feature_set: str | None = None,
) -> list[Drift]:
    """Drift between ``planned`` and ``live``, sorted by kind then subject (see ``compare_report``)."""
    return compare_report(planned, live, enabled_policy_types=enabled_policy_types, feature_set=feature_set).drift


def compare_report(
    planned: OrgView,
    live: LiveOrg,
    *,
    enabled_policy_types: Iterable[str] | None = None,
    feature_set: str | None = None,
) -> DriftReport:
    """Drift and notes. ``enabled_policy_types``/``feature_set``: the planned Organization's
    settings, checked when given (the OrgView does not carry them)."""
    found = _Findings()
    _compare_org_settings(found, live, enabled_policy_types, feature_set)
    ou_map = _compare_ous(found, planned, live)
    account_map = _compare_accounts(found, planned, live, ou_map)
    planned_policies, live_policies = _compare_policies(found, planned, live)
    _compare_attachments(found, planned, live, {**ou_map, **account_map}, planned_policies, live_policies)
    _note_missing_full_access(found, live)
    extra_types = sorted(set(live.enabled_policy_types) - set(enabled_policy_types or live.enabled_policy_types))
    if extra_types:
        found.notes.append(f"policy types enabled live but not in the plan: {', '.join(extra_types)}")

    found.drift.sort(key=lambda item: (DRIFT_KINDS.index(item.kind), item.subject, item.detail))
    compared = {
        "ous": len(planned.ous),
        "accounts": len(planned.accounts),
        "policies": len(planned.policies),
        "attachments": len(planned.attachments),
    }
    return DriftReport(drift=found.drift, notes=sorted(set(found.notes)), compared=compared)


@dataclass
class _Findings:
    """What the comparison steps report, in the order they find it."""

    drift: list[Drift] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, kind: str, subject: str, detail: str) -> None:
        self.drift.append(Drift(kind, subject, detail))


def _compare_org_settings(found: _Findings, live: LiveOrg, enabled_policy_types: Iterable[str] | None, feature_set: str | None) -> None:
    if feature_set and live.feature_set and feature_set != live.feature_set:
        found.add("org-setting", "feature set", f"planned {feature_set}, live {live.feature_set}")
    for policy_type in sorted(set(enabled_policy_types or ())):
        if policy_type not in live.enabled_policy_types:
            effect = ": no SCP takes effect" if policy_type == SERVICE_CONTROL_POLICY else ""
            found.add("org-setting", f"policy type {policy_type}", f"planned enabled on the root, not enabled live{effect}")


def _compare_ous(found: _Findings, planned: OrgView, live: LiveOrg) -> dict[str, str]:
    """Missing, moved and extra OUs; returns planned OU id -> live OU id."""
    ou_map, moved = _match_ous(planned, live)
    for ou_id, ou in planned.ous.items():
        path = _planned_path(planned, ou_id)
        if ou_id not in ou_map:
            parent_note = " (its parent is missing too)" if ou.parent_id not in ou_map else ""
            scps = sorted(p.name for p in planned.policies_on(ou_id))
            scp_note = f"; planned SCPs there: {', '.join(scps)}" if scps else ""
            found.add("missing-ou", path, f"planned under {_planned_path(planned, ou.parent_id)}, not in the live organization{parent_note}{scp_note}")
        elif ou_id in moved or live.ous[ou_map[ou_id]].parent_id != ou_map.get(ou.parent_id):
            live_parent = live.ous[ou_map[ou_id]].parent_id
            found.add("moved-ou", path, f"planned under {_planned_path(planned, ou.parent_id)}, live under {_live_path(live, live_parent)}")
    matched_live_ous = set(ou_map.values())
    for live_id, ou in live.ous.items():
        if live_id not in matched_live_ous:
            held = len(live.accounts_in(live_id)) + len(live.children(live_id))
            holds = f"; holds {held} account(s)/OU(s)" if held else ""
            found.add("extra-ou", _live_path(live, live_id), f"under {_live_path(live, ou.parent_id)}, not in the plan{holds}")
    return ou_map


def _compare_accounts(found: _Findings, planned: OrgView, live: LiveOrg, ou_map: dict[str, str]) -> dict[str, str]:
    """Accounts matched by email: missing, closed, moved, extra; returns planned id -> live id."""
    live_by_email = {account.email.lower(): account for account in live.accounts.values()}
    account_map: dict[str, str] = {}
    for account_id, account in planned.accounts.items():
        subject = f"{account.name} <{account.email}>"
        match = live_by_email.get(account.email.lower())
        if match is None:
            found.add("missing-account", subject, f"planned in {_planned_path(planned, account.parent_id)}, not in the live organization")
            continue
        account_map[account_id] = match.id
        status = live.account_status.get(match.id, "")
        if status and status != "ACTIVE":
            found.add("missing-account", subject, f"{match.id} is {status} in the live organization (closed or being closed)")
        expected_parent = ou_map.get(account.parent_id)
        if match.parent_id != expected_parent:
            missing = "" if expected_parent else " (missing)"
            found.add("moved-account", subject, f"planned in {_planned_path(planned, account.parent_id)}{missing}, live in {_live_path(live, match.parent_id)}")
        if match.name != account.name:
            found.notes.append(f"account <{account.email}> is named {match.name!r} live, {account.name!r} in the plan")
    matched_live_accounts = set(account_map.values())
    for live_id, account in live.accounts.items():
        if live_id in matched_live_accounts:
            continue
        if live_id == live.management_account_id:
            found.notes.append(f"management account {live_id} <{account.email}> is not part of the plan; not compared")
            continue
        status = live.account_status.get(live_id, "")
        state = f" ({status})" if status and status != "ACTIVE" else ""
        found.add("extra-account", f"{account.name} <{account.email}>", f"{live_id}{state} in {_live_path(live, account.parent_id)}, not in the plan")
    return account_map


def _compare_policies(found: _Findings, planned: OrgView, live: LiveOrg) -> tuple[dict[str, Any], dict[str, Any]]:
    """Policies by name: missing, extra, content; returns both sides' policies by name (AWS-managed left out)."""
    live_policies = {p.name: p for p in live.policies.values() if not live.is_aws_managed(p.id)}
    planned_policies = {p.name: p for p in planned.policies.values()}
    for name in sorted(planned_policies):
        policy = planned_policies[name]
        if name not in live_policies:
            targets = sorted(_target_label(planned, a.target_id, _planned_path) for a in planned.attachments if a.policy_id == policy.id)
            found.add("missing-policy", name, "planned, not in the live organization" + (f"; planned on: {', '.join(targets)}" if targets else ""))
            continue
        difference = policy_difference(policy.content, live_policies[name].content)
        if difference:
            found.add("policy-content", name, difference)
    for name in sorted(set(live_policies) - set(planned_policies)):
        policy = live_policies[name]
        targets = sorted(_target_label(live, a.target_id, _live_path) for a in live.attachments if a.policy_id == policy.id)
        found.add("extra-policy", name, f"{policy.id} not in the plan; " + (f"attached to: {', '.join(targets)}" if targets else "not attached"))
    return planned_policies, live_policies


def _compare_attachments(
    found: _Findings, planned: OrgView, live: LiveOrg, target_map: dict[str, str], planned_policies: dict[str, Any], live_policies: dict[str, Any]
) -> None:
    """Attachments of planned policies, on targets that exist on both sides."""
    planned_pairs: dict[tuple[str, str], str] = {}
    for attachment in planned.attachments:
        policy = planned.policies.get(attachment.policy_id)
        if policy is None or policy.name not in live_policies or attachment.target_id not in target_map:
            continue  # reported as a missing policy / OU / account
        planned_pairs[(policy.name, target_map[attachment.target_id])] = _target_label(planned, attachment.target_id, _planned_path)
    live_pairs: dict[tuple[str, str], str] = {}
    for attachment in live.attachments:
        policy = live.policies.get(attachment.policy_id)
        if policy is None or live.is_aws_managed(policy.id) or policy.name not in planned_policies:
            continue  # AWS-managed, or reported as an extra policy
        live_pairs[(policy.name, attachment.target_id)] = _target_label(live, attachment.target_id, _live_path)
    for pair in sorted(planned_pairs.keys() - live_pairs.keys()):
        found.add("missing-attachment", f"{pair[0]} -> {planned_pairs[pair]}", "planned, not attached in the live organization")
    for pair in sorted(live_pairs.keys() - planned_pairs.keys()):
        found.add("extra-attachment", f"{pair[0]} -> {live_pairs[pair]}", "attached in the live organization, not in the plan")


def _note_missing_full_access(found: _Findings, live: LiveOrg) -> None:
    """FullAWSAccess: AWS attaches it everywhere; deny-list SCPs rely on it."""
    if SERVICE_CONTROL_POLICY not in live.policy_types.values():
        return
    full_access = {p.id for p in live.policies.values() if p.id == FULL_AWS_ACCESS_ID or (p.name == FULL_AWS_ACCESS_NAME and live.is_aws_managed(p.id))}
    with_full_access = {a.target_id for a in live.attachments if a.policy_id in full_access}
    targets = [live.root_id, *live.ous, *(a for a in live.accounts if live.account_status.get(a, "ACTIVE") == "ACTIVE")]
    for target in targets:
        if target not in with_full_access:
            found.notes.append(
                f"FullAWSAccess is not attached to {_target_label(live, target, _live_path)}: with deny-list SCPs nothing is allowed there "
                "unless an attached SCP allows it (AWS requires at least one SCP on every target)"
            )
