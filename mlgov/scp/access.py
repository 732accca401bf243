"""Cross-account data access, evaluated from the plans: SCPs, identity policy, bucket policy, key policy.

The SCP matrix answers "may anything in this OU do this?". Reading another
account's bucket takes more: AWS allows a cross-account request only when the
caller's SCPs allow it, the caller's identity policy allows it **and** the
resource's policy allows the caller (no explicit deny anywhere), and an object
encrypted with SSE-KMS also needs ``kms:Decrypt`` on the bucket's key, decided
the same way by the key policy ("Policy evaluation logic", "Cross-account
policy evaluation logic", IAM User Guide; "Using SSE-KMS", S3 User Guide).

A scenario with an ``access`` block names the caller and the bucket by what
they are in the plans (a project's account in a stack, its role, its bucket by
purpose); the matrix resolves them in the planned stacks and evaluates every
layer, reporting the one that decides. S3 bucket keys are assumed (mlgov
enables them on every bucket): the encryption context is the bucket's ARN.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from mlgov.constants import TypeToken
from mlgov.scp.evaluator import AttachedPolicy, Decision, Level, Request, evaluate, normalise_context, statement_applies, statements_of

_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):")


class AccessShapeError(ValueError):
    """The plans lack what an access scenario names; the message says what and where."""


@dataclass(frozen=True)
class AccessSpec:
    principal_stack: str
    principal_project: str
    role: str
    """Role name in the principal's account."""
    bucket_stack: str
    bucket_project: str
    bucket_purpose: str
    """``mlgov:purpose`` tag of the bucket (``data``, ``dev-export`` ...)."""
    key: str
    """Object key read (for object actions)."""

    @property
    def stacks(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.principal_stack, self.bucket_stack)))


def account_of(arn: str) -> str | None:
    match = _ACCOUNT.match(arn)
    return match.group(1) if match else None


def _props(resource: Mapping[str, Any]) -> dict[str, Any]:
    return {**(resource.get("inputs") or {}), **{k: v for k, v in (resource.get("outputs") or {}).items() if v not in (None, "")}}


class PlannedStacks:
    """The resources and outputs of the stacks access scenarios read."""

    def __init__(self, stacks: Mapping[str, Mapping[str, Any]]):
        self.stacks = stacks

    def _stack(self, name: str) -> Mapping[str, Any]:
        if name not in self.stacks:
            raise AccessShapeError(f"the plan of stack '{name}' is needed (planned: {', '.join(sorted(self.stacks)) or 'none'})")
        return self.stacks[name]

    def _of_type(self, stack: str, type_: str) -> list[Mapping[str, Any]]:
        return [r for r in self._stack(stack).get("resources", []) if r.get("type") == type_]

    def account(self, stack: str, project: str) -> str:
        projects = (self._stack(stack).get("outputs") or {}).get("projects") or {}
        account = (projects.get(project) or {}).get("accountId")
        if not account:
            raise AccessShapeError(f"stack '{stack}' exports no account for project '{project}'")
        return str(account)

    def bucket(self, stack: str, project: str, purpose: str) -> Mapping[str, Any]:
        for bucket in self._of_type(stack, TypeToken.S3_BUCKET):
            tags = _props(bucket).get("tags") or {}
            if tags.get("mlgov:project") == project and tags.get("mlgov:purpose") == purpose:
                return bucket
        raise AccessShapeError(f"stack '{stack}' plans no bucket of project '{project}' tagged mlgov:purpose={purpose}")

    def _companion(self, stack: str, type_: str, bucket: Mapping[str, Any]) -> Mapping[str, Any] | None:
        name = _props(bucket).get("bucket")
        for resource in self._of_type(stack, type_):
            linked = bucket["urn"] in (resource.get("property_dependencies") or {}).get("bucket", [])
            if linked or _props(resource).get("bucket") == name:
                return resource
        return None

    def bucket_policy(self, stack: str, bucket: Mapping[str, Any]) -> AttachedPolicy | None:
        policy = self._companion(stack, TypeToken.S3_BUCKET_POLICY, bucket)
        return AttachedPolicy(f"policy of bucket '{_props(bucket).get('bucket')}'", _props(policy)["policy"]) if policy else None

    def bucket_key(self, stack: str, bucket: Mapping[str, Any]) -> tuple[str, AttachedPolicy] | None:
        """(key ARN, key policy) of the bucket's default SSE-KMS key, when it has one in the plan."""
        encryption = self._companion(stack, TypeToken.S3_BUCKET_SSE, bucket)
        if encryption is None:
            return None
        for rule in _props(encryption).get("rules") or []:
            key_arn = ((rule or {}).get("applyServerSideEncryptionByDefault") or {}).get("kmsMasterKeyId")
            for key in self._of_type(stack, TypeToken.KMS_KEY):
                if key_arn and _props(key).get("arn") == key_arn:
                    return str(key_arn), AttachedPolicy(f"policy of key {key_arn}", _props(key).get("policy"))
        return None

    def role_policies(self, stack: str, role: str) -> list[AttachedPolicy]:
        """Inline policies (RolePolicy) of the role named ``role``; none when the role is not in the plan."""
        roles = [r for r in self._of_type(stack, TypeToken.IAM_ROLE) if _props(r).get("name") == role]
        if not roles:
            raise AccessShapeError(f"stack '{stack}' plans no role named '{role}'")
        documents = []
        for policy in self._of_type(stack, TypeToken.IAM_ROLE_POLICY):
            props = _props(policy)
            if props.get("role") == role or any(r["urn"] in (policy.get("property_dependencies") or {}).get("role", []) for r in roles):
                documents.append(AttachedPolicy(f"policy '{policy.get('name')}' of role '{role}'", props.get("policy")))
        return documents


def _principal_matches(statement: Mapping[str, Any], principal_arn: str) -> bool:
    account = account_of(principal_arn)

    def named(values: Any) -> bool:
        for value in values if isinstance(values, list) else [values]:
            if value == "*" or value == principal_arn or (account and value in (account, f"arn:aws:iam::{account}:root")):
                return True
        return False

    if "NotPrincipal" in statement:
        principal = statement["NotPrincipal"]
        return not (isinstance(principal, Mapping) and named(principal.get("AWS", [])))
    principal = statement.get("Principal")
    if principal == "*":
        return True
    return isinstance(principal, Mapping) and named(principal.get("AWS", []))


@dataclass(frozen=True)
class _Verdict:
    denied_by: str | None = None
    allowed: bool = False


def _policy_verdict(policy: AttachedPolicy, request: Request, context: Mapping[str, Any], resource_policy: bool) -> _Verdict:
    allowed = False
    for index, statement in enumerate(statements_of(policy)):
        if resource_policy and not _principal_matches(statement, request.principal_arn):
            continue
        applies, _ = statement_applies(statement, request, context)
        if not applies:
            continue
        if statement["Effect"] == "Deny":
            return _Verdict(denied_by=str(statement.get("Sid") or f"statement #{index + 1}"))
        allowed = True
    return _Verdict(allowed=allowed)


def _denied(level: str, policy: str, sid: str | None, detail: str, explicit: bool) -> Decision:
    return Decision(allowed=False, reason="explicit-deny" if explicit else "no-allow", level=level, policy=policy, sid=sid, detail=detail)


def evaluate_layers(
    request: Request,
    levels: list[Level],
    identity: list[AttachedPolicy],
    resource_policy: AttachedPolicy | None,
    resource_label: str,
    resource_account: str,
) -> Decision:
    """One request through SCPs, identity policies and the resource policy."""
    scp = evaluate(request, levels)
    if not scp.allowed:
        return scp
    context = normalise_context(request)
    principal_account = account_of(request.principal_arn)
    identity_allows = False
    for policy in identity:
        verdict = _policy_verdict(policy, request, context, resource_policy=False)
        if verdict.denied_by:
            return _denied("identity policy", "identity policy", verdict.denied_by, f"denied by the caller's identity policy ({verdict.denied_by})", True)
        identity_allows = identity_allows or verdict.allowed
    resource = _policy_verdict(resource_policy, request, context, resource_policy=True) if resource_policy else _Verdict()
    if resource.denied_by:
        return _denied(resource_label, resource_label, resource.denied_by, f"denied by the {resource_label} ({resource.denied_by})", True)
    if principal_account != resource_account:
        # The resource owner's grant is checked first: it is the guard the other account cannot change.
        if not resource.allowed:
            return _denied(resource_label, resource_label, None, f"the {resource_label} grants {request.principal_arn} nothing for {request.action} (another account)", False)
        if not identity_allows:
            return _denied("identity policy", "identity policy", None, f"no statement of the caller's identity policies allows {request.action} on {request.resource}", False)
    elif not (identity_allows or resource.allowed):
        return _denied("identity policy", "identity policy", None, f"neither the identity policies nor the {resource_label} allow {request.action}", False)
    return Decision(allowed=True, reason="allowed", level=None, policy=None, sid=None, detail=f"allowed by SCPs, identity policy and {resource_label}")


def evaluate_access(spec: AccessSpec, template: Request, levels: list[Level], plans: PlannedStacks, organization_id: str, region: str) -> Decision:
    """The scenario's request with the planned caller and bucket, through every layer."""
    principal_account = plans.account(spec.principal_stack, spec.principal_project)
    principal = f"arn:aws:iam::{principal_account}:role/{spec.role}"
    bucket = plans.bucket(spec.bucket_stack, spec.bucket_project, spec.bucket_purpose)
    bucket_name = str(_props(bucket).get("bucket"))
    # The bucket belongs to the project's account of the bucket's stack (every bucket is made through its provider).
    bucket_account = plans.account(spec.bucket_stack, spec.bucket_project)
    bucket_arn = f"arn:aws:s3:::{bucket_name}"
    object_action = not template.action.lower().startswith("s3:listbucket")
    resource = f"{bucket_arn}/{spec.key}" if object_action else bucket_arn
    shared = {
        **dict(template.context),
        "aws:PrincipalArn": principal,
        "aws:PrincipalAccount": principal_account,
        "aws:ResourceAccount": bucket_account,
        "aws:ResourceOrgID": organization_id,
    }
    request = replace(template, principal_arn=principal, resource=resource, context={**shared, "s3:ResourceAccount": bucket_account})
    identity = plans.role_policies(spec.principal_stack, spec.role)
    decision = evaluate_layers(request, levels, identity, plans.bucket_policy(spec.bucket_stack, bucket), f"bucket policy of {bucket_name}", bucket_account)
    key = plans.bucket_key(spec.bucket_stack, bucket)
    if not decision.allowed or not object_action or key is None:
        return decision
    key_arn, key_policy = key
    decrypt = Request(
        action="kms:Decrypt",
        resource=key_arn,
        principal_arn=principal,
        context={
            **shared,
            "kms:ViaService": f"s3.{region}.amazonaws.com",
            "kms:CallerAccount": principal_account,
            "kms:EncryptionContext:aws:s3:arn": bucket_arn,
            "aws:ViaAWSService": True,
        },
    )
    decrypted = evaluate_layers(decrypt, levels, identity, key_policy, f"key policy of {key_arn}", bucket_account)
    if not decrypted.allowed:
        return replace(decrypted, detail=f"{request.action} is allowed but the object's key is not: {decrypted.detail}")
    return replace(decision, detail=f"allowed by SCPs, identity policy, bucket policy of {bucket_name} and the key policy (kms:Decrypt through S3)")
