"""Small helpers for IAM policy documents whose values may be Outputs."""

from __future__ import annotations

from typing import Any

import pulumi


def document(*statements: dict[str, Any]) -> pulumi.Output[str]:
    """A policy document as a JSON Output; Outputs nested anywhere in it are resolved first.

    Resolving inside ``Output.json_dumps`` (never ``.apply`` creating resources) keeps
    previews truthful and records the dependencies of every value used.
    """
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


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
