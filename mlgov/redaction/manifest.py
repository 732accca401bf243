"""The manifest written beside every export (and every quarantine): what was kept, masked, dropped.

It holds counts, names and hashes, never a value from the object, so the dev
account may read it. ``README.md`` ("Dev data export", auditing a manifest)
explains each field.
"""

from __future__ import annotations

import json
from typing import Any

from mlgov.redaction.core import Outcome, Settings
from mlgov.redaction.detectors import DETECTOR_KINDS
from mlgov.redaction.findings import MaskPlan, ObjectRef

MANIFEST_VERSION = 1
EXPORTED, QUARANTINED = "exported", "quarantined"


def build_manifest(
    *,
    source: ObjectRef,
    fmt: str | None,
    settings: Settings,
    plan: MaskPlan,
    outcome: Outcome | None,
    export_location: str | None,
    reason: str | None = None,
) -> dict[str, Any]:
    """``outcome`` None or ``reason`` set: the object was quarantined and nothing was published."""
    exported = outcome is not None and reason is None
    document: dict[str, Any] = {
        "manifestVersion": MANIFEST_VERSION,
        "status": EXPORTED if exported else QUARANTINED,
        "reason": reason,
        "source": {**source.as_dict(), "format": fmt},
        "export": None,
        "mode": settings.mode,
        "sampling": None,
        "columns": {"kept": list(settings.keep_columns), "dropped": outcome.columns_dropped if outcome else []},
        "rows": {"read": outcome.rows_read if outcome else 0, "written": outcome.rows_written if exported and outcome else 0},
        "masked": {"total": 0, "byType": {}, "byColumn": {}},
        "detectors": {kind: 0 for kind in DETECTOR_KINDS},
        "macie": plan.summary(),
    }
    if settings.mode == "subsample":
        document["sampling"] = {"rate": settings.sample_rate, "seed": settings.seed}
    if outcome is not None:
        document["masked"] = {
            "total": sum(outcome.masked_by_type.values()) + sum(outcome.detector_counts.values()),
            "byType": dict(sorted((outcome.masked_by_type + outcome.detector_counts).items())),
            "byColumn": dict(sorted(outcome.masked_by_column.items())),
        }
        document["detectors"].update(outcome.detector_counts)
        document["macie"]["occurrences"] = {
            "applied": outcome.macie_applied,
            "inDroppedColumns": outcome.macie_in_dropped_columns,
            "inUnsampledRows": outcome.macie_in_unsampled_rows,
        }
    if exported and outcome is not None:
        document["export"] = {"location": export_location, "sha256": outcome.sha256, "bytes": outcome.bytes_written}
    return document


def dumps(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, indent=2, sort_keys=False) + "\n"
