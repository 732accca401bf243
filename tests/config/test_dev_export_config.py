"""``devDataExport`` of a project: what it accepts, and every mistake by key path with exit code 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mlgov.config import load_stack_file
from mlgov.export_names import LAMBDA_ENVIRONMENT_MAX

STACKS = Path(__file__).resolve().parents[2] / "stacks"
CHURN = 2  # churn-model: dev, preprod, prod
VISION = 4  # vision-poc: sandbox, dev


@pytest.fixture
def stacks(tmp_path) -> Path:
    for path in STACKS.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _edit(stacks: Path, index: int, export: dict | None, **project) -> None:
    path = stacks / "projects.yaml"
    document = yaml.safe_load(path.read_text())
    entry = document["projects"][index]
    entry.update(project)
    if export is None:
        entry.pop("devDataExport", None)
    else:
        entry["devDataExport"] = export
    path.write_text(yaml.safe_dump(document, sort_keys=False))


GOOD = {"sourcePrefixes": ["customers/"], "keepColumns": ["customer_id", "plan"]}


def test_the_sample_exports_churn_model_and_prod_reads_dev():
    prod = load_stack_file(STACKS, "prod")
    assert [p.name for p in prod.export_projects()] == ["churn-model"]
    assert prod.referenced_stacks() == ["org", "dev"]
    # Only prod exports: dev and the other stacks still read the org stack alone.
    assert load_stack_file(STACKS, "dev").export_projects() == [] and load_stack_file(STACKS, "dev").referenced_stacks() == ["org"]


def test_no_export_no_reference_to_dev(stacks):
    _edit(stacks, CHURN, None)
    assert load_stack_file(stacks, "prod").referenced_stacks() == ["org"]
    _edit(stacks, CHURN, {**GOOD, "enabled": False})
    assert load_stack_file(stacks, "prod").referenced_stacks() == ["org"]


def test_the_dev_stack_read_can_be_renamed(stacks):
    path = stacks / "Pulumi.prod.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"]["mlgov:devStack"] = "acme/mlgov/dev"
    path.write_text(yaml.safe_dump(document))
    assert load_stack_file(stacks, "prod").referenced_stacks() == ["org", "dev"]


def test_subsample_settings(stacks):
    _edit(stacks, CHURN, {**GOOD, "mode": "subsample", "sampleRate": 0.25})
    export = load_stack_file(stacks, "prod").export_projects()[0].dev_data_export
    assert (export.mode, export.sample_rate, export.enabled) == ("subsample", 0.25, True)


P = "projects.yaml: projects[{}].devDataExport"
CASES = {
    "stages": (VISION, GOOD, {}, P.format(VISION), "both the prod stage"),
    "keep-required": (CHURN, {"sourcePrefixes": ["a/"]}, {}, P.format(CHURN) + ".keepColumns", "Field required"),
    "keep-empty": (CHURN, {**GOOD, "keepColumns": []}, {}, P.format(CHURN) + ".keepColumns", "at least 1"),
    "keep-duplicate": (CHURN, {**GOOD, "keepColumns": ["a", "a"]}, {}, P.format(CHURN) + ".keepColumns", "'a' more than once"),
    "prefix-wildcard": (CHURN, {**GOOD, "sourcePrefixes": ["customers/*"]}, {}, P.format(CHURN) + ".sourcePrefixes[0]", "no '*' or '?'"),
    "prefix-slash": (CHURN, {**GOOD, "sourcePrefixes": ["/customers/"]}, {}, P.format(CHURN) + ".sourcePrefixes[0]", "not starting with '/'"),
    "prefix-too-long": (CHURN, {**GOOD, "sourcePrefixes": ["é" * 600]}, {}, P.format(CHURN) + ".sourcePrefixes[0]", "1,024"),
    "mode": (CHURN, {**GOOD, "mode": "copy"}, {}, P.format(CHURN) + ".mode", "'redact' or 'subsample'"),
    "rate-missing": (CHURN, {**GOOD, "mode": "subsample"}, {}, P.format(CHURN), "needs sampleRate"),
    "rate-in-redact": (CHURN, {**GOOD, "sampleRate": 0.5}, {}, P.format(CHURN), "only applies to mode 'subsample'"),
    "rate-range": (CHURN, {**GOOD, "mode": "subsample", "sampleRate": 0}, {}, P.format(CHURN) + ".sampleRate", "more than 0 and at most 1"),
    "layer": (CHURN, {**GOOD, "parquetLayerArn": "arn:aws:lambda:eu-west-1:336392948345:function:x"}, {}, P.format(CHURN) + ".parquetLayerArn", "layer version ARN"),
    "unknown-key": (CHURN, {**GOOD, "keepColums": ["a"]}, {}, P.format(CHURN) + ".keepColums", "remove this key"),
    "event-pattern-size": (CHURN, {**GOOD, "sourcePrefixes": [f"p/s{i:05d}/" for i in range(200)]}, {}, P.format(CHURN), "EventBridge allows 4096"),
    "environment-size": (CHURN, {**GOOD, "keepColumns": [f"column_with_a_long_name_{i:04d}" for i in range(150)]}, {}, P.format(CHURN), f"Lambda allows {LAMBDA_ENVIRONMENT_MAX}"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_export_settings_exit_2_naming_the_key_path(plan_errors, stacks, case):
    index, export, project, path, words = CASES[case]
    _edit(stacks, index, export, **project)
    output, lines = plan_errors("prod" if index == CHURN else "dev", path, stacks)
    assert len(lines) == 1, output
    assert words in lines[0], output


def test_a_project_name_too_long_for_the_export_bucket(stacks):
    from mlgov.export_names import name_problems

    assert name_problems("x" * 31) == []
    assert name_problems("x" * 40) == ["makes the export bucket name 66 characters long; S3 allows 63"]
