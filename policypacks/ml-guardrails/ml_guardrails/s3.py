"""The effective configuration of an S3 bucket across its split resources.

pulumi-aws 7 configures versioning, encryption, public access block and policy in
companion resources. A companion belongs to a bucket when its ``bucket`` input equals
the bucket's id/name, or (at preview, when the name may be unknown) when its
``bucket`` property depends on the bucket's URN.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .common import UNKNOWN, is_unknown
from .documents import as_list, load_document, statements
from .graph import Res, StackView
from .tokens import TypeToken


def companions(view: StackView, bucket: Res, type_: str) -> tuple[list[Res], bool]:
    """(companions of type_ linked to bucket, whether some companion's link is unknowable)."""
    names = {v for v in (bucket.id, bucket.get("bucket")) if isinstance(v, str)}
    linked, undecided = [], False
    for comp in view.of_type(type_):
        if bucket.urn in comp.property_dependencies.get("bucket", []):
            linked.append(comp)
            continue
        value = comp.get("bucket")
        if isinstance(value, str) and value in names:
            linked.append(comp)
        elif is_unknown(value) and not comp.property_dependencies.get("bucket"):
            undecided = True
    return linked, undecided


def check(view: StackView, type_: str, ok: Callable[[Res], Any]) -> list[tuple[Res, str]]:
    """Buckets whose companions of type_ do not satisfy ok(): (bucket, 'missing'|'wrong').
    ok() returns True, False or UNKNOWN (no verdict)."""
    out = []
    for bucket in view.of_type(TypeToken.S3_BUCKET):
        comps, undecided = companions(view, bucket, type_)
        if not comps:
            if not undecided:
                out.append((bucket, "missing"))
            continue
        verdicts = [ok(c) for c in comps]
        if any(v is True for v in verdicts) or any(is_unknown(v) for v in verdicts):
            continue
        out.append((bucket, "wrong"))
    return out


def versioning_enabled(comp: Res) -> Any:
    status = comp.get("versioningConfiguration", "status")
    if is_unknown(status):
        return UNKNOWN
    return status == "Enabled"


def kms_encrypted(allowed: list[str]) -> Callable[[Res], Any]:
    def ok(comp: Res) -> Any:
        rules = comp.get("rules")
        if is_unknown(rules):
            return UNKNOWN
        for rule in rules or []:
            default = rule.get("applyServerSideEncryptionByDefault") if isinstance(rule, dict) else None
            if is_unknown(default):
                return UNKNOWN
            if not isinstance(default, dict):
                continue
            algo, key = default.get("sseAlgorithm"), default.get("kmsMasterKeyId")
            if is_unknown(algo) or is_unknown(key):
                return UNKNOWN
            if algo in allowed and isinstance(key, str) and key:
                return True
        return False
    return ok


PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def public_access_blocked(comp: Res) -> Any:
    values = [comp.get(f) for f in PAB_FLAGS]
    if any(is_unknown(v) for v in values):
        return UNKNOWN
    return all(v is True for v in values)


def denies_insecure_transport(comp: Res) -> Any:
    policy = load_document(comp.get("policy"))
    if is_unknown(policy):
        return UNKNOWN
    if policy is None:
        return False
    for stmt in statements(policy):
        if stmt.get("Effect") != "Deny":
            continue
        for operator, block in (stmt.get("Condition") or {}).items():
            if operator.split(":")[-1].lower() != "bool" or not isinstance(block, dict):
                continue
            for key, value in block.items():
                if key.lower() == "aws:securetransport" and any(str(v).lower() == "false" for v in as_list(value)):
                    return True
    return False
