"""``mlgov redact``: what a dev data export would contain, computed locally by the export Lambda's own code.

Exit 0 when the redacted file was written; 2 on bad arguments, an unreadable
findings file, or an input that cannot be exported (the reason is printed, and
written to the manifest when one was asked for). The output appears only when
the whole input was redacted.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from mlgov.commands.common import ERR, fail, read_json_file


class InputFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


class Mode(str, Enum):
    redact = "redact"
    subsample = "subsample"


def _keep_columns(text: str) -> tuple[str, ...]:
    columns = tuple(part.strip() for part in text.split(","))
    if not columns or any(not column for column in columns):
        fail(f"--keep-columns {text!r}: every column needs a name. Fix: list the columns to keep, such as 'age,tenure_months,plan'")
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        fail(f"--keep-columns: {', '.join(repeated)} listed twice. Fix: list each column once")
    return columns


def _source(uri: str | None):
    from mlgov.redaction.findings import ObjectRef

    if uri is None:
        return None
    if not uri.startswith("s3://") or "/" not in uri[5:] or uri[5:].startswith("/"):
        fail(f"--source {uri!r}: not an S3 object URI. Fix: write it as s3://bucket/key (optionally ?versionId=...)")
    location, _, version = uri[5:].partition("?versionId=")
    bucket, _, key = location.partition("/")
    return ObjectRef(bucket=bucket, key=key, version_id=version or None)


def redact(
    input_path: Annotated[Path, typer.Option("--input", help="The file to redact (CSV, JSON Lines or Parquet).")],
    keep_columns: Annotated[str, typer.Option("--keep-columns", help="Comma-separated columns (or top-level JSON fields) to keep; all others are dropped.")],
    output: Annotated[Path, typer.Option("--output", help="Where to write the redacted file.")],
    findings: Annotated[Optional[Path], typer.Option("--findings", help="Macie findings for the input (GetFindings output, a finding, a list, or EventBridge events).")] = None,
    input_format: Annotated[Optional[InputFormat], typer.Option("--format", help="csv, jsonl or parquet (default: from the file extension).")] = None,
    manifest: Annotated[Optional[Path], typer.Option("--manifest", help="Write the export manifest (JSON) here.")] = None,
    mode: Annotated[Mode, typer.Option("--mode", help="redact, or subsample (redact, then keep a uniform random sample of rows).")] = Mode.redact,
    sample_rate: Annotated[Optional[float], typer.Option("--sample-rate", help="Fraction of rows to keep in subsample mode, in (0, 1].")] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Seed of the subsample (default: derived from --source or the input's name).")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="s3://bucket/key[?versionId=...] the input was copied from: findings for other objects are then ignored, as the export Lambda does.")] = None,
) -> None:
    """Redact a file as the dev data export would: keep columns, mask Macie findings and detected PII."""
    from mlgov.redaction.core import Settings, Unparseable, format_of
    from mlgov.redaction.findings import FindingsError, ObjectRef, load_findings, plan_masks
    from mlgov.redaction.local import redact_file
    from mlgov.redaction.manifest import dumps
    from mlgov.redaction.sampling import object_seed

    columns = _keep_columns(keep_columns)
    if not input_path.is_file():
        fail(f"--input {input_path}: no such file. Fix: pass the path of the file to redact")
    if not output.parent.is_dir():
        fail(f"--output {output}: folder {output.parent} does not exist. Fix: create it or write elsewhere")
    if output.exists() and output.resolve() == input_path.resolve():
        fail(f"--output {output}: is the input itself. Fix: write the redacted copy to another file")
    if mode is Mode.subsample:
        if sample_rate is None or not 0 < sample_rate <= 1:
            fail(f"--sample-rate {sample_rate}: subsample mode needs a rate in (0, 1]. Fix: pass e.g. --sample-rate 0.1")
    elif sample_rate is not None or seed is not None:
        fail("--sample-rate/--seed: only apply with --mode subsample. Fix: add --mode subsample or drop them")
    target = _source(source)
    try:
        fmt = format_of(input_path.name, input_format.value if input_format else None)
    except Unparseable as error:
        fail(f"--input {input_path}: {error.reason}. Fix: pass --format csv, jsonl or parquet")
    try:
        plan = plan_masks(load_findings(read_json_file(findings, "--findings")) if findings else None, target)
    except FindingsError as error:
        fail(f"--findings {findings}: {error}")
    reference = target or ObjectRef(key=input_path.name)
    settings = Settings(
        keep_columns=columns,
        mode=mode.value,
        sample_rate=sample_rate if sample_rate is not None else 1.0,
        seed=(seed if seed is not None else object_seed(reference)) if mode is Mode.subsample else None,
    )
    document, outcome = redact_file(input_path, output, fmt, settings, plan, reference)
    if manifest is not None:
        manifest.write_text(dumps(document))
    if outcome is None:
        fail(f"--input {input_path}: not exported: {document['reason']}. Fix: correct the file or the settings; the pipeline would quarantine it")
    masked = document["masked"]["byType"]
    ERR.print(
        f"wrote {output}: {outcome.rows_written} of {outcome.rows_read} rows, {len(columns)} columns kept, "
        f"{len(document['columns']['dropped'])} dropped, {document['masked']['total']} values masked"
        + (f" ({json.dumps(masked)})" if masked else "")
        + f"; Macie: {document['macie']['status']}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("redact")(redact)
