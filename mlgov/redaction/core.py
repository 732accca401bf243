"""One object, from a source stream to a sink: keep columns, mask, sample, count.

The format readers (``formats``) stream rows and ask a ``Masker`` what to do
with each kept value; the masker counts every mask by type and column so the
manifest can say what happened without holding a single value. Anything the
reader cannot parse, and any finding that does not fit the object, raises
``Unparseable``: the caller then quarantines the object and publishes nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Literal

from mlgov.redaction import detectors
from mlgov.redaction.findings import MaskPlan
from mlgov.redaction.sampling import Sampler

FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet")
EXTENSIONS: dict[str, str] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
Mode = Literal["redact", "subsample"]


class Unparseable(Exception):
    """The object cannot be exported as configured; ``reason`` never contains a value from it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def format_of(name: str, explicit: str | None = None) -> str:
    """The format to read ``name`` as: ``explicit`` if given, else from the file extension."""
    if explicit:
        return explicit
    lowered = name.lower()
    for extension, fmt in EXTENSIONS.items():
        if lowered.endswith(extension):
            return fmt
    raise Unparseable(f"unsupported format: '{name}' does not end in {', '.join(EXTENSIONS)}")


@dataclass(frozen=True)
class Settings:
    keep_columns: tuple[str, ...]
    """Columns (CSV, Parquet) or top-level fields (JSON Lines) the export keeps; everything else is dropped."""
    mode: Mode = "redact"
    sample_rate: float = 1.0
    """Fraction of rows kept in ``subsample`` mode."""
    seed: int | None = None
    """Seed of the subsample (``subsample`` mode); the caller derives it from the object when not given."""

    def sampler(self) -> Sampler | None:
        if self.mode != "subsample":
            return None
        return Sampler(self.sample_rate, self.seed if self.seed is not None else 0)


@dataclass
class Outcome:
    """What one redaction did; becomes the body of the manifest."""

    rows_read: int = 0
    rows_written: int = 0
    columns_kept: list[str] = field(default_factory=list)
    columns_dropped: list[str] = field(default_factory=list)
    masked_by_type: Counter[str] = field(default_factory=Counter)
    masked_by_column: Counter[str] = field(default_factory=Counter)
    detector_counts: Counter[str] = field(default_factory=Counter)
    macie_applied: int = 0
    macie_in_dropped_columns: int = 0
    macie_in_unsampled_rows: int = 0
    sha256: str = ""
    bytes_written: int = 0


class HashingSink:
    """A write-only file object that hashes and counts what passes through it."""

    def __init__(self, sink: BinaryIO):
        self._sink = sink
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._hash.update(data)
        self.size += len(data)
        return self._sink.write(data)

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def flush(self) -> None:
        self._sink.flush()

    def tell(self) -> int:
        return self.size

    @property
    def closed(self) -> bool:
        return False

    def close(self) -> None:
        self.flush()

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


class Masker:
    """Masks and counts for one object; shared by the three format readers."""

    def __init__(self, plan: MaskPlan, outcome: Outcome):
        self.plan = plan
        self.outcome = outcome

    def masked(self, column: str, kind: str, value: Any, *, typed_null: bool = False) -> Any:
        """The mask of ``value`` (a token naming the type; None for non-text values when ``typed_null``)."""
        self.outcome.masked_by_type[kind] += 1
        self.outcome.masked_by_column[column] += 1
        if typed_null and not isinstance(value, str):
            return None
        return detectors.mask_token(kind)

    def scan(self, column: str, value: str) -> str:
        """The detectors over one kept text value."""
        spans = detectors.find(value)
        if not spans:
            return value
        self.outcome.masked_by_column[column] += len(spans)
        return detectors.mask_spans(value, spans, self.outcome.detector_counts)

    def scan_nested(self, column: str, value: Any) -> Any:
        """The detectors over every string inside a JSON value."""
        if isinstance(value, str):
            return self.scan(column, value)
        if isinstance(value, list):
            return [self.scan_nested(column, item) for item in value]
        if isinstance(value, dict):
            return {key: self.scan_nested(column, item) for key, item in value.items()}
        return value


def redact_stream(source: BinaryIO, sink: BinaryIO, fmt: str, settings: Settings, plan: MaskPlan) -> Outcome:
    """Read ``source`` (seekable for Parquet), write the redacted object to ``sink``; raises Unparseable."""
    from mlgov.redaction import formats

    if fmt not in FORMATS:
        raise Unparseable(f"unsupported format '{fmt}' (supported: {', '.join(FORMATS)})")
    if plan.unplaceable:
        raise Unparseable("; ".join(plan.unplaceable))
    if plan.pages:
        raise Unparseable(f"Macie located sensitive data on {plan.pages} PDF page(s): PDF is not an exportable format")
    outcome = Outcome()
    hashing = HashingSink(sink)
    reader = {"csv": formats.redact_csv, "jsonl": formats.redact_jsonl, "parquet": formats.redact_parquet}[fmt]
    reader(source, hashing, settings, Masker(plan, outcome), settings.sampler())
    hashing.flush()
    outcome.sha256 = hashing.hexdigest()
    outcome.bytes_written = hashing.size
    return outcome
