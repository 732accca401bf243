"""The OU tree, built parent-first so every OU gets its parent's id."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.naming import child_name
from mlgov.constants import ROOT


@dataclass(frozen=True)
class OrganizationalUnitsArgs:
    root_id: pulumi.Input[str]
    """Id of the organization root (r-xxxx)."""
    tree: tuple[tuple[str, str], ...]
    """(OU name, parent OU name or 'Root'); validated by the config model (known parents, depth <= 5, no cycles)."""
    tags: dict[str, str] | None = None


class OrganizationalUnits(pulumi.ComponentResource):
    """Every OU, protected: deleting an OU detaches its accounts' guardrails."""

    def __init__(self, name: str, args: OrganizationalUnitsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:organizational_units:OrganizationalUnits", name, None, opts)
        self.units: dict[str, aws.organizations.OrganizationalUnit] = {}
        for ou_name, parent in _parents_first(args.tree):
            parent_id = args.root_id if parent == ROOT else self.units[parent].id
            self.units[ou_name] = aws.organizations.OrganizationalUnit(
                child_name("ou", ou_name),
                name=ou_name,
                parent_id=parent_id,
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self, protect=True),
            )
        self.register_outputs({name: {"id": unit.id, "arn": unit.arn} for name, unit in self.units.items()})

    def id_of(self, target: str, root_id: pulumi.Input[str]) -> pulumi.Input[str]:
        """Id of an OU by name, or the root id for 'Root'."""
        return root_id if target == ROOT else self.units[target].id


def _parents_first(tree: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    placed: set[str] = {ROOT}
    ordered: list[tuple[str, str]] = []
    pending = list(tree)
    while pending:
        ready = [entry for entry in pending if entry[1] in placed]
        if not ready:
            raise ValueError(f"OU tree has unknown parents or a cycle: {pending}")
        for entry in ready:
            ordered.append(entry)
            placed.add(entry[0])
            pending.remove(entry)
    return ordered
