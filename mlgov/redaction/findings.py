"""Macie sensitive data findings -> what to mask in one object.

A finding locates occurrences under
``classificationDetails.result.sensitiveData[].detections[].occurrences`` (managed
data identifiers) and ``...customDataIdentifiers.detections[].occurrences``
(custom ones): ``cells`` (CSV/TSV: ``row``, ``column``, ``columnName``), ``records``
(JSON, JSON Lines, Parquet, Avro: ``recordIndex``, ``jsonPath``), ``lineRanges``
(text, or the header line of a CSV), ``offsetRanges`` (reserved by AWS) and
``pages`` (PDF). See "JSON schema for sensitive data locations" in the Amazon
Macie User Guide and the ``Occurrences`` shape of the Macie API.

The policy, written into every manifest and log line:

- a finding for **another object** (another bucket or key, or another version
  of this key) masks nothing here; it is listed under ``macie.ignored`` with
  the object it names. Jobs scope objects by key *prefix*, so a job for
  ``a.csv`` also reports ``a.csv.bak``: this is expected, not an error;
- **no finding** for the object: Macie found nothing it reports (or could not
  analyse the object); the export goes ahead on the exporter's own detectors
  alone, and the manifest says ``macie.status: no-finding``. When the only
  findings are about *another version* of the same key, Macie analysed that
  version, not this one: the object is quarantined;
- a finding locates at most 15 occurrences per type. When it **counted more
  than it located**, every value of each column (CSV) or top-level field
  (JSON Lines, Parquet) where it located that type is masked; when it located
  none of them in a column or field, the object is quarantined: nothing tells
  where the others are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mlgov.redaction import jsonpath


class FindingsError(ValueError):
    """The findings document is not shaped like Macie findings; the message says where."""


@dataclass(frozen=True)
class ObjectRef:
    """The S3 object a redaction is about (any part may be unknown locally)."""

    bucket: str | None = None
    key: str | None = None
    version_id: str | None = None
    etag: str | None = None

    def uri(self) -> str:
        version = f"?versionId={self.version_id}" if self.version_id else ""
        return f"s3://{self.bucket}/{self.key}{version}"

    def as_dict(self) -> dict[str, str | None]:
        return {"bucket": self.bucket, "key": self.key, "versionId": self.version_id, "etag": self.etag}


@dataclass(frozen=True)
class CellMark:
    row: int
    """Macie's row number: rows of the file numbered from 1, the header row being row 1."""
    column: int | None
    """Column number from 1."""
    column_name: str | None
    kind: str


@dataclass(frozen=True)
class RecordMark:
    record_index: int
    """Record (Parquet) or line (JSON Lines) index from 0."""
    steps: tuple[jsonpath.Step, ...] | None
    """Path to the value; None when Macie gave none (or one this reader cannot parse)."""
    kind: str


@dataclass(frozen=True)
class LineMark:
    start: int
    end: int
    """Lines from 1, inclusive."""
    kind: str


@dataclass(frozen=True)
class Sweep:
    """A type Macie counted more often than it located: mask all of the places it was located in."""

    kind: str
    columns: frozenset[str | int]
    """Column names (or numbers, CSV) and top-level field names where occurrences were located."""
    located: int
    count: int


@dataclass
class MaskPlan:
    cells: list[CellMark] = field(default_factory=list)
    records: list[RecordMark] = field(default_factory=list)
    lines: list[LineMark] = field(default_factory=list)
    pages: int = 0
    sweeps: list[Sweep] = field(default_factory=list)
    unplaceable: list[str] = field(default_factory=list)
    """Why the findings cannot be applied at all (a type counted beyond what was located with nothing
    to sweep, findings only for another version): the object must be quarantined."""
    used: list[str] = field(default_factory=list)
    ignored: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    status: str = "not-provided"
    """``findings``, ``no-finding`` (findings were looked for, none is about this object) or ``not-provided``."""

    @property
    def located(self) -> int:
        return len(self.cells) + len(self.records) + len(self.lines)

    def summary(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "findings": list(self.used),
            "ignored": list(self.ignored),
            "analysis": list(self.statuses),
            "occurrencesLocated": self.located,
            "columnsMaskedWhole": [
                {"type": sweep.kind, "columns": sorted(map(str, sweep.columns)), "located": sweep.located, "counted": sweep.count}
                for sweep in self.sweeps
            ],
        }


def load_findings(document: Any) -> list[Mapping[str, Any]]:
    """Findings from any shape Macie hands them out in: one finding, a list, a GetFindings
    response (``{"findings": [...]}``) or EventBridge events (``{"detail": finding}``)."""
    if isinstance(document, Mapping) and isinstance(document.get("findings"), list):
        document = document["findings"]
    items = document if isinstance(document, list) else [document]
    findings = []
    for index, item in enumerate(items):
        if isinstance(item, Mapping) and isinstance(item.get("detail"), Mapping) and "detail-type" in item:
            item = item["detail"]
        if not isinstance(item, Mapping) or not ("classificationDetails" in item or "resourcesAffected" in item):
            raise FindingsError(
                f"item {index} is not a Macie finding (no classificationDetails or resourcesAffected); "
                "pass what GetFindings returns, or the 'detail' of Macie Finding events"
            )
        findings.append(item)
    return findings


def object_of(finding: Mapping[str, Any]) -> ObjectRef:
    affected = _mapping(finding.get("resourcesAffected"))
    bucket = _mapping(affected.get("s3Bucket")).get("name")
    s3_object = _mapping(affected.get("s3Object"))
    etag = s3_object.get("eTag")
    return ObjectRef(bucket=bucket, key=s3_object.get("key"), version_id=s3_object.get("versionId"), etag=etag.strip('"') if isinstance(etag, str) else None)


OTHER_OBJECT, OTHER_VERSION = "other-object", "other-version"


def _mismatch(target: ObjectRef, named: ObjectRef) -> tuple[str, str] | None:
    """(kind, reason) when the finding is not about ``target``."""
    if (named.bucket, named.key) != (target.bucket, target.key):
        return OTHER_OBJECT, f"names another object, {named.uri()}"
    if target.version_id and named.version_id and target.version_id != named.version_id:
        return OTHER_VERSION, f"names another version of this object ({named.version_id})"
    if target.etag and named.etag and target.etag.strip('"') != named.etag:
        return OTHER_VERSION, "names another content of this object (ETag differs)"
    return None


def plan_masks(findings: Iterable[Mapping[str, Any]] | None, target: ObjectRef | None) -> MaskPlan:
    """The mask plan for ``target`` from ``findings`` (None: no findings were looked for).

    ``target`` None (a local file of unknown origin): every finding must name the
    same object, which is then taken to be the file.
    """
    plan = MaskPlan()
    if findings is None:
        return plan
    findings = list(findings)
    if target is None:
        named = {object_of(finding).uri() for finding in findings}
        if len(named) > 1:
            raise FindingsError(
                f"the findings name {len(named)} objects ({', '.join(sorted(named))}); "
                "give the findings of the input's object only, or name it with --source s3://bucket/key"
            )
    for finding in findings:
        finding_id = str(finding.get("id") or "(no id)")
        named = object_of(finding)
        if finding.get("sample") is True:
            plan.ignored.append({"id": finding_id, "object": named.uri(), "reason": "sample finding (sample: true)"})
            continue
        if finding.get("category") == "POLICY" or not isinstance(finding.get("classificationDetails"), Mapping):
            plan.ignored.append({"id": finding_id, "object": named.uri(), "reason": "not a sensitive data finding"})
            continue
        if target is not None:
            mismatch = _mismatch(target, named)
            if mismatch:
                plan.ignored.append({"id": finding_id, "object": named.uri(), "reason": mismatch[1], "kind": mismatch[0]})
                continue
        _add_finding(plan, finding, finding_id)
    plan.status = "findings" if plan.used else "no-finding"
    if not plan.used and any(item.get("kind") == OTHER_VERSION for item in plan.ignored):
        # The job ran on a later version of the key: nothing says Macie ever looked at this one.
        plan.unplaceable.append("Macie analysed another version of this object, not this one")
    return plan


def _add_finding(plan: MaskPlan, finding: Mapping[str, Any], finding_id: str) -> None:
    result = _mapping(_mapping(finding["classificationDetails"]).get("result"))
    status = _mapping(result.get("status"))
    if status:
        plan.statuses.append({"finding": finding_id, "code": status.get("code"), "reason": status.get("reason")})
    plan.used.append(finding_id)
    detections = [(d.get("type"), d) for item in _items(result.get("sensitiveData"), "sensitiveData") for d in _list(item, "detections")]
    detections += [(f"CUSTOM:{d.get('name')}", d) for d in _list(_mapping(result.get("customDataIdentifiers")), "detections")]
    for kind, detection in detections:
        kind = str(kind or "UNKNOWN")
        occurrences = _mapping(detection.get("occurrences"))
        located_before = plan.located + plan.pages
        columns: set[str | int] = set()
        for cell in _list(occurrences, "cells"):
            row = _int(cell.get("row"), "cells[].row")
            column = cell.get("column")
            name = cell.get("columnName")
            plan.cells.append(CellMark(row=row, column=_int(column, "cells[].column") if column is not None else None, column_name=name, kind=kind))
            if name or column is not None:
                columns.add(name if name else _int(column, "cells[].column"))
        for record in _list(occurrences, "records"):
            steps = jsonpath.parse(record.get("jsonPath"))
            plan.records.append(RecordMark(record_index=_int(record.get("recordIndex"), "records[].recordIndex"), steps=steps, kind=kind))
            if steps and isinstance(steps[0], str):
                columns.add(steps[0])
        for line in _list(occurrences, "lineRanges"):
            start = _int(line.get("start"), "lineRanges[].start")
            plan.lines.append(LineMark(start=start, end=_int(line.get("end", start), "lineRanges[].end"), kind=kind))
        plan.pages += len(_list(occurrences, "pages"))
        located = plan.located + plan.pages - located_before
        count = detection.get("count")
        count = _int(count, "detections[].count") if count is not None else located
        if count > located:
            if columns:
                plan.sweeps.append(Sweep(kind=kind, columns=frozenset(columns), located=located, count=count))
            else:
                plan.unplaceable.append(f"Macie counted {count} occurrences of {kind} but located {located}, none of them in a column or field")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _items(value: Any, key: str) -> list[Mapping[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise FindingsError(f"'{key}' must be a list of objects")
    return value


def _list(container: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """``container[key]`` as a list of objects (absent or null: empty)."""
    return _items(container.get(key), key)


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise FindingsError(f"{where} must be a whole number, not {value!r}")
    return int(value)
