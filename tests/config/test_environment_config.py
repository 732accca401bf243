"""Environment stacks and the project catalogue: what is vended where, and bad catalogues."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mlgov.config import ConfigError, load_stack_file
from mlgov.constants import Environment

STACKS = Path(__file__).resolve().parents[2] / "stacks"


@pytest.fixture
def stacks(tmp_path) -> Path:
    for path in STACKS.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def edit_catalogue(stacks: Path, edit) -> None:
    path = stacks / "projects.yaml"
    document = yaml.safe_load(path.read_text())
    edit(document["projects"])
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def test_each_environment_vends_the_projects_that_use_its_stage():
    vended = {env: [p.name for p in load_stack_file(STACKS, env).vended_projects()] for env in Environment}
    assert vended[Environment.SANDBOX] == ["fraud-explore", "vision-poc"]
    assert vended[Environment.DEV] == ["churn-notebooks", "churn-model", "demand-forecast", "vision-poc"]
    assert vended[Environment.PREPROD] == vended[Environment.PROD] == ["churn-model", "demand-forecast"]


def test_environment_stacks_reference_the_org_stack():
    assert load_stack_file(STACKS, "dev").referenced_stacks() == ["org"]


def _unknown_stage(projects):
    projects[1]["stages"] = ["dev", "staging"]


def _duplicate_name(projects):
    projects[3]["name"] = "churn-model"


def _team_without_groups(projects):
    del projects[0]["groups"]


def _duplicate_member(projects):
    projects[3]["members"].append(dict(projects[3]["members"][0]))


def _bad_cidr(projects):
    projects[2]["vpcCidr"] = "10.300.0.0/8"


def _negative_budget(projects):
    projects[0]["monthlyBudgetUsd"] = -5


def _unknown_home_retention(projects):
    projects[2]["studioHomeRetention"] = "Keep"


CASES = [
    (_unknown_stage, "projects.yaml: projects[1].stages[1]", "'sandbox', 'dev', 'preprod' or 'prod'"),
    (_duplicate_name, "projects.yaml: projects[3].name", "another project"),
    (_team_without_groups, "projects.yaml: projects[0].groups", "Field required"),
    (_duplicate_member, "projects.yaml: projects[3].members[3].user", "listed twice"),
    (_bad_cidr, "projects.yaml: projects[2].vpcCidr", "CIDR"),
    (_negative_budget, "projects.yaml: projects[0].monthlyBudgetUsd", "greater than 0"),
    (_unknown_home_retention, "projects.yaml: projects[2].studioHomeRetention", "'Retain' or 'Delete'"),
]


@pytest.mark.parametrize("edit, path, words", CASES, ids=[case[0].__name__.strip("_") for case in CASES])
def test_bad_catalogue_exits_2_naming_the_key_path(plan_errors, stacks, edit, path, words):
    edit_catalogue(stacks, edit)
    output, lines = plan_errors("dev", path, stacks)
    assert lines and words in lines[0], output


def test_unknown_environment_in_the_stack_file(stacks):
    path = stacks / "Pulumi.dev.yaml"
    path.write_text(path.read_text().replace("mlgov:environment: dev", "mlgov:environment: qa"))
    with pytest.raises(ConfigError) as error:
        load_stack_file(stacks, "dev")
    assert "mlgov:environment" in str(error.value) and "'qa'" in str(error.value)


def test_missing_catalogue_is_named(stacks):
    (stacks / "projects.yaml").unlink()
    with pytest.raises(ConfigError) as error:
        load_stack_file(stacks, "prod")
    assert "mlgov:projectsFile" in str(error.value) and "does not exist" in str(error.value)
