"""The Service Catalog product's versions: a new template is a new artifact, never a new Product."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from components.shared.product_versions import TemplateVersion, VersionError, load_versions
from components.shared.studio_catalog import TEMPLATES, StudioCatalog, StudioCatalogArgs, identity_center_role_pattern
from mlgov.constants import TypeToken
from mlgov.engine.monitor import RecordingMonitor
from mlgov.engine.runner import ProgramError, run_under_monitor

V1 = TemplateVersion("v1", "Resources: {A: {Type: AWS::SageMaker::UserProfile}}\n", "first")
V2 = TemplateVersion("v2", "Resources: {B: {Type: AWS::SageMaker::UserProfile}}\n", "adds a tag")


def catalog(*versions: TemplateVersion, patterns: tuple[str, ...] = (identity_center_role_pattern("DataScientist"),)):
    def run():
        StudioCatalog("catalog", StudioCatalogArgs(
            portfolio_name="ML products", provider_name="ML platform", account_id="111122223333", region="eu-west-1",
            template_bucket="mlgov-catalog-111122223333", kms_key_arn="arn:aws:kms:eu-west-1:111122223333:key/k",
            share_account_ids={"churn": "222233334444"}, launcher_role_patterns=patterns, tag_options={}, versions=versions))
    return run


@pytest.fixture
def ignored(monkeypatch) -> dict[str, list[str]]:
    """``ignoreChanges`` of every registration, by resource name (the plan does not record it)."""
    seen: dict[str, list[str]] = {}
    register = RecordingMonitor.RegisterResource

    def record(self, request):
        seen[request.name] = list(request.ignoreChanges)
        return register(self, request)

    monkeypatch.setattr(RecordingMonitor, "RegisterResource", record)
    return seen


def test_a_new_version_adds_an_artifact_and_leaves_the_product_as_it_was(ignored):
    before = run_under_monitor(catalog(V1), stack="v1")
    after = run_under_monitor(catalog(V1, V2), stack="v1")
    (product_before,) = before.of_type(TypeToken.SERVICECATALOG_PRODUCT)
    (product_after,) = after.of_type(TypeToken.SERVICECATALOG_PRODUCT)
    assert product_after.inputs == product_before.inputs and product_after.urn == product_before.urn
    assert product_after.inputs["provisioningArtifactParameters"]["name"] == "v1"
    # The product's own artifact is never changed from the program: a change would replace the product.
    assert ignored[product_after.name] == ["provisioningArtifactParameters"]
    assert before.of_type(TypeToken.SERVICECATALOG_PROVISIONING_ARTIFACT) == []
    (artifact,) = after.of_type(TypeToken.SERVICECATALOG_PROVISIONING_ARTIFACT)
    assert artifact.inputs["productId"] == product_after.id and artifact.inputs["name"] == "v2"
    assert artifact.inputs["active"] is True and artifact.inputs["guidance"] == "DEFAULT"
    assert artifact.retain_on_delete is True
    objects = {o.inputs["content"]: o for o in after.of_type(TypeToken.S3_OBJECT)}
    assert artifact.inputs["templateUrl"].endswith("/" + objects[V2.text].inputs["key"])
    assert {o.urn for o in before.of_type(TypeToken.S3_OBJECT)} <= {o.urn for o in after.of_type(TypeToken.S3_OBJECT)}


def test_a_withdrawn_version_stays_listed_with_its_guidance():
    plan = run_under_monitor(catalog(V1, TemplateVersion("v2", V2.text, "old", active=False, guidance="DEPRECATED"), TemplateVersion("v3", "x: 1\n", "new")), stack="w")
    artifacts = {a.inputs["name"]: a.inputs for a in plan.of_type(TypeToken.SERVICECATALOG_PROVISIONING_ARTIFACT)}
    assert (artifacts["v2"]["active"], artifacts["v2"]["guidance"]) == (False, "DEPRECATED")
    assert (artifacts["v3"]["active"], artifacts["v3"]["guidance"]) == (True, "DEFAULT")


@pytest.mark.parametrize("versions, message", [
    ((V1, TemplateVersion("v1", "y: 1\n", "again")), "version 'v1': listed twice"),
    ((TemplateVersion("version 1", "y: 1\n", "x"),), "no spaces"),
    ((TemplateVersion("v1", "y: 1\n", "x", active=False),), "first version is the product's own artifact"),
    ((V1, TemplateVersion("v2", "y: 1\n", "x", guidance="OLD")), "guidance 'OLD'"),
    ((), "at least one version"),
])
def test_versions_aws_or_the_history_would_refuse_are_refused(versions, message):
    with pytest.raises((ValueError, ProgramError), match=message):
        run_under_monitor(catalog(*versions), stack="bad")


def test_more_than_ten_launcher_patterns_are_refused():
    patterns = tuple(identity_center_role_pattern(f"Set{i}") for i in range(11))
    with pytest.raises((ValueError, ProgramError), match="Service Catalog allows 10"):
        run_under_monitor(catalog(V1, patterns=patterns), stack="bad")
    with pytest.raises((ValueError, ProgramError), match="is not an IAM_PATTERN ARN"):
        run_under_monitor(catalog(V1, patterns=("arn:aws:iam::111122223333:role/Admin",)), stack="bad")


# ---- the manifest kept in the repository ---------------------------------------------------------


def test_the_repository_manifest_loads_and_every_template_matches_its_recorded_hash():
    versions = load_versions(TEMPLATES)
    entries = yaml.safe_load((TEMPLATES / "versions.yaml").read_text())
    assert [v.name for v in versions] == [e["name"] for e in entries] and versions[0].name == "v1"
    for version, entry in zip(versions, entries):
        assert version.digest == entry["sha256"] == hashlib.sha256((TEMPLATES / entry["file"]).read_bytes()).hexdigest()


def _manifest(tmp_path: Path, entries: list[dict], files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "versions.yaml").write_text(yaml.safe_dump(entries))
    return tmp_path


def test_a_published_template_edited_in_place_is_refused(tmp_path):
    published = "a: 1\n"
    entry = {"name": "v1", "file": "v1.yaml", "sha256": hashlib.sha256(published.encode()).hexdigest(), "description": "first"}
    directory = _manifest(tmp_path, [entry], {"v1.yaml": "a: 2\n"})
    with pytest.raises(VersionError, match=r"versions.yaml\[0\].sha256: 'v1.yaml' changed after it was published"):
        load_versions(directory)
    (directory / "v1.yaml").write_text(published)
    assert load_versions(directory)[0].text == published


def test_manifest_errors_are_reported_together(tmp_path):
    directory = _manifest(tmp_path, [{"name": "v1", "file": "missing.yaml", "sha256": "0", "description": "x"}, {"name": "v2"}], {})
    with pytest.raises(VersionError) as error:
        load_versions(directory)
    assert "versions.yaml[0].file: 'missing.yaml' does not exist" in str(error.value)
    assert "versions.yaml[1]: missing file, sha256, description" in str(error.value)
