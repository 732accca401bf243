"""The organization a plan describes: OU tree, accounts, policies and where they attach.

Reports, the SCP matrix, drift checks and diffs all need the same reading of
the org stack's resources; this is that reading, done once. It works on the
plan's JSON form (``StackPlan.to_dict()``), so a saved plan file reads the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlgov.constants import TypeToken


@dataclass(frozen=True)
class OuNode:
    id: str
    name: str
    parent_id: str
    arn: str
    urn: str


@dataclass(frozen=True)
class AccountNode:
    id: str
    name: str
    email: str
    parent_id: str
    urn: str


@dataclass(frozen=True)
class PolicyNode:
    id: str
    name: str
    content: str
    urn: str


@dataclass(frozen=True)
class Attachment:
    policy_id: str
    target_id: str
    urn: str


@dataclass(frozen=True)
class Control:
    control: str
    target_arn: str
    urn: str


@dataclass
class OrgView:
    root_id: str = ""
    ous: dict[str, OuNode] = field(default_factory=dict)
    accounts: dict[str, AccountNode] = field(default_factory=dict)
    policies: dict[str, PolicyNode] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)

    @classmethod
    def from_resources(cls, resources: list[dict[str, Any]], root_id: str = "") -> "OrgView":
        view = cls(root_id=root_id)
        for resource in resources:
            kind, inputs, outputs = resource["type"], resource.get("inputs") or {}, resource.get("outputs") or {}
            rid, urn = resource.get("id", ""), resource["urn"]
            if kind == TypeToken.ORGANIZATION:
                roots = outputs.get("roots") or []
                view.root_id = roots[0]["id"] if roots else view.root_id
            elif kind == TypeToken.ORGANIZATIONAL_UNIT:
                view.ous[rid] = OuNode(rid, inputs.get("name", ""), inputs.get("parentId", ""), outputs.get("arn", ""), urn)
            elif kind == TypeToken.ACCOUNT:
                view.accounts[rid] = AccountNode(rid, inputs.get("name", ""), inputs.get("email", ""), inputs.get("parentId", ""), urn)
            elif kind == TypeToken.POLICY:
                view.policies[rid] = PolicyNode(rid, inputs.get("name", ""), inputs.get("content", ""), urn)
            elif kind == TypeToken.POLICY_ATTACHMENT:
                view.attachments.append(Attachment(inputs.get("policyId", ""), inputs.get("targetId", ""), urn))
            elif kind == TypeToken.CONTROL_TOWER_CONTROL:
                view.controls.append(Control(inputs.get("controlIdentifier", ""), inputs.get("targetIdentifier", ""), urn))
        return view

    @classmethod
    def from_stack(cls, stack: dict[str, Any]) -> "OrgView":
        return cls.from_resources(stack["resources"], str(stack.get("outputs", {}).get("rootId", "")))

    # ---- questions -----------------------------------------------------------------------

    def target_name(self, target_id: str) -> str:
        if target_id == self.root_id:
            return "Root"
        if target_id in self.ous:
            return self.ous[target_id].name
        if target_id in self.accounts:
            return self.accounts[target_id].name
        return target_id

    def children(self, parent_id: str) -> list[OuNode]:
        return sorted((ou for ou in self.ous.values() if ou.parent_id == parent_id), key=lambda ou: ou.name)

    def accounts_in(self, parent_id: str) -> list[AccountNode]:
        return sorted((a for a in self.accounts.values() if a.parent_id == parent_id), key=lambda a: a.name)

    def policies_on(self, target_id: str) -> list[PolicyNode]:
        return sorted(
            (self.policies[a.policy_id] for a in self.attachments if a.target_id == target_id and a.policy_id in self.policies),
            key=lambda policy: policy.name,
        )

    def controls_on(self, ou_id: str) -> list[str]:
        arn = self.ous[ou_id].arn if ou_id in self.ous else None
        return sorted(control.control.rsplit("/", 1)[-1] for control in self.controls if control.target_arn == arn)

    def path_to(self, target_id: str) -> list[str]:
        """Ids from the root down to ``target_id`` (an OU or an account)."""
        path: list[str] = []
        current = target_id
        while current and current != self.root_id:
            path.append(current)
            node = self.ous.get(current) or self.accounts.get(current)
            if node is None:
                break
            current = node.parent_id
        return [self.root_id, *reversed(path)]

    def below(self, target_id: str) -> tuple[list[OuNode], list[AccountNode]]:
        """OUs and accounts a policy on ``target_id`` reaches, inheritance included."""
        reached = {target_id}
        ous: list[OuNode] = []
        changed = True
        while changed:
            changed = False
            for ou in self.ous.values():
                if ou.parent_id in reached and ou.id not in reached:
                    reached.add(ou.id)
                    ous.append(ou)
                    changed = True
        accounts = [a for a in self.accounts.values() if a.parent_id in reached or a.id == target_id]
        return sorted(ous, key=lambda ou: ou.name), sorted(accounts, key=lambda a: a.name)
