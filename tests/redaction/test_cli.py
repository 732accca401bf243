"""``mlgov redact``: 0 when written, 2 with the reason for bad input (never a traceback), the output
only when the whole input was redacted, and the same manifest the export Lambda writes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mlgov.cli import _register_commands, app
from mlgov.redaction.detectors import mask_token

from .conftest import BUCKET, KEEP, cells, csv_bytes, finding, jsonl_bytes, parquet_bytes

KEY = "customers/2026-11-30.csv"


@pytest.fixture(scope="module")
def cli():
    _register_commands()
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["redact", *map(str, args)])


@pytest.fixture
def files(tmp_path, table):
    (tmp_path / "in.csv").write_bytes(csv_bytes(table))
    (tmp_path / "findings.json").write_text(json.dumps({"findings": [finding(KEY, [cells("NAME", "name", [0, 2])])]}))
    return tmp_path


def test_redacts_with_findings_and_writes_the_manifest(cli, files, table):
    result = cli("--input", files / "in.csv", "--keep-columns", ",".join(KEEP), "--findings", files / "findings.json",
                 "--output", files / "out.csv", "--manifest", files / "m.json", "--source", f"s3://{BUCKET}/{KEY}")
    assert result.exit_code == 0, result.output
    assert "40 of 40 rows" in result.output and "Macie: findings" in result.output
    lines = (files / "out.csv").read_text().splitlines()
    assert lines[0] == ",".join(KEEP) and lines[1].endswith(mask_token("NAME")) and lines[2].endswith(table.rows[1]["name"])
    manifest = json.loads((files / "m.json").read_text())
    assert manifest["status"] == "exported" and manifest["macie"]["status"] == "findings"
    assert manifest["source"] == {"bucket": BUCKET, "key": KEY, "versionId": None, "etag": None, "format": "csv"}
    assert manifest["masked"]["byType"]["NAME"] == 2 and manifest["rows"] == {"read": 40, "written": 40}


def test_source_makes_findings_for_other_objects_count_as_ignored(cli, files):
    result = cli("--input", files / "in.csv", "--keep-columns", ",".join(KEEP), "--findings", files / "findings.json",
                 "--output", files / "out.csv", "--manifest", files / "m.json", "--source", f"s3://{BUCKET}/other.csv")
    assert result.exit_code == 0, result.output
    manifest = json.loads((files / "m.json").read_text())
    assert manifest["macie"]["status"] == "no-finding" and manifest["macie"]["ignored"][0]["kind"] == "other-object"


@pytest.mark.parametrize("fmt,writer", [("jsonl", jsonl_bytes), ("parquet", parquet_bytes)])
def test_other_formats_by_extension(cli, tmp_path, table, fmt, writer):
    (tmp_path / f"in.{fmt}").write_bytes(writer(table))
    result = cli("--input", tmp_path / f"in.{fmt}", "--keep-columns", "customer_id,plan", "--output", tmp_path / f"out.{fmt}")
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"out.{fmt}").stat().st_size > 0


def test_subsample_records_rate_and_seed(cli, files):
    result = cli("--input", files / "in.csv", "--keep-columns", "customer_id", "--output", files / "out.csv", "--manifest", files / "m.json",
                 "--mode", "subsample", "--sample-rate", "0.5", "--seed", "7")
    assert result.exit_code == 0, result.output
    manifest = json.loads((files / "m.json").read_text())
    assert manifest["sampling"] == {"rate": 0.5, "seed": 7} and 0 < manifest["rows"]["written"] < 40


def test_an_unexportable_input_exits_2_leaves_the_previous_output_and_says_why(cli, tmp_path):
    (tmp_path / "in.csv").write_text("customer_id,plan\nC1,basic\nC2\n")
    (tmp_path / "out.csv").write_text("previous\n")
    result = cli("--input", tmp_path / "in.csv", "--keep-columns", "customer_id", "--output", tmp_path / "out.csv", "--manifest", tmp_path / "m.json")
    assert result.exit_code == 2 and "record 2 (line 3) has 1 fields" in result.output and "Traceback" not in result.output
    assert (tmp_path / "out.csv").read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    manifest = json.loads((tmp_path / "m.json").read_text())
    assert manifest["status"] == "quarantined" and manifest["export"] is None


@pytest.mark.parametrize(
    "arguments,message",
    [
        (["--keep-columns", "a,,b"], "every column needs a name"),
        (["--keep-columns", "a,a"], "a listed twice"),
        (["--mode", "subsample"], "subsample mode needs a rate"),
        (["--mode", "subsample", "--sample-rate", "1.5"], "subsample mode needs a rate in (0, 1]"),
        (["--sample-rate", "0.3"], "only apply with --mode subsample"),
        (["--source", "bucket/key"], "not an S3 object URI"),
        (["--format", "xlsx"], "Invalid value"),
    ],
)
def test_bad_arguments_exit_2(cli, files, arguments, message):
    base = {"--input": files / "in.csv", "--keep-columns": "customer_id", "--output": files / "out.csv"}
    for index in range(0, len(arguments), 2):
        base[arguments[index]] = arguments[index + 1]
    result = cli(*[part for pair in base.items() for part in pair])
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output and not (files / "out.csv").exists()


def test_bad_files_exit_2(cli, files):
    (files / "junk.json").write_text("{")
    (files / "other.json").write_text(json.dumps([{"hello": 1}]))
    (files / "two.json").write_text(json.dumps([finding("a.csv", []), finding("b.csv", [])]))
    (files / "data.txt").write_text("x")
    cases = [
        (["--input", files / "missing.csv"], "no such file"),
        (["--findings", files / "junk.json"], "not valid JSON"),
        (["--findings", files / "other.json"], "not a Macie finding"),
        (["--findings", files / "two.json"], "name 2 objects"),
        (["--input", files / "data.txt"], "unsupported format"),
        (["--output", files / "nowhere" / "out.csv"], "does not exist"),
        (["--output", files / "in.csv"], "is the input itself"),
    ]
    for override, message in cases:
        base = {"--input": files / "in.csv", "--keep-columns": "customer_id", "--output": files / "out.csv"}
        base[override[0]] = override[1]
        result = cli(*[part for pair in base.items() for part in pair])
        assert result.exit_code == 2 and message in result.output, (override, result.output)
        assert "Traceback" not in result.output
