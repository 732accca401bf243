"""Shared shape of the S3 companion policies: every bucket has a companion resource of one
type, and at least one such companion passes a check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_policy import PolicyConfigSchema, Severity, StackValidationPolicy

from .. import s3
from ..common import mandatory_stack_policy, policy_config, violation
from ..graph import Res
from ..tokens import TypeToken
from ._coverage import applicable_view


def s3_companion_policy(*, name: str, description: str, severity: Severity, remediation: str, companion: str,
                        check: Callable[[dict[str, Any]], Callable[[Res], Any]], wrong: str, fix: str,
                        schema: PolicyConfigSchema | None = None) -> StackValidationPolicy:
    """A mandatory stack policy: each bucket needs a ``companion`` (a type token) that passes
    ``check(cfg)``; ``wrong`` completes "bucket 'x' has a <Companion> that ..."."""
    label = companion.rsplit(":", 1)[-1]

    def validate(args, report_violation) -> None:
        view = applicable_view(args, (TypeToken.S3_BUCKET,))
        ok = check(policy_config(args, schema))
        for bucket, why in s3.check(view, companion, ok):
            what = f"has no {label}." if why == "missing" else f"has a {label} that {wrong}."
            report_violation(violation(f"bucket '{s3.label(bucket)}' {what}", fix), bucket.urn)

    return mandatory_stack_policy(name=name, description=description, validate=validate, schema=schema,
                                  severity=severity, remediation=remediation)
