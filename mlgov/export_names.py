"""Names and limits of a project's dev data export, spelled once for the config model and the component.

The config model checks that every name the settings turn into fits what AWS
accepts (bucket 63 characters, Lambda function and IAM role 64, Lambda
environment 4 KB), so a bad project name or an oversized column list fails at
``mlgov plan``, not at ``pulumi up``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mlgov.redaction.lambda_handler import lambda_environment

BUCKET_NAME_MAX = 63
FUNCTION_NAME_MAX = 64
LAMBDA_ENVIRONMENT_MAX = 4096
"""Lambda: all environment variables of a function together, keys and values, at most 4 KB."""
EVENT_PATTERN_MAX = 4096
"""EventBridge PutRule: an event pattern of at most 4,096 characters (botocore's model of the API)."""
ACCOUNT_ID_LENGTH = 12

EXPORT_PURPOSE = "dev-export"
"""Value of the ``mlgov:purpose`` tag on the export bucket: what the pack's cross-account read rule looks for."""
EXPORT_PREFIXES = ("exports/", "manifests/")
"""Where the dev account may read in the export bucket (``quarantine/`` is for the prod account only)."""


def export_bucket_prefix(project: str) -> str:
    """``mlgov-<project>-export-``; the prod account id completes the (globally unique) bucket name."""
    return f"mlgov-{project}-export-"


def export_function_name(project: str) -> str:
    """The export Lambda, and its role: ``mlgov-<project>-dev-export``."""
    return f"mlgov-{project}-dev-export"


def name_problems(project: str) -> list[str]:
    """What AWS would refuse among the names derived from ``project``."""
    problems = []
    bucket = len(export_bucket_prefix(project)) + ACCOUNT_ID_LENGTH
    if bucket > BUCKET_NAME_MAX:
        problems.append(f"makes the export bucket name {bucket} characters long; S3 allows {BUCKET_NAME_MAX}")
    function = len(export_function_name(project))
    if function > FUNCTION_NAME_MAX:
        problems.append(f"makes the export function name {function} characters long; Lambda allows {FUNCTION_NAME_MAX}")
    return problems


def environment_size(project: str, source_prefixes: Sequence[str], keep_columns: Sequence[str], mode: str, sample_rate: float) -> int:
    """Bytes of the Lambda environment for these settings, with the longest bucket names S3 allows."""
    longest_bucket = "b" * BUCKET_NAME_MAX
    variables = lambda_environment(
        project=project,
        account_id="0" * ACCOUNT_ID_LENGTH,
        source_bucket=longest_bucket,
        export_bucket=longest_bucket,
        source_prefixes=source_prefixes,
        keep_columns=keep_columns,
        mode=mode,
        sample_rate=sample_rate,
    )
    return sum(len(key.encode()) + len(str(value).encode()) for key, value in variables.items())


def new_objects_pattern(bucket: Any, source_prefixes: Sequence[str]) -> dict[str, Any]:
    """The EventBridge pattern of new objects under ``source_prefixes`` of ``bucket`` (a name or an Output)."""
    return {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": [bucket]}, "object": {"key": [{"prefix": prefix} for prefix in source_prefixes]}},
    }


def event_pattern_size(source_prefixes: Sequence[str]) -> int:
    """Characters of the pattern, with the longest bucket name S3 allows (serialised as Pulumi does, json.dumps)."""
    return len(json.dumps(new_objects_pattern("b" * BUCKET_NAME_MAX, source_prefixes)))
