"""One object through the redaction, per format: kept columns only, Macie's occurrences masked,
PII in free text masked by the detectors, everything else byte-for-byte the same; and every way
an object cannot be exported ends in Unparseable with a reason that holds no value from it."""

from __future__ import annotations

import csv
import io
import json

import pytest

from mlgov.redaction.core import Settings, Unparseable, redact_stream
from mlgov.redaction.detectors import mask_token
from mlgov.redaction.findings import ObjectRef, plan_masks

from .conftest import BUCKET, COLUMNS, KEEP, Table, cells, csv_bytes, finding, jsonl_bytes, parquet_bytes, records

SETTINGS = Settings(keep_columns=KEEP)


def _run(data: bytes, fmt: str, findings=None, key="customers/2026-11-30." + "csv", settings: Settings = SETTINGS):
    sink = io.BytesIO()
    outcome = redact_stream(io.BytesIO(data), sink, fmt, settings, plan_masks(findings, ObjectRef(BUCKET, key, "v1")))
    return sink.getvalue(), outcome


def _read(data: bytes, fmt: str) -> list[dict]:
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(data.decode())))
    if fmt == "jsonl":
        return [json.loads(line) for line in data.splitlines()]
    import pyarrow.parquet as pq

    return pq.read_table(io.BytesIO(data)).to_pylist()


def _source(table: Table, fmt: str) -> bytes:
    return {"csv": csv_bytes, "jsonl": jsonl_bytes, "parquet": parquet_bytes}[fmt](table)


def _name_findings(fmt: str, key: str, rows: list[int]):
    if fmt == "csv":
        return [finding(key, [cells("NAME", "name", rows)])]
    return [finding(key, [records("NAME", "$.name", rows)])]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_kept_columns_masked_where_flagged_and_unchanged_elsewhere(table, fmt):
    key = f"customers/2026-11-30.{fmt}"
    flagged = [0, 3, 7]
    out, outcome = _run(_source(table, fmt), fmt, _name_findings(fmt, key, flagged), key=key)
    rows = _read(out, fmt)
    assert len(rows) == len(table.rows) and all(list(row) == list(KEEP) for row in rows)
    for index, (row, source) in enumerate(zip(rows, table.rows)):
        assert row["name"] == (mask_token("NAME") if index in flagged else source["name"])
        assert str(row["tenure_months"]) == str(source["tenure_months"]) and row["plan"] == source["plan"]
        assert row["customer_id"] == source["customer_id"]
        assert "Contact: " in row["support_notes"] and not any(value in row["support_notes"] for values in table.secrets.values() for value in values)
    assert outcome.macie_applied == len(flagged) and outcome.masked_by_type["NAME"] == len(flagged)
    assert sum(outcome.detector_counts.values()) == len(table.rows)  # one planted value per note
    assert outcome.columns_dropped == [c for c in COLUMNS if c not in KEEP]


def test_occurrences_in_dropped_columns_are_counted_not_applied(table):
    out, outcome = _run(csv_bytes(table), "csv", [finding("customers/2026-11-30.csv", [cells("EMAIL_ADDRESS", "email", [0, 1])])])
    assert outcome.macie_in_dropped_columns == 2 and outcome.macie_applied == 0
    assert "email" not in out.decode().splitlines()[0].split(",")


def test_counted_beyond_located_masks_the_whole_column(table):
    findings = [finding("customers/2026-11-30.csv", [cells("NAME", "name", [0], count=len(table.rows))])]
    rows = _read(_run(csv_bytes(table), "csv", findings)[0], "csv")
    assert {row["name"] for row in rows} == {mask_token("NAME")}


def test_csv_line_ranges_mask_the_records_they_cover(table):
    # Record 3 sits on line 4 (the header is line 1).
    findings = [finding("customers/2026-11-30.csv", [{"type": "NAME", "count": 1, "occurrences": {"lineRanges": [{"start": 4, "end": 4, "startColumn": 5}]}}])]
    rows = _read(_run(csv_bytes(table), "csv", findings)[0], "csv")
    assert rows[2] == {column: mask_token("NAME") for column in KEEP}
    assert rows[1]["plan"] == table.rows[1]["plan"] and rows[3]["plan"] == table.rows[3]["plan"]


def test_multiline_csv_records_are_located_by_record(table):
    table.rows[0]["support_notes"] = "line one\nline two with a@b.io"
    data = csv_bytes(table)
    rows = _read(_run(data, "csv", [finding("customers/2026-11-30.csv", [cells("NAME", "name", [1])])])[0], "csv")
    assert rows[0]["support_notes"] == f"line one\nline two with {mask_token('EMAIL')}"
    assert rows[1]["name"] == mask_token("NAME") and rows[0]["name"] == table.rows[0]["name"]


def test_jsonl_nested_paths_and_records_without_path(table):
    for row in table.rows:
        row["plan"] = {"tier": row["plan"], "owner": {"email": row["email"], "since": 2019}}
    findings = [finding("c.jsonl", [records("EMAIL_ADDRESS", "$.plan.owner.email", [1]), records("NAME", None, [2])])]
    rows = _read(_run(jsonl_bytes(table), "jsonl", findings, key="c.jsonl")[0], "jsonl")
    assert rows[1]["plan"]["owner"] == {"email": mask_token("EMAIL_ADDRESS"), "since": 2019}
    assert rows[1]["plan"]["tier"] == table.rows[1]["plan"]["tier"]
    assert rows[2] == {key: mask_token("NAME") for key in KEEP}
    # The detectors reach nested strings too.
    assert rows[0]["plan"]["owner"]["email"] == mask_token("EMAIL")


def test_parquet_non_text_values_become_null_and_schema_is_kept(table):
    import pyarrow.parquet as pq

    findings = [finding("c.parquet", [records("CUSTOM:tenure", "$.tenure_months", [5])])]
    out, _ = _run(parquet_bytes(table), "parquet", findings, key="c.parquet")
    result = pq.read_table(io.BytesIO(out))
    assert result.schema.names == list(KEEP)
    assert result.column("tenure_months").to_pylist()[5] is None
    assert result.column("tenure_months").to_pylist()[4] == table.rows[4]["tenure_months"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_subsample_is_seeded_and_recorded(table, fmt):
    settings = Settings(keep_columns=KEEP, mode="subsample", sample_rate=0.5, seed=42)
    first, outcome = _run(_source(table, fmt), fmt, settings=settings)
    again, _ = _run(_source(table, fmt), fmt, settings=settings)
    other, _ = _run(_source(table, fmt), fmt, settings=Settings(keep_columns=KEEP, mode="subsample", sample_rate=0.5, seed=43))
    assert first == again and first != other
    ids = [row["customer_id"] for row in _read(first, fmt)]
    assert 0 < len(ids) < len(table.rows) and outcome.rows_written == len(ids) and outcome.rows_read == len(table.rows)
    assert ids == sorted(ids)  # order kept


def test_output_hash_is_the_hash_of_what_was_written(table):
    import hashlib

    out, outcome = _run(csv_bytes(table), "csv")
    assert outcome.sha256 == hashlib.sha256(out).hexdigest() and outcome.bytes_written == len(out)


BAD = {
    "empty": (b"", "csv", "empty object"),
    "ragged-row": (b"a,b\n1,2\n3\n", "csv", "record 2 (line 3) has 1 fields, the header has 2"),
    "not-utf8": (b"a,b\n1,\xff\xfe\n", "csv", "not UTF-8"),
    "missing-kept-column": (b"x,y\n1,2\n", "csv", "kept column(s) 'a' not in the object"),
    "json-not-object": (b'{"a": 1}\n[1, 2]\n', "jsonl", "line 2 is a JSON list, not an object"),
    "json-broken": (b'{"a": 1}\n{"a": \n', "jsonl", "line 2 is not valid JSON"),
    "json-nan": (b'{"a": NaN}\n', "jsonl", "line 1 is not valid JSON"),
    "parquet-garbage": (b"PAR1 this is not parquet", "parquet", "not a readable Parquet file"),
    "unknown-format": (b"a\n", "xlsx", "unsupported format"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_unexportable_objects_raise_with_a_reason(case):
    data, fmt, reason = BAD[case]
    with pytest.raises(Unparseable) as error:
        _run(data, fmt, settings=Settings(keep_columns=("a",)))
    assert reason in error.value.reason


MISFITS = {
    "row-past-the-end": ("csv", [cells("NAME", "name", [500])], "row 502"),
    "column-not-in-file": ("csv", [{"type": "NAME", "count": 1, "occurrences": {"cells": [{"row": 2, "column": 40, "columnName": "surname"}]}}], "column 'surname'"),
    "header-row": ("csv", [{"type": "NAME", "count": 1, "occurrences": {"cells": [{"row": 1, "column": 2, "columnName": "name"}]}}], "header row"),
    "records-in-csv": ("csv", [records("NAME", "$.name", [0])], "not CSV cells"),
    "cells-in-jsonl": ("jsonl", [cells("NAME", "name", [0])], "not JSON records"),
    "record-past-the-end": ("parquet", [records("NAME", "$.name", [9999])], "record 9999"),
    "pdf-pages": ("csv", [{"type": "NAME", "count": 1, "occurrences": {"pages": [{"pageNumber": 1}]}}], "PDF"),
}


@pytest.mark.parametrize("case", sorted(MISFITS))
def test_findings_that_do_not_fit_the_object_quarantine_it(table, case):
    fmt, detections, reason = MISFITS[case]
    key = f"customers/x.{fmt}"
    with pytest.raises(Unparseable) as error:
        _run(_source(table, fmt), fmt, [finding(key, detections)], key=key)
    assert reason in error.value.reason
    assert not any(row["name"] in error.value.reason for row in table.rows)


def test_a_kept_field_the_record_lacks_is_a_misfit_a_dropped_one_is_not(table):
    del table.rows[0]["name"]
    with pytest.raises(Unparseable, match="field 'name' of record 0, which has no such field"):
        _run(jsonl_bytes(table), "jsonl", [finding("c.jsonl", [records("NAME", "$.name", [0])])], key="c.jsonl")
    _, outcome = _run(jsonl_bytes(table), "jsonl", [finding("c.jsonl", [records("EMAIL_ADDRESS", "$.nickname", [0])])], key="c.jsonl")
    assert outcome.macie_in_dropped_columns == 1
