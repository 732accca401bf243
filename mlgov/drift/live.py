"""Read the live organization with boto3 into the shape the plan is read into.

``LiveOrg`` is an ``OrgView`` (same OU/account/policy/attachment nodes, so the
same questions work on it) whose ids are the live ones, plus what only the live
side knows: the management account, enabled policy types, AWS-managed policies
and account status. Only the organization's management account (or a delegated
administrator) can read all of this.

Calls: DescribeOrganization, ListRoots, ListOrganizationalUnitsForParent
(recursively), ListAccountsForParent (per parent), ListPolicies + DescribePolicy
(per policy type asked for), ListTargetsForPolicy. Every list call goes through
a paginator. Errors (botocore exceptions) propagate; ``mlgov verify`` turns them
into messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mlgov.engine.org_view import AccountNode, Attachment, OrgView, OuNode, PolicyNode

SERVICE_CONTROL_POLICY = "SERVICE_CONTROL_POLICY"
FULL_AWS_ACCESS_ID = "p-FullAWSAccess"
FULL_AWS_ACCESS_NAME = "FullAWSAccess"


class LiveOrgError(Exception):
    """The live organization answered, but not in a shape we can compare."""


@dataclass
class LiveOrg(OrgView):
    """The live organization; node ids are live ids, ``urn`` fields hold ARNs."""

    organization_id: str = ""
    feature_set: str = ""
    management_account_id: str = ""
    enabled_policy_types: frozenset[str] = frozenset()
    aws_managed_policies: frozenset[str] = frozenset()  # policy ids
    policy_types: dict[str, str] = field(default_factory=dict)  # policy id -> type
    account_status: dict[str, str] = field(default_factory=dict)  # account id -> ACTIVE / SUSPENDED / ...

    def ou_path(self, ou_id: str) -> str:
        """``Workloads/Workloads_Dev`` for an OU id (names from the root down)."""
        return "/".join(self.ous[node].name for node in self.path_to(ou_id)[1:] if node in self.ous)

    def is_aws_managed(self, policy_id: str) -> bool:
        return policy_id in self.aws_managed_policies or policy_id == FULL_AWS_ACCESS_ID


def organizations_client(
    *,
    endpoint_url: str | None = None,
    region: str | None = None,
    profile: str | None = None,
) -> Any:
    """An Organizations client; ``endpoint_url`` points it at moto in tests.

    Organizations is a global service served from us-east-1 (commercial
    partition), so that is the region unless one is given or configured.
    """
    import boto3
    from botocore.config import Config

    session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    region = region or session.region_name or "us-east-1"
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30)
    return session.client("organizations", region_name=region, endpoint_url=endpoint_url, config=config)


def _paginate(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key) or [])
    return items


def read_live_org(client: Any, policy_types: Iterable[str] = (SERVICE_CONTROL_POLICY,)) -> LiveOrg:
    """Read the organization ``client`` can see: OU tree, accounts, policies of ``policy_types``, attachments."""
    organization = client.describe_organization()["Organization"]
    roots = _paginate(client, "list_roots", "Roots")
    if not roots:
        raise LiveOrgError("the organization has no root (ListRoots returned nothing)")
    root = roots[0]
    live = LiveOrg(
        root_id=root["Id"],
        organization_id=organization.get("Id", ""),
        feature_set=organization.get("FeatureSet", ""),
        management_account_id=organization.get("MasterAccountId", ""),
        enabled_policy_types=frozenset(
            entry["Type"] for entry in root.get("PolicyTypes") or [] if entry.get("Status") == "ENABLED"
        ),
    )

    # OU tree, breadth first from the root; accounts of every parent.
    parents = [root["Id"]]
    while parents:
        parent = parents.pop(0)
        for ou in _paginate(client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent):
            live.ous[ou["Id"]] = OuNode(ou["Id"], ou.get("Name", ""), parent, ou.get("Arn", ""), ou.get("Arn", ""))
            parents.append(ou["Id"])
        for account in _paginate(client, "list_accounts_for_parent", "Accounts", ParentId=parent):
            live.accounts[account["Id"]] = AccountNode(
                account["Id"], account.get("Name", ""), account.get("Email", ""), parent, account.get("Arn", "")
            )
            live.account_status[account["Id"]] = str(account.get("State") or account.get("Status") or "")

    # Policies of the asked types, their content and targets.
    aws_managed: set[str] = set()
    for policy_type in dict.fromkeys(policy_types):
        for summary in _paginate(client, "list_policies", "Policies", Filter=policy_type):
            policy_id = summary["Id"]
            if summary.get("AwsManaged"):
                aws_managed.add(policy_id)
            content = client.describe_policy(PolicyId=policy_id)["Policy"].get("Content", "")
            live.policies[policy_id] = PolicyNode(policy_id, summary.get("Name", ""), content, summary.get("Arn", ""))
            live.policy_types[policy_id] = policy_type
            for target in _paginate(client, "list_targets_for_policy", "Targets", PolicyId=policy_id):
                live.attachments.append(Attachment(policy_id, target["TargetId"], target.get("Arn", "")))
    live.aws_managed_policies = frozenset(aws_managed)
    live.attachments.sort(key=lambda a: (a.policy_id, a.target_id))
    return live
