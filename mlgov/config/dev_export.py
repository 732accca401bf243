"""``devDataExport`` of a project: production data for its dev account, redacted on the prod side.

Only the fields the ML work needs leave production (``keepColumns``, required);
what Macie or the exporter's detectors flag in them is masked; in ``subsample``
mode only a uniform random sample of rows is exported.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from mlgov.config.fields import ConfigModel, invalid, pattern_field
from mlgov.constants import Environment
from mlgov.export_names import EVENT_PATTERN_MAX, LAMBDA_ENVIRONMENT_MAX, environment_size, event_pattern_size, name_problems

# S3 keys are up to 1,024 bytes of UTF-8; a prefix never starts with '/' (that would be part of the key),
# and '*' or '?' would be wildcards in the IAM policy that grants the export function read on the prefix.
SourcePrefix = pattern_field(
    r"^[^/*?\x00-\x1f][^*?\x00-\x1f]{0,1023}$",
    "is not an S3 key prefix the export can be granted (1-1,024 characters, no control characters, no '*' or '?', not starting with '/')",
    "use the folder of the objects to export, such as 'customers/daily/'",
    also=lambda value: len(value.encode()) <= 1024,
)
ColumnName = pattern_field(
    r"^[^\x00-\x1f]{1,255}$", "is not a column name (1-255 characters, no control characters)", "use the column's name as in the file header"
)
LayerArn = pattern_field(
    r"^arn:aws[a-z-]*:lambda:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:layer:[A-Za-z0-9_-]{1,140}:\d+$",
    "is not a Lambda layer version ARN",
    "use e.g. the AWS SDK for pandas layer of your region, 'arn:aws:lambda:eu-west-1:336392948345:layer:AWSSDKPandas-Python312:16'",
)
EXPORT_STAGES = (Environment.DEV, Environment.PROD)


class DevDataExportSettings(ConfigModel):
    enabled: bool = True
    """Build the export pipeline in the project's prod account and the read grant in its dev account."""
    source_prefixes: list[SourcePrefix] = Field(min_length=1)
    """Prefixes of the project's prod data bucket whose new objects are exported."""
    keep_columns: list[ColumnName] = Field(min_length=1)
    """Columns (CSV, Parquet) or top-level fields (JSON Lines) the ML work needs; every other one is dropped."""
    mode: Literal["redact", "subsample"] = "redact"
    """``redact``: every row, masked; ``subsample``: masked, then a uniform random sample of rows."""
    sample_rate: float | None = None
    """Fraction of rows exported in ``subsample`` mode (0 < rate <= 1)."""
    parquet_layer_arn: LayerArn | None = None
    """A Lambda layer that provides pyarrow (e.g. AWS SDK for pandas); without it Parquet objects are quarantined."""

    @field_validator("source_prefixes", "keep_columns")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        repeated = sorted({value for value in values if values.count(value) > 1})
        if repeated:
            raise invalid(f"lists {', '.join(repr(value) for value in repeated)} more than once", "list each entry once")
        return values

    @field_validator("sample_rate")
    @classmethod
    def _rate(cls, rate: float | None) -> float | None:
        if rate is not None and not 0 < rate <= 1:
            raise invalid("must be more than 0 and at most 1", "use the fraction of rows to export, such as 0.1")
        return rate

    @model_validator(mode="after")
    def _rate_matches_mode(self) -> "DevDataExportSettings":
        if self.mode == "subsample" and self.sample_rate is None:
            raise invalid("mode 'subsample' needs sampleRate", "add sampleRate, the fraction of rows to export, such as 0.1")
        if self.mode == "redact" and self.sample_rate is not None:
            raise invalid("sampleRate only applies to mode 'subsample'", "remove sampleRate, or set mode: subsample")
        return self


def check_dev_export(settings: DevDataExportSettings | None, info: ValidationInfo) -> DevDataExportSettings | None:
    """Rules that need the project around the settings: both stages, names AWS accepts, the Lambda
    environment's and the event pattern's sizes."""
    if settings is None or not settings.enabled:
        return settings
    stages = info.data.get("stages")
    if stages is not None and not all(stage in stages for stage in EXPORT_STAGES):
        raise invalid(
            "needs a project with both the prod stage (where the export runs) and the dev stage (which reads it)",
            "add dev and prod to stages, or remove devDataExport",
        )
    problems, fixes = [], []
    name = info.data.get("name")
    if isinstance(name, str):
        for problem in name_problems(name):
            problems.append(f"the project name {problem}")
            fixes.append("use a shorter project name")
        size = environment_size(name, settings.source_prefixes, settings.keep_columns, settings.mode, settings.sample_rate or 1.0)
        if size > LAMBDA_ENVIRONMENT_MAX:
            problems.append(f"makes the export function's environment {size} bytes; Lambda allows {LAMBDA_ENVIRONMENT_MAX} in all")
            fixes.append("keep fewer or shorter columns and prefixes")
    pattern = event_pattern_size(settings.source_prefixes)
    if pattern > EVENT_PATTERN_MAX:
        problems.append(f"makes the EventBridge pattern of new objects {pattern} characters; EventBridge allows {EVENT_PATTERN_MAX}")
        fixes.append("use fewer or shorter source prefixes (a common parent prefix)")
    if problems:
        raise invalid("; ".join(problems), "; ".join(dict.fromkeys(fixes)))
    return settings
