"""Small helpers for IAM policy documents whose values may be Outputs: ARNs, statements, documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi


def document(*statements: dict[str, Any]) -> pulumi.Output[str]:
    """A policy document as a JSON Output; Outputs nested anywhere in it are resolved first.

    Resolving inside ``Output.json_dumps`` (never ``.apply`` creating resources) keeps
    previews truthful and records the dependencies of every value used.
    """
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def account_root(account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat("arn:aws:iam::", account_id, ":root")


def role_arn(account_id: pulumi.Input[str], role_name: pulumi.Input[str]) -> pulumi.Output[str]:
    """``role_name`` may carry a path (``aws-reserved/sso.amazonaws.com/*/Name``)."""
    return pulumi.Output.concat("arn:aws:iam::", account_id, ":role/", role_name)


def bucket_arn(bucket: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat("arn:aws:s3:::", bucket)


def org_condition(organization_id: pulumi.Input[str]) -> dict[str, Any]:
    return {"StringEquals": {"aws:PrincipalOrgID": organization_id}}


def organization_statement(
    sid: str,
    actions: Sequence[str],
    organization_id: pulumi.Input[str],
    resource: pulumi.Input[str] | None = None,
) -> dict[str, Any]:
    """Allow ``actions`` to any principal of the organization, and to none outside it.

    ``"*"`` as principal is safe only together with the ``aws:PrincipalOrgID`` condition.
    """
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Principal": "*", "Action": list(actions)}
    if resource is not None:
        statement["Resource"] = resource
    statement["Condition"] = org_condition(organization_id)
    return statement


def service_trust(service: str, account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """Trust policy for an AWS service, limited to calls made on behalf of this account (confused deputy)."""
    return document(
        {
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        }
    )
