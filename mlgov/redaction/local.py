"""Redact a local file (``mlgov redact``): the output appears only when the whole file was redacted.

The redacted bytes go to a hidden temporary file beside the output, renamed
over it (``os.replace``, atomic on one file system) once the last row is
written; on any failure the temporary file is removed and the output, if it
existed before, is left as it was.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mlgov.redaction.core import Outcome, Settings, Unparseable, redact_stream
from mlgov.redaction.findings import MaskPlan, ObjectRef
from mlgov.redaction.manifest import build_manifest


def redact_file(
    source_path: Path, output: Path, fmt: str, settings: Settings, plan: MaskPlan, source: ObjectRef
) -> tuple[dict[str, Any], Outcome | None]:
    """(manifest, outcome); the outcome is None when the file was quarantined (nothing written)."""
    partial = output.with_name(f".{output.name}.partial-{os.getpid()}")
    try:
        with source_path.open("rb") as reader, partial.open("wb") as writer:
            outcome = redact_stream(reader, writer, fmt, settings, plan)
        os.replace(partial, output)
    except Unparseable as error:
        partial.unlink(missing_ok=True)
        return build_manifest(source=source, fmt=fmt, settings=settings, plan=plan, outcome=None, export_location=None, reason=error.reason), None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return build_manifest(source=source, fmt=fmt, settings=settings, plan=plan, outcome=outcome, export_location=str(output)), outcome
