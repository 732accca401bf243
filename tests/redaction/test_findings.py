"""Macie findings -> mask plan: the shapes Macie hands findings out in, and the policy for
findings about other objects, missing findings and occurrences Macie counted but did not locate."""

from __future__ import annotations

import pytest

from mlgov.redaction.findings import FindingsError, ObjectRef, load_findings, plan_masks

from .conftest import BUCKET, cells, finding, records

KEY = "customers/2026-11-30.csv"
TARGET = ObjectRef(BUCKET, KEY, "v1")


def test_every_shape_macie_hands_findings_out_in():
    one = finding(KEY, [cells("EMAIL_ADDRESS", "email", [0])])
    event = {"version": "0", "source": "aws.macie", "detail-type": "Macie Finding", "detail": one}
    for document in (one, [one], {"findings": [one]}, [event]):
        assert [f["id"] for f in load_findings(document)] == [one["id"]]
    with pytest.raises(FindingsError, match="item 1 is not a Macie finding"):
        load_findings([one, {"hello": "world"}])


def test_cells_records_and_lines_are_read():
    plan = plan_masks(
        [finding(KEY, [cells("EMAIL_ADDRESS", "email", [0, 3]), records("NAME", "$.name", [2]),
                       {"type": "ADDRESS", "count": 1, "occurrences": {"lineRanges": [{"start": 4, "end": 5, "startColumn": 3}]}}])],
        TARGET,
    )
    assert plan.status == "findings" and plan.used == ["0a1b2c3d4e5f60718293a4b5c6d7e8f9"]
    assert [(c.row, c.column_name, c.kind) for c in plan.cells] == [(2, "email", "EMAIL_ADDRESS"), (5, "email", "EMAIL_ADDRESS")]
    assert [(r.record_index, r.steps) for r in plan.records] == [(2, ("name",))]
    assert [(line.start, line.end) for line in plan.lines] == [(4, 5)]
    assert plan.sweeps == [] and plan.unplaceable == []


def test_custom_data_identifiers_count_too():
    custom = [{"arn": "arn:aws:macie2:eu-west-1:111122223333:custom-data-identifier/x", "name": "employee-id", "count": 1,
               "occurrences": {"cells": [{"row": 2, "column": 1, "columnName": "customer_id"}]}}]
    plan = plan_masks([finding(KEY, [], custom=custom)], TARGET)
    assert [(c.kind, c.column_name) for c in plan.cells] == [("CUSTOM:employee-id", "customer_id")]


def test_findings_for_other_objects_are_ignored_and_listed():
    other_key = finding("customers/2026-11-30.csv.bak", [cells("EMAIL_ADDRESS", "email", [0])], finding_id="f-other")
    other_bucket = finding(KEY, [cells("EMAIL_ADDRESS", "email", [0])], bucket="someone-else", finding_id="f-bucket")
    mine = finding(KEY, [cells("NAME", "name", [1])], finding_id="f-mine")
    plan = plan_masks([other_key, other_bucket, mine], TARGET)
    assert plan.used == ["f-mine"] and [c.kind for c in plan.cells] == ["NAME"]
    assert [(i["id"], i["kind"]) for i in plan.ignored] == [("f-other", "other-object"), ("f-bucket", "other-object")]
    assert "s3://someone-else/" in plan.ignored[1]["object"]


def test_no_finding_for_the_object_means_detectors_only():
    plan = plan_masks([finding("elsewhere.csv", [cells("EMAIL_ADDRESS", "email", [0])])], TARGET)
    assert plan.status == "no-finding" and plan.located == 0 and plan.unplaceable == []
    assert plan_masks([], TARGET).status == "no-finding"
    assert plan_masks(None, TARGET).status == "not-provided"


def test_findings_only_for_another_version_quarantine():
    plan = plan_masks([finding(KEY, [cells("EMAIL_ADDRESS", "email", [0])], version_id="v2")], TARGET)
    assert plan.status == "no-finding"
    assert plan.unplaceable == ["Macie analysed another version of this object, not this one"]


def test_sample_and_policy_findings_mask_nothing():
    sample = {**finding(KEY, [cells("EMAIL_ADDRESS", "email", [0])], finding_id="s"), "sample": True}
    policy = {**finding(KEY, [], finding_id="p"), "category": "POLICY", "classificationDetails": None}
    plan = plan_masks([sample, policy], TARGET)
    assert plan.located == 0 and [i["reason"] for i in plan.ignored] == ["sample finding (sample: true)", "not a sensitive data finding"]


def test_counted_beyond_located_sweeps_the_located_columns():
    plan = plan_masks([finding(KEY, [cells("EMAIL_ADDRESS", "email", range(15), count=240)])], TARGET)
    assert [(s.kind, set(s.columns), s.located, s.count) for s in plan.sweeps] == [("EMAIL_ADDRESS", {"email"}, 15, 240)]
    assert plan.summary()["columnsMaskedWhole"] == [{"type": "EMAIL_ADDRESS", "columns": ["email"], "located": 15, "counted": 240}]


def test_counted_beyond_located_with_no_column_quarantines():
    lines_only = {"type": "NAME", "count": 40, "occurrences": {"lineRanges": [{"start": 3, "end": 3, "startColumn": 1}]}}
    plan = plan_masks([finding(KEY, [lines_only])], TARGET)
    assert plan.unplaceable and "counted 40 occurrences of NAME but located 1" in plan.unplaceable[0]


def test_a_local_file_of_unknown_origin_takes_findings_of_one_object_only():
    a, b = finding("a.csv", []), finding("b.csv", [])
    assert plan_masks([a], None).status == "findings"
    with pytest.raises(FindingsError, match="name 2 objects"):
        plan_masks([a, b], None)


@pytest.mark.parametrize(
    "occurrences,message",
    [({"cells": [{"row": "two", "column": 1}]}, "cells\\[\\].row must be a whole number"), ({"records": {"recordIndex": 0}}, "'records' must be a list")],
)
def test_malformed_findings_are_refused_with_the_field(occurrences, message):
    with pytest.raises(FindingsError, match=message):
        plan_masks([finding(KEY, [{"type": "NAME", "count": 1, "occurrences": occurrences}])], TARGET)
