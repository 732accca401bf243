"""mlgov diff against a temporary git repository: a base commit, then head edits in the working tree.

One repository and one base plan (a subprocess running the base's own code) are
shared by the org-stack cases through a module-level cache; each case edits the
working tree, diffs, and restores it with ``git checkout``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mlgov.constants import TypeToken
from mlgov.diff import DiffError, run_diff
from mlgov.diff.compare import diff_stack, diff_values
from mlgov.diff.model import MISSING, PropertyChange
from mlgov.diff.render import mermaid, render, to_markdown
from mlgov.diff.run import diff_plans
from tests.diff.mermaid_check import check_mermaid, mermaid_blocks

REPO = Path(__file__).resolve().parents[2]
PROJECT_ITEMS = ("Pulumi.yaml", "__main__.py", "components", "mlgov", "stacks", "policypacks")
IGNORE = shutil.ignore_patterns("venv", "node_modules", "__pycache__", ".git", ".pytest_cache", ".hypothesis", "*.pyc")
ACCOUNT = TypeToken.ACCOUNT
POLICY = TypeToken.POLICY
ATTACHMENT = TypeToken.POLICY_ATTACHMENT
OU = TypeToken.ORGANIZATIONAL_UNIT

pytestmark = pytest.mark.slow


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=mlgov-test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )
    return done.stdout.strip()


def make_repo(target: Path) -> Path:
    target.mkdir(parents=True)
    for item in PROJECT_ITEMS:
        source = REPO / item
        if source.is_dir():
            shutil.copytree(source, target / item, ignore=IGNORE)
        else:
            shutil.copy2(source, target / item)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "base")
    return target


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return make_repo(tmp_path_factory.mktemp("diff") / "project")


@pytest.fixture(scope="module")
def cache() -> dict:
    return {}


@contextmanager
def edited(repo: Path, path: str, edit) -> Iterator[None]:
    file = repo / path
    document = yaml.safe_load(file.read_text())
    edit(document)
    file.write_text(yaml.safe_dump(document, sort_keys=False))
    try:
        yield
    finally:
        git(repo, "checkout", "--", ".")
        git(repo, "clean", "-fdq")


def org_config(document):
    return document["config"]


def stack(report, name):
    return next(s for s in report.stacks if s.name == name)


def names(resources):
    return {(r.type, r.name) for r in resources}


def cli_diff(monkeypatch, cache, *args: str):
    """``mlgov diff <args>`` through the CLI; with a cache, the base plans of this module are reused."""
    import mlgov.diff
    from mlgov.cli import _register_commands, app

    if cache is not None:
        real = mlgov.diff.run_diff
        monkeypatch.setattr(mlgov.diff, "run_diff", lambda base, stacks, repo, **options: real(base, stacks, repo=repo, cache=cache, **options))
    _register_commands()
    return CliRunner().invoke(app, ["diff", *args])


# ---- the cases of the issue -----------------------------------------------------------------


def test_no_change_is_an_empty_diff_with_exit_0(repo, cache):
    report = run_diff("main", ["org"], repo=repo, cache=cache)
    org = stack(report, "org")
    assert report.empty and org.empty
    assert (org.added, org.removed, org.changed, org.outputs, report.dangers, report.blast) == ([], [], [], [], [], [])
    assert report.exit_code == 0
    markdown = to_markdown(report)
    assert markdown.startswith("<!-- mlgov-diff -->\n")
    assert "**No changes**" in markdown and "```mermaid" not in markdown
    # the base worktree is gone again
    assert git(repo, "worktree", "list").count("\n") == 0


def test_scp_statement_change_reaches_every_ou_and_account(repo, cache):
    def allow_stockholm(document):
        org_config(document)["mlgov:organization"]["allowedRegions"].append("eu-north-1")

    with edited(repo, "stacks/Pulumi.org.yaml", allow_stockholm):
        report = run_diff("main", ["org"], repo=repo, cache=cache)
        again = run_diff("main", ["org"], repo=repo)  # no cache: a second base worktree and subprocess
    org = stack(report, "org")
    assert not org.removed and not report.dangers
    # A new allowed region gets its GuardDuty and Security Hub administration, nothing else is added.
    assert org.added and all(r.name.endswith("-eu-north-1") and r.name.startswith("security-services-") for r in org.added)
    changed = {r.name: r for r in org.changed}
    policy = changed["scp-region-allow-list"]
    assert policy.type == POLICY
    content = [c for c in policy.changes if c.path.startswith("/content#/Statement[Sid=")]
    assert content, policy.changes
    assert any("eu-north-1" in str(c.new) and "eu-north-1" not in str(c.old) for c in content)
    # blast radius of the region allow-list (on Root): every OU and every account of the org stack
    blast = {b.name: b for b in report.blast}["scp-region-allow-list"]
    ous = {"Security", "Infrastructure", "Sandbox", "Workloads", "Workloads_Dev", "Workloads_PreProd", "Workloads_Prod",
           "Deployments", "Deployments_PreProd", "Deployments_Prod"}
    accounts = {"Log Archive", "Security Tooling", "Security Read-Only", "Break Glass", "Network",
                "Infrastructure Shared Services", "ML Team Shared Services", "Data Lake"}
    assert blast.targets == ["Root"]
    assert set(blast.ous) == ous and set(blast.accounts) == accounts
    assert blast.summary == "this change affects 10 OUs and 8 accounts"
    # only the root is highlighted: the change is attached there
    assert [n.name for n in report.tree if n.status] == ["Root"]
    markdown = to_markdown(report)
    assert markdown == to_markdown(again), "markdown differs between two runs"
    assert render(report, "json") == render(again, "json")
    assert str(repo) not in markdown and "/tmp" not in markdown
    (block,) = mermaid_blocks(markdown)
    parsed = check_mermaid(block)
    assert len(parsed["nodes"]) == 11 and len(parsed["edges"]) == 10
    assert parsed["classes"].get("changed") == {parsed["root"]}
    assert "this change affects 10 OUs and 8 accounts" in markdown
    assert markdown.index("### Blast radius") < markdown.index("### Changes per stack")
    assert "<details>" in markdown and "/content#/Statement[Sid=" in markdown
    assert report.exit_code == 0


def test_account_email_change_is_destructive_and_a_rename_is_not(repo, cache):
    def edit(document):
        for account in org_config(document)["mlgov:coreAccounts"]:
            if account["role"] == "log-archive":
                account["email"] = "aws-logs@example.com"
            if account["role"] == "data-lake":
                account["name"] = "Data Lake Prod"

    with edited(repo, "stacks/Pulumi.org.yaml", edit):
        report = run_diff("main", ["org"], repo=repo, cache=cache)
    changed = {r.name: r for r in stack(report, "org").changed}
    email = [c for c in changed["account-log-archive"].changes if c.path == "/email"]
    assert email == [PropertyChange("/email", "aws+log-archive@example.com", "aws-logs@example.com")]
    assert [c.path for c in changed["account-data-lake"].changes] == ["/name"]
    # One account replaced, for its email; the rename is in place.
    assert changed["account-log-archive"].replace_causes == ["email"]
    assert changed["account-data-lake"].replace_causes == []
    assert [r.name for r in stack(report, "org").replaced] == ["account-log-archive"]
    (danger,) = report.dangers
    assert (danger.name, danger.action, danger.type, danger.causes) == ("account-log-archive", "replace", ACCOUNT, ["email"])
    assert "`email`" in danger.reason and danger.protected
    # The account created five places later waits for it (creation waves), and the Identity
    # Center assignments target it: all are listed as depending on it.
    assert danger.dependents == [
        "account-shared-services",
        "core-access-log-archive-platform-admins-platformadmin",
        "core-access-log-archive-security-auditors-securityaudit",
        "landing-zone-landing-zone",  # the landing zone's logs go to that account
    ]
    markdown = to_markdown(report)
    assert markdown.index("### ⛔ Destructive changes") < markdown.index("### Changes per stack")
    assert "**replace** Account `account-log-archive`" in markdown
    security = {n.name: n.status for n in report.tree}
    assert security["Security"] == "changed" and security["Workloads"] == "changed" and security["Sandbox"] == ""
    assert report.exit_code == 0


def test_dropping_a_required_guardrail_shows_the_violation_and_exits_1(repo, cache, monkeypatch):
    def edit(document):
        org_config(document)["mlgov:guardrailAttachments"] = {"deny-sagemaker-endpoints": ["Workloads_Dev"]}

    with edited(repo, "stacks/Pulumi.org.yaml", edit):
        report = run_diff("main", ["org"], repo=repo, cache=cache)
        result = cli_diff(monkeypatch, cache, "--base", "main", "org", "--format", "markdown", "--project-dir", str(repo))
    org = stack(report, "org")
    assert names(org.removed) == {(ATTACHMENT, "scp-deny-sagemaker-endpoints-sandbox")}
    new = [v for v in org.violations_new if v["policy"] == "endpoint-deny-attachment"]
    assert new and new[0]["level"] == "mandatory"
    assert report.exit_code == 1
    (blast,) = report.blast
    assert (blast.name, blast.action, blast.targets, blast.ous, blast.accounts) == (
        "scp-deny-sagemaker-endpoints-sandbox", "remove", ["Sandbox"], ["Sandbox"], [])
    assert {n.name: n.status for n in report.tree}["Sandbox"] == "changed"
    assert result.exit_code == 1, result.output
    assert "endpoint-deny-attachment" in result.output and "❌ The head has" in result.output


def test_added_project_adds_accounts_and_baseline(repo, cache):
    def edit(document):
        document["projects"].append({
            "name": "nlp-explore", "team": "language-lab", "costCenter": "CC-6100",
            "groups": {"dataScientists": "ml-nlp-data-scientists", "mlEngineers": "ml-nlp-ml-engineers"},
            "stages": ["sandbox"], "monthlyBudgetUsd": 400, "dataClassification": "internal",
            "instanceTypes": ["ml.t3.medium"], "members": [{"user": "ada-lovelace", "role": "data-scientist"}],
        })

    with edited(repo, "stacks/projects.yaml", edit):
        report = run_diff("main", ["sandbox"], repo=repo, cache=cache)
    sandbox = stack(report, "sandbox")
    assert [s.name for s in report.stacks] == ["sandbox"]
    added = names(sandbox.added)
    assert (ACCOUNT, "account-nlp-explore-sandbox") in added
    types = {t for t, _ in added}
    assert {TypeToken.KMS_KEY, TypeToken.SAGEMAKER_DOMAIN, TypeToken.S3_BUCKET, TypeToken.BUDGET} <= types
    assert all("nlp-explore" in name for _, name in added), added
    assert not sandbox.removed and not report.dangers
    # the new account lands in Sandbox, which the tree highlights; nothing else changes
    statuses = {n.name: n.status for n in report.tree}
    assert statuses["Sandbox"] == "changed"
    assert {name for name, status in statuses.items() if status} == {"Sandbox"}
    check_mermaid(mermaid(report.tree))


# ---- bad input ------------------------------------------------------------------------------


def test_unknown_ref_and_not_a_repo_are_bad_input(repo, tmp_path):
    with pytest.raises(DiffError, match="no such commit"):
        run_diff("no-such-branch", ["org"], repo=repo)
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "Pulumi.yaml").write_text("name: mlgov\n")
    with pytest.raises(DiffError, match="not inside a git repository"):
        run_diff("main", ["org"], repo=plain)
    result = cli_diff(None, None, "--base", "no-such-branch", "org", "--project-dir", str(repo))
    assert result.exit_code == 2


def test_broken_base_config_is_reported_with_exit_2(tmp_path):
    broken = make_repo(tmp_path / "broken")
    config = broken / "stacks" / "Pulumi.org.yaml"
    config.write_text(config.read_text().replace("homeRegion: eu-west-1", "homeRegion: mars-north-1"))
    git(broken, "commit", "-qam", "broken base")
    git(broken, "checkout", "-q", "-b", "fix")
    git(broken, "checkout", "-q", "main~1", "--", "stacks/Pulumi.org.yaml")
    with pytest.raises(DiffError, match="stack config or program is broken") as error:
        run_diff("main", ["org"], repo=broken)
    assert "homeRegion" in str(error.value)


# ---- pieces, without plans ------------------------------------------------------------------


def test_property_paths_and_sid_matching():
    old = {"tags": {"a/b": "1"}, "content": '{"Statement":[{"Sid":"A","Action":["x","y"]},{"Sid":"B"}]}', "secret": "[secret]"}
    new = {"tags": {"a/b": "2", "c": "3"}, "content": '{"Statement":[{"Sid":"B"},{"Sid":"A","Action":["x","z"]}]}', "secret": "[secret]"}
    assert diff_values(old, new) == [
        PropertyChange("/content#/Statement[Sid=A]/Action", ["x", "y"], ["x", "z"]),
        PropertyChange("/tags/a~1b", "1", "2"),
        PropertyChange("/tags/c", MISSING, "3"),
    ]


def test_a_stack_missing_on_one_side_is_all_added_or_all_removed(org_plan_dict):
    diffs, _ = diff_plans({}, {"org": org_plan_dict}, ["org"])
    (org,) = diffs
    assert len(org.added) == len(org_plan_dict["resources"]) and not org.removed and not org.dangers
    assert len(org.blast) == sum(1 for r in org_plan_dict["resources"] if r["type"] in (POLICY, ATTACHMENT, TypeToken.CONTROL_TOWER_CONTROL))
    diffs, tree = diff_plans({"org": org_plan_dict}, {}, ["org"])
    (org,) = diffs
    deleted = {(d.type, d.action) for d in org.dangers}
    assert deleted == {
        (ACCOUNT, "delete"), (OU, "delete"), (POLICY, "delete"), (TypeToken.ORGANIZATION, "delete"),
        (TypeToken.CONTROL_TOWER_LANDING_ZONE, "delete"), (TypeToken.GUARDDUTY_DETECTOR, "delete"),
        (TypeToken.SECURITYHUB_ACCOUNT, "delete"),
    }
    assert len([d for d in org.dangers if d.type == ACCOUNT]) == 8
    assert all(n.status == "removed" for n in tree if n.name != "Root")


def test_the_mermaid_check_rejects_bad_blocks():
    good = 'graph TD\n  n_r["Root<br/>0 accounts"]\n  n_a["A"]\n  n_r --> n_a\n  classDef changed fill:#fff\n  class n_a changed'
    check_mermaid(good)
    for bad in (
        good.replace("graph TD", "graph LR"),
        good.replace('n_a["A"]', 'n_a["A]'),
        good + "\n  n_a --> n_x",
        good + "\n  class n_a missing",
        good + "\n  n_a --> n_r",
        good.replace("classDef changed", "classDef  changed"),
    ):
        with pytest.raises(AssertionError):
            check_mermaid(bad)


# ---- replacements and their causes ------------------------------------------------------------

LOG_BUCKET_CODE = "components/shared/log_archive.py"
CATALOG_TEMPLATES = "components/shared/templates/studio-user-profile"
BUCKET = TypeToken.S3_BUCKET
ARTIFACT = TypeToken.SERVICECATALOG_PROVISIONING_ARTIFACT


def publish_version(templates: Path, name: str, text: str) -> None:
    """Add (or re-record) template version ``name`` with ``text`` in the product's manifest."""
    import hashlib

    (templates / f"{name}.yaml").write_text(text)
    manifest = templates / "versions.yaml"
    entries = [entry for entry in yaml.safe_load(manifest.read_text()) if entry["name"] != name]
    entries.append({"name": name, "file": f"{name}.yaml", "sha256": hashlib.sha256(text.encode()).hexdigest(), "description": f"version {name}"})
    manifest.write_text(yaml.safe_dump(entries, sort_keys=False))


# The working tree is planned in-process, with the code the process imported: a commit that
# changes code is diffed in a process started in the repository, as `mlgov diff` runs in CI.
DIFF_IN_REPO = """
import json
from pathlib import Path

from mlgov.diff import run_diff
from mlgov.diff.render import render

report = run_diff("HEAD~1", ["org", "shared"], repo=Path.cwd())
print(json.dumps({"exit": report.exit_code, **{fmt: render(report, fmt) for fmt in ("text", "markdown", "json")}}))
"""


def test_a_commit_changing_an_account_email_a_bucket_name_and_a_catalog_template_shows_three_replacements(tmp_path):
    project = make_repo(tmp_path / "replacements")
    # The base has a second template version (published versions are artifacts of their own).
    templates = project / CATALOG_TEMPLATES
    first = (templates / "v1.yaml").read_text()
    publish_version(templates, "v2", first + "# v2\n")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "template v2")
    org_file = project / "stacks" / "Pulumi.org.yaml"
    document = yaml.safe_load(org_file.read_text())
    (log_archive,) = [a for a in org_config(document)["mlgov:coreAccounts"] if a["role"] == "log-archive"]
    log_archive["email"] = "aws-logs@example.com"
    org_file.write_text(yaml.safe_dump(document, sort_keys=False))
    code = project / LOG_BUCKET_CODE
    assert '"org-logs"' in code.read_text()
    code.write_text(code.read_text().replace('"org-logs"', '"org-log-archive"'))
    # Re-publishing v2 with other content: its artifact reads another template URL.
    publish_version(templates, "v2", first + "# v2, revised\n")
    git(project, "commit", "-qam", "email, bucket name and catalog template")

    env = {**os.environ, "PYTHONPATH": str(project), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", DIFF_IN_REPO], cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    outputs = json.loads(done.stdout)
    document = json.loads(outputs["json"])

    replaced = {(s["name"], c["type"], c["name"]): c["replace_causes"] for s in document["stacks"] for c in s["changed"] if c["replace"]}
    assert replaced[("org", ACCOUNT, "account-log-archive")] == ["email"]
    (bucket,) = [key for key in replaced if key[1] == BUCKET]
    assert bucket[0] == "shared" and replaced[bucket] == ["bucket"]
    assert bucket[2] == "log-archive-logs-bucket", bucket  # the bucket whose name the commit changed
    (catalog,) = [key for key in replaced if key[1] == ARTIFACT]
    assert catalog[0] == "shared" and replaced[catalog] == ["templateUrl"]
    # The account, the bucket and the product are stateful: each replacement is destructive, with its cause.
    dangers = {(d["stack"], d["type"], d["name"]): d for d in document["destructive"]}
    for key in (("org", ACCOUNT, "account-log-archive"), bucket, catalog):
        assert dangers[key]["action"] == "replace" and dangers[key]["causes"] == replaced[key]
        assert f"`{replaced[key][0]}`" in dangers[key]["reason"]
    # Text and markdown name each replacement and its cause too.
    text, markdown = outputs["text"], outputs["markdown"]
    for _, _, name in (("org", ACCOUNT, "account-log-archive"), bucket, catalog):
        cause = replaced[next(key for key in replaced if key[2] == name)][0]
        assert f"{name} (replace: {cause})" in text
        assert f"`{name}` (stack `" in markdown and f"caused by `{cause}`" in markdown
    assert "### Replacements" in markdown and "Replaced |" in markdown


def _short(token: str) -> str:
    return token.rsplit(":", 1)[-1]


def test_removing_one_project_from_a_stack_flags_its_account_deletion_and_nothing_else(repo, cache):
    def edit(document):
        (project,) = [p for p in document["projects"] if p["name"] == "demand-forecast"]
        project["stages"] = [stage for stage in project["stages"] if stage != "dev"]

    with edited(repo, "stacks/projects.yaml", edit):
        report = run_diff("main", ["dev"], repo=repo, cache=cache)
    dev = stack(report, "dev")
    assert not dev.added and dev.removed
    assert all("demand-forecast" in r.name for r in dev.removed), sorted(r.name for r in dev.removed)
    deletions = {d.name: d for d in report.dangers if d.type == ACCOUNT}
    assert list(deletions) == ["account-demand-forecast-dev"]
    account = deletions["account-demand-forecast-dev"]
    assert account.action == "delete" and account.protected and "protected" in account.reason
    # The other project in dev keeps its account: nothing of it is removed or flagged.
    assert all("churn-notebooks" not in d.name for d in report.dangers)
    assert {d.type for d in report.dangers} >= {ACCOUNT, BUCKET, TypeToken.KMS_KEY, TypeToken.SAGEMAKER_DOMAIN}
    assert "**delete** Account `account-demand-forecast-dev`" in to_markdown(report)


def test_one_changed_account_email_is_one_replacement_and_its_ignored_role_name_none(org_plan_dict):
    head = json.loads(json.dumps(org_plan_dict))
    accounts = [r for r in head["resources"] if r["type"] == ACCOUNT]
    assert len(accounts) == 8
    # roleName is never read back by the provider, so the program ignores its changes (adoption).
    accounts[0]["inputs"]["roleName"] = "OrganizationAccountAccessRoleV2"
    diffs, _ = diff_plans({"org": org_plan_dict}, {"org": head}, ["org"])
    assert diffs[0].changed == [] and diffs[0].dangers == []
    accounts[0]["inputs"]["email"] = "aws+changed@example.com"
    diffs, _ = diff_plans({"org": org_plan_dict}, {"org": head}, ["org"])
    (org,) = diffs
    assert [(r.name, r.replace_causes) for r in org.changed] == [(accounts[0]["name"], ["email"])]
    (danger,) = org.dangers
    assert (danger.name, danger.action, danger.causes, danger.protected) == (accounts[0]["name"], "replace", ["email"], True)


def test_a_changed_non_stateful_resource_is_marked_replaced_but_not_destructive(org_plan_dict):
    head = json.loads(json.dumps(org_plan_dict))
    attachment = next(r for r in head["resources"] if r["type"] == ATTACHMENT)
    attachment["inputs"]["targetId"] = "ou-moved-elsewhere"
    diffs, _ = diff_plans({"org": org_plan_dict}, {"org": head}, ["org"])
    (org,) = diffs
    (changed,) = org.changed
    assert (changed.name, changed.replace_causes) == (attachment["name"], ["targetId"])
    assert org.dangers == []


def test_a_property_under_ignore_changes_is_no_change():
    """The engine keeps the old value of an ignored property: the diff must not show it, let alone a replacement."""
    base = {"name": "org", "kind": "org", "resources": [{
        "urn": "urn:a", "type": ACCOUNT, "name": "a", "protect": True, "ignore_changes": ["roleName"],
        "inputs": {"email": "a@example.com", "roleName": "OrganizationAccountAccessRole"}}]}
    head = json.loads(json.dumps(base))
    head["resources"][0]["inputs"]["roleName"] = "OtherRole"
    assert diff_stack("org", base, head).changed == []
    head["resources"][0]["inputs"]["email"] = "b@example.com"
    (change,) = diff_stack("org", base, head).changed
    assert [c.path for c in change.changes] == ["/email"] and change.replace_causes == ["email"]
