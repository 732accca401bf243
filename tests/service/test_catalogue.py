"""Editing the catalogue text: one project added or removed, every other line (comments, layout) kept."""

from __future__ import annotations

import pytest
import yaml

from mlgov.service import catalogue
from tests.service.conftest import REPO, project

SAMPLE = (REPO / "stacks" / "projects.yaml").read_text()


@pytest.mark.parametrize("text", [
    SAMPLE,
    yaml.safe_dump(yaml.safe_load(SAMPLE), sort_keys=False),  # list items not indented, no comments
    "# empty catalogue\nprojects: []\n",
    "",
])
def test_adding_keeps_every_line_and_appends_exactly_the_project(text):
    new = project("added-one", ["dev", "prod"], members=[{"user": "a-b", "role": "data-scientist"}])
    edited = catalogue.add(text, new)
    assert catalogue.projects(edited) == catalogue.projects(text) + [new]
    if text.strip() and "[]" not in text:
        assert edited.startswith(text.rstrip("\n"))  # nothing above the new entry moved
    assert catalogue.projects(catalogue.remove(edited, "added-one")) == catalogue.projects(text)


def test_removing_takes_out_one_entry_and_keeps_the_comments_of_the_others():
    edited = catalogue.remove(SAMPLE, "churn-model")
    assert [p["name"] for p in catalogue.projects(edited)] == [p["name"] for p in catalogue.projects(SAMPLE) if p["name"] != "churn-model"]
    assert edited.startswith(SAMPLE.split("projects:")[0])  # the file's header comment
    assert "examplecorp/churn-model" not in edited and "GitHub Actions of this repository" not in edited  # its own comment went with it
    assert catalogue.find(edited, "demand-forecast") == catalogue.find(SAMPLE, "demand-forecast")


@pytest.mark.parametrize("text,error", [("projects: {a: 1}\n", "'projects' list"), ("projects: [\n", "not valid YAML"),
                                        ("projects:\n  - {name: a}\nlater: 1\n", "last key")])
def test_catalogues_that_cannot_be_edited_safely_are_refused(text, error):
    with pytest.raises(catalogue.CatalogueEditError, match=error):
        catalogue.add(text, project("x", ["dev"]))


def test_removing_an_unknown_project_is_refused():
    with pytest.raises(catalogue.CatalogueEditError, match="no project named"):
        catalogue.remove(SAMPLE, "no-such-project")
