"""Properties of a redaction over generated tables and findings (hypothesis):

- no value Macie located in a kept column, and no value a detector flags, survives;
- kept values neither located nor flagged are unchanged;
- dropped columns are absent, header and values;
- a subsample keeps each row with the requested rate, within binomial bounds for its seed.
"""

from __future__ import annotations

import csv
import io
import json
import math

from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlgov.redaction.core import Settings, redact_stream
from mlgov.redaction.detectors import find
from mlgov.redaction.findings import ObjectRef, plan_masks

from .conftest import BUCKET, finding

_fake = Faker("en_US")
_fake.seed_instance(3)
PII = [_fake.email() for _ in range(20)] + [_fake.credit_card_number("visa16") for _ in range(20)] + [_fake.iban() for _ in range(20)] + [
    _fake.numerify("(2##) 3##-####") for _ in range(20)] + [_fake.ssn() for _ in range(20)]
COLUMNS = ["id", "name", "notes", "secret_a", "secret_b"]
KEEP = ("id", "name", "notes")
DROPPED_MARK = "DROPPEDVALUE"
KEY = "t.csv"

words = st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd"), whitelist_characters=" .,;-'"), max_size=30)
# A cell is free text, or free text with one realistic PII value planted in it (text, planted value).
cell = st.one_of(
    words.map(lambda text: (text, None)),
    st.tuples(words, st.sampled_from(PII), words).map(lambda parts: (f"{parts[0]} {parts[1]} {parts[2]}", parts[1])),
)


@st.composite
def tables(draw):
    count = draw(st.integers(min_value=1, max_value=25))
    rows, planted = [], []
    for index in range(count):
        (name, in_name), (notes, in_notes), (secret, _) = draw(cell), draw(cell), draw(cell)
        planted += [value for value in (in_name, in_notes) if value]
        rows.append({"id": f"R{index}", "name": name, "notes": notes,
                     "secret_a": f"{DROPPED_MARK}{index}a {secret}", "secret_b": f"{DROPPED_MARK}{index}b"})
    flagged = draw(st.sets(st.tuples(st.integers(0, count - 1), st.sampled_from(["name", "notes", "secret_a"])), max_size=count))
    return rows, sorted(flagged), planted


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _macie(flagged: list[tuple[int, str]]) -> list[dict]:
    occurrences = [{"row": row + 2, "column": COLUMNS.index(column) + 1, "columnName": column} for row, column in flagged]
    return [finding(KEY, [{"type": "NAME", "count": len(occurrences), "occurrences": {"cells": occurrences}}])] if occurrences else []


def _redact(data: bytes, findings: list[dict], fmt: str = "csv", key: str = KEY, **options) -> bytes:
    sink = io.BytesIO()
    redact_stream(io.BytesIO(data), sink, fmt, Settings(keep_columns=KEEP, **options), plan_masks(findings, ObjectRef(BUCKET, key, "v1")))
    return sink.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_flagged_values_never_survive_and_the_rest_is_unchanged(generated):
    rows, flagged, planted = generated
    output = _redact(_csv(rows), _macie(flagged))
    text = output.decode()
    result = list(csv.DictReader(io.StringIO(text)))
    assert list(result[0]) == list(KEEP)
    located = {(row, column) for row, column in flagged if column in KEEP}
    for index, (source, redacted) in enumerate(zip(rows, result)):
        for column in KEEP:
            value = source[column]
            if (index, column) in located and value:
                assert redacted[column] == "[REDACTED:NAME]"
            elif not find(value):
                assert redacted[column] == value
            for start, end, _ in find(value):
                assert value[start:end] not in redacted[column]
    for value in planted:
        # Every planted value is caught by the detectors wherever it was kept.
        assert value not in text, value
    assert DROPPED_MARK not in text


@settings(max_examples=60, deadline=None)
@given(tables())
def test_the_same_holds_for_json_lines(generated):
    rows, flagged, planted = generated
    findings = [finding("t.jsonl", [{"type": "NAME", "count": len(flagged), "occurrences": {
        "records": [{"recordIndex": row, "jsonPath": f"$.{column}"} for row, column in flagged]}}])] if flagged else []
    data = b"".join(json.dumps(row).encode() + b"\n" for row in rows)
    output = _redact(data, findings, fmt="jsonl", key="t.jsonl")
    result = [json.loads(line) for line in output.splitlines()]
    for index, (source, redacted) in enumerate(zip(rows, result)):
        assert set(redacted) == set(KEEP)
        for column in KEEP:
            if (index, column) in flagged:
                assert redacted[column] == "[REDACTED:NAME]"
            elif not find(source[column]):
                assert redacted[column] == source[column]
    assert not any(value in output.decode() for value in planted) and DROPPED_MARK not in output.decode()


@settings(max_examples=40, deadline=None)
@given(rate=st.floats(min_value=0.02, max_value=1.0), seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_subsample_rate_within_binomial_bounds(rate, seed):
    rows = [{"id": f"R{index}", "name": "n", "notes": "x", "secret_a": "s", "secret_b": "s"} for index in range(2000)]
    output = _redact(_csv(rows), [], mode="subsample", sample_rate=rate, seed=seed)
    kept = len(output.splitlines()) - 1
    mean, spread = len(rows) * rate, math.sqrt(len(rows) * rate * (1 - rate))
    # Six standard deviations: a false alarm has a probability below 1e-8 per example.
    assert abs(kept - mean) <= 6 * spread + 1, (kept, mean, spread)
