"""Mistakes a person can type, class by class: each exits 2 naming the key path, the bad value and a fix.

Every case copies the sample stacks, makes one mistake and runs ``mlgov plan`` as a
user does. Several members per class, so a fix for one example cannot pass the class.
"""

from __future__ import annotations

import pytest

from tests.config.mistakes import (
    NO_VALUE,
    assert_refused,
    both,
    config_edit,
    copy_stacks,
    project_edit,
    set_config,
    set_project,
    text_edit,
    write_bytes,
)

ORG, DEV, SHARED, CATALOGUE = "Pulumi.org.yaml", "Pulumi.dev.yaml", "Pulumi.shared.yaml", "projects.yaml"


def organization(key, value):
    return config_edit(ORG, lambda config: config["mlgov:organization"].__setitem__(key, value))


def core_account(index, key, value):
    return config_edit(ORG, lambda config: config["mlgov:coreAccounts"][index].__setitem__(key, value))


def add_ou(name, parent="Root"):
    def change(config):
        from mlgov.constants import STANDARD_OU_TREE

        config.setdefault("mlgov:organizationalUnits", [{"name": str(n), "parent": str(p)} for n, p in STANDARD_OU_TREE])
        config["mlgov:organizationalUnits"].append({"name": name, "parent": parent})

    return config_edit(ORG, change)


def attach(key, targets):
    return config_edit(ORG, lambda config: config.setdefault("mlgov:guardrailAttachments", {}).__setitem__(key, targets))


def member(project, index, user):
    return project_edit(project, lambda entry: entry["members"].__setitem__(index, {"user": user, "role": "data-scientist"}))


BOMB = b"config:\n  aws:region: eu-west-1\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n" + b"".join(
    f"  l{i}: &l{i} [{', '.join([f'*{prev}'] * 10)}]\n".encode() for i, prev in enumerate(["a", "l0", "l1", "l2", "l3", "l4"])
)
CATALOGUE_BOMB = b"projects: &p [" + b", ".join([b"{name: a}"] * 3) + b"]\nx: &x [*p, *p, *p, *p, *p, *p, *p, *p]\n" + b"".join(
    f"y{i}: &y{i} [{', '.join([f'*{prev}'] * 10)}]\n".encode() for i, prev in enumerate(["x", "y0", "y1", "y2", "y3", "y4"])
)

# (id, stack to plan, the mistake, key path, words of the problem, the bad value shown)
CASES = [
    # -- 1. files that used to crash: encoding, shape, alias bombs, YAML types --------------------------------
    ("latin1-comment-stack", "dev", lambda d: (d / DEV).write_bytes(b"# Entwicklungsumgebung f\xfcr Teams\n" + (d / DEV).read_bytes()), DEV, "not UTF-8", NO_VALUE),
    ("latin1-catalogue", "dev", lambda d: (d / CATALOGUE).write_bytes((d / CATALOGUE).read_bytes().replace(b"risk-analytics", b"risk-analyt\xe9")), CATALOGUE, "not UTF-8", NO_VALUE),
    ("utf16-stack", "org", lambda d: (d / ORG).write_bytes((d / ORG).read_text().encode("utf-16")), ORG, "not UTF-8", NO_VALUE),
    ("stack-top-level-list", "dev", write_bytes(DEV, b"- config\n- mlgov:kind\n"), DEV, "at the top level", NO_VALUE),
    ("stack-top-level-text", "org", write_bytes(ORG, b"just some text\n"), ORG, "at the top level", NO_VALUE),
    ("config-is-a-list", "dev", write_bytes(DEV, b"config:\n  - aws:region: eu-west-1\n  - mlgov:kind: environment\n"), "config", "a map of", NO_VALUE),
    ("config-is-text", "org", write_bytes(ORG, b"config: mlgov:kind=org\n"), "config", "a map of", NO_VALUE),
    ("catalogue-top-level-list", "dev", write_bytes(CATALOGUE, b"- name: churn\n"), CATALOGUE, "'projects' list", NO_VALUE),
    ("catalogue-projects-map", "dev", write_bytes(CATALOGUE, b"projects: {name: churn}\n"), CATALOGUE, "'projects' list", NO_VALUE),
    ("alias-bomb-stack", "org", write_bytes(ORG, BOMB), ORG, "once its aliases are resolved", NO_VALUE),
    ("alias-bomb-catalogue", "dev", write_bytes(CATALOGUE, CATALOGUE_BOMB), CATALOGUE, "once its aliases are resolved", NO_VALUE),
    ("alias-to-itself", "dev", write_bytes(CATALOGUE, b"projects: &p [*p]\n"), "projects.yaml: projects[0]", "contains itself", NO_VALUE),
    ("deep-nesting", "org", write_bytes(ORG, b"config:\n  mlgov:x: " + b"[" * 3000 + b"]" * 3000 + b"\n"), ORG, "levels deep", NO_VALUE),
    ("yaml-date", "dev", text_edit(DEV, "mlgov:projectsFile: projects.yaml", "mlgov:projectsFile: 2024-01-01"), "mlgov:projectsFile", "a date", "2024-01-01"),
    ("python-tag", "org", text_edit(ORG, "mlgov:kind: org", "mlgov:kind: !!python/name:os.system org"), "mlgov:kind", "YAML type", "org"),
    ("two-documents", "org", lambda d: (d / ORG).write_text((d / ORG).read_text() + "---\nconfig: {}\n"), ORG, "not valid YAML", NO_VALUE),
    # -- 1. user text printed literally (rich markup) ------------------------------------------------------------
    ("markup-in-a-value", "dev", set_config(DEV, "mlgov:securityAuditorsGroup", "[/bold] auditors [red]"), "mlgov:securityAuditorsGroup", "group name", "[/bold] auditors [red]"),
    ("markup-in-yaml-error", "org", write_bytes(ORG, b"config:\n  mlgov:kind: [/org\n"), ORG, "[/org", NO_VALUE),
    ("secret-word-in-a-value", "dev", set_project(1, "team", "team [secret] (x)"), "projects.yaml: projects[1].team", "tag value", "team [secret] (x)"),
    # -- 2. regions and zones -------------------------------------------------------------------------------------
    ("home-region-typo", "org", organization("homeRegion", "eu-wset-1"), "mlgov:organization.homeRegion", "not an AWS region", "eu-wset-1"),
    ("allowed-region-typo", "org", organization("allowedRegions", ["eu-west-1", "eu-centrla-1"]), "mlgov:organization.allowedRegions[1]", "not an AWS region", "eu-centrla-1"),
    ("allowed-region-other-partition", "org", organization("allowedRegions", ["eu-west-1", "cn-north-1"]), "mlgov:organization.allowedRegions[1]", "aws-cn partition", "cn-north-1"),
    ("allowed-region-twice", "org", organization("allowedRegions", ["eu-west-1", "eu-central-1", "eu-west-1"]), "mlgov:organization.allowedRegions[2]", "same region", "eu-west-1"),
    ("stack-region-typo", "dev", set_config(DEV, "aws:region", "eu-wset-1"), "aws:region", "not an AWS region", "eu-wset-1"),
    ("stack-region-gov", "dev", set_config(DEV, "aws:region", "us-gov-west-1"), "aws:region", "partition", "us-gov-west-1"),
    ("stack-region-missing", "dev", config_edit(DEV, lambda config: config.pop("aws:region")), "aws:region", "is missing", NO_VALUE),
    ("stack-region-not-allowed", "dev", both(set_config(DEV, "aws:region", "us-east-1"), set_config(DEV, "mlgov:availabilityZones", ["us-east-1a", "us-east-1b"])), "aws:region", "allowedRegions", "us-east-1"),
    ("org-region-not-home", "org", set_config(ORG, "aws:region", "eu-central-1"), "aws:region", "homeRegion", "eu-central-1"),
    ("shared-region-without-codeartifact", "shared", both(set_config(SHARED, "aws:region", "ca-central-1"), organization("allowedRegions", ["eu-west-1", "eu-central-1", "ca-central-1"])), "aws:region", "codeartifact", "ca-central-1"),
    ("zone-of-another-region", "dev", set_config(DEV, "mlgov:availabilityZones", ["eu-west-1a", "eu-central-1b"]), "mlgov:availabilityZones[1]", "zone of eu-central-1", "eu-central-1b"),
    ("zone-is-a-region", "dev", set_config(DEV, "mlgov:availabilityZones", ["eu-west-1", "eu-west-1b"]), "mlgov:availabilityZones[0]", "availability zone name", "eu-west-1"),
    ("zone-id-not-name", "dev", set_config(DEV, "mlgov:availabilityZones", ["euw1-az1", "euw1-az2"]), "mlgov:availabilityZones[0]", "availability zone name", "euw1-az1"),
    ("zone-repeated", "dev", set_config(DEV, "mlgov:availabilityZones", ["eu-west-1a", "eu-west-1a"]), "mlgov:availabilityZones[1]", "same availability zone", "eu-west-1a"),
    # -- 2. values that become tags ------------------------------------------------------------------------------
    ("team-ampersand", "dev", set_project(1, "team", "R&D"), "projects.yaml: projects[1].team", "tag value", "R&D"),
    ("cost-center-hash", "dev", set_project(2, "costCenter", "CC#4102"), "projects.yaml: projects[2].costCenter", "tag value", "CC#4102"),
    ("team-parentheses", "sandbox", set_project(0, "team", "Risk (EMEA)"), "projects.yaml: projects[0].team", "tag value", "Risk (EMEA)"),
    ("team-comma", "dev", set_project(3, "team", "supply, chain"), "projects.yaml: projects[3].team", "tag value", "supply, chain"),
    ("shared-cost-center", "shared", set_config(SHARED, "mlgov:costCenter", "CC*1001"), "mlgov:costCenter", "tag value", "CC*1001"),
    ("tag-key-reserved", "org", organization("costAllocationTags", ["aws:cost-center"]), "mlgov:organization.costAllocationTags[0]", "reserved", "aws:cost-center"),
    ("tag-key-never-applied", "org", organization("costAllocationTags", ["mlgov:project", "CostCentre"]), "mlgov:organization.costAllocationTags[1]", "never sets", "CostCentre"),
    # -- 2. account names ---------------------------------------------------------------------------------------
    ("account-name-accent", "org", core_account(0, "name", "Journaux Archivés"), "mlgov:coreAccounts[0].name", "printable ASCII", "Journaux Archivés"),
    ("account-name-tab", "org", core_account(1, "name", "Security\tTooling"), "mlgov:coreAccounts[1].name", "printable ASCII", "Security\tTooling"),
    ("account-name-emoji", "org", core_account(2, "name", "Read-Only 🔒"), "mlgov:coreAccounts[2].name", "printable ASCII", "Read-Only 🔒"),
    # -- 2. instance types ---------------------------------------------------------------------------------------
    ("instance-type-without-ml", "org", config_edit(ORG, lambda c: c["mlgov:sagemakerInstanceTypes"].__setitem__("dev", ["m5.large"])), "mlgov:sagemakerInstanceTypes.dev[0]", "start with 'ml.'", "m5.large"),
    ("instance-type-typo", "org", config_edit(ORG, lambda c: c["mlgov:sagemakerInstanceTypes"].__setitem__("prod", ["ml.g5.xlarg"])), "mlgov:sagemakerInstanceTypes.prod[0]", "matches no SageMaker instance type", "ml.g5.xlarg"),
    ("instance-pattern-matching-nothing", "org", config_edit(ORG, lambda c: c["mlgov:sagemakerInstanceTypes"].__setitem__("sandbox", ["ml.t3.*", "ml.zz9.*"])), "mlgov:sagemakerInstanceTypes.sandbox[1]", "matches no", "ml.zz9.*"),
    ("instance-types-empty", "org", config_edit(ORG, lambda c: c["mlgov:sagemakerInstanceTypes"].__setitem__("preprod", [])), "mlgov:sagemakerInstanceTypes.preprod", "deny every SageMaker job", []),
    ("project-instance-type-typo", "dev", set_project(1, "instanceTypes", ["ml.m5.xlarge", "ml.g5.xlargee"]), "projects.yaml: projects[1].instanceTypes[1]", "matches no", "ml.g5.xlargee"),
    ("project-instance-type-denied", "sandbox", set_project(0, "instanceTypes", ["ml.p4d.24xlarge"]), "projects.yaml: projects[0].instanceTypes[0]", "denied in every stage", "ml.p4d.24xlarge"),
    ("project-instance-type-denied-everywhere", "dev", set_project(4, "instanceTypes", ["ml.c5.xlarge"]), "projects.yaml: projects[4].instanceTypes[0]", "denied in every stage", "ml.c5.xlarge"),
    # -- 2. guardrail overrides that contradict the settings -----------------------------------------------------
    ("network-isolation-moved-off-prod", "org", attach("sagemaker-require-network-isolation", ["Workloads_PreProd"]), "mlgov:guardrailAttachments.sagemaker-require-network-isolation", "networkIsolationEnvironments lists prod", ["Workloads_PreProd"]),
    ("network-isolation-moved-to-sandbox", "org", attach("sagemaker-require-network-isolation", ["Sandbox"]), "mlgov:guardrailAttachments.sagemaker-require-network-isolation", "networkIsolationEnvironments", ["Sandbox"]),
    ("sandbox-isolation-moved-off-sandbox", "org", attach("sandbox-isolation", ["Workloads_Dev"]), "mlgov:guardrailAttachments.sandbox-isolation", "no longer covers Sandbox", ["Workloads_Dev"]),
    ("sandbox-isolation-detached", "org", attach("sandbox-isolation", []), "mlgov:guardrailAttachments.sandbox-isolation", "no longer covers Sandbox", []),
    ("instance-types-moved-off-their-ou", "org", attach("sagemaker-instance-types-workloads-dev", ["Workloads_Prod"]), "mlgov:guardrailAttachments.sagemaker-instance-types-workloads-dev", "sagemakerInstanceTypes.dev", ["Workloads_Prod"]),
    # -- 2. namespaces and keys Pulumi would not read ------------------------------------------------------------
    ("namespace-typo", "org", text_edit(ORG, "mlgov:identityCenter:", "mlgvo:identityCenter:"), "mlgvo:identityCenter", "namespace 'mlgvo'", NO_VALUE),
    ("namespace-upper-case", "dev", text_edit(DEV, "mlgov:securityAuditorsGroup", "MLGOV:securityAuditorsGroup"), "MLGOV:securityAuditorsGroup", "namespace 'MLGOV'", NO_VALUE),
    ("key-without-namespace", "dev", text_edit(DEV, "mlgov:budgetAlertEmails", "budgetAlertEmails"), "budgetAlertEmails", "not a Pulumi config key", NO_VALUE),
    ("key-with-two-colons", "dev", text_edit(DEV, "mlgov:budgetAlertEmails", "mlgov:budget:AlertEmails"), "mlgov:budget:AlertEmails", "not a Pulumi config key", NO_VALUE),
    ("aws-key-typo", "dev", text_edit(DEV, "aws:region: eu-west-1", "aws:region: eu-west-1\n  aws:regoin: eu-west-1"), "aws:regoin", "AWS provider", NO_VALUE),
    ("top-level-typo", "dev", text_edit(DEV, "config:", "confg:"), "confg", "not a key of a Pulumi stack file", NO_VALUE),
    ("unknown-mlgov-key", "dev", set_config(DEV, "mlgov:budgetAlertEmail", ["x@example.com"]), "mlgov:budgetAlertEmail", "Extra inputs", ["x@example.com"]),
    # -- 2. duplicate keys ----------------------------------------------------------------------------------------
    ("project-stages-twice", "dev", text_edit(CATALOGUE, "    stages: [dev]\n", "    stages: [dev]\n    stages: [dev, prod]\n"), "projects.yaml: projects[1].stages", "lines 23 and 24", NO_VALUE),
    ("config-key-twice", "dev", text_edit(DEV, "  mlgov:projectsFile: projects.yaml\n", "  mlgov:projectsFile: projects.yaml\n  mlgov:projectsFile: other.yaml\n"), "mlgov:projectsFile", "set twice", NO_VALUE),
    ("nested-key-twice", "org", text_edit(ORG, "    homeRegion: eu-west-1\n", "    homeRegion: eu-west-1\n    homeRegion: eu-central-1\n"), "mlgov:organization.homeRegion", "set twice", NO_VALUE),
    ("flow-map-key-twice", "org", text_edit(ORG, "{role: log-archive, name: Log Archive,", "{role: log-archive, name: Log Archive, name: Logs,"), "mlgov:coreAccounts[0].name", "set twice", NO_VALUE),
    ("legacy-and-new-key-form", "dev", text_edit(DEV, "  mlgov:orgStack: org\n", "  mlgov:orgStack: org\n  mlgov:config:orgStack: org\n"), "mlgov:config:orgStack", "second time", NO_VALUE),
    # -- 2. names that collide once normalised ---------------------------------------------------------------------
    ("ou-case-only", "org", both(add_ou("Research"), add_ou("research")), "mlgov:organizationalUnits[11].name", "only in case or separators", "research"),
    ("ou-separator-only", "org", add_ou("workloads-dev", "Workloads"), "mlgov:organizationalUnits[10].name", "only in case or separators", "workloads-dev"),
    ("ecr-slash-vs-underscore", "shared", set_config(SHARED, "mlgov:ecrRepositories", ["ml/training-base", "ml_training/base"]), "mlgov:ecrRepositories[1]", "once normalised", "ml_training/base"),
    ("ecr-underscore-vs-dash", "shared", set_config(SHARED, "mlgov:ecrRepositories", ["ml/training_base", "ml/training-base"]), "mlgov:ecrRepositories[1]", "once normalised", "ml/training-base"),
    ("members-differ-in-case", "dev", both(member(3, 0, "Carlos-Mendes"), member(3, 1, "carlos-mendes")), "projects.yaml: projects[3].members[1].user", "Studio user profile", "carlos-mendes"),
    ("budget-emails-differ-in-case", "dev", set_config(DEV, "mlgov:budgetAlertEmails", ["FinOps@example.com", "finops@example.com"]), "mlgov:budgetAlertEmails[1]", "same address", "finops@example.com"),
    # -- 2. pipeline branch --------------------------------------------------------------------------------------
    ("branch-full-ref", "dev", project_edit(2, lambda p: p["pipeline"].__setitem__("branch", "refs/heads/main")), "projects.yaml: projects[2].pipeline.branch", "full ref", "refs/heads/main"),
    ("branch-wildcard", "dev", project_edit(2, lambda p: p["pipeline"].__setitem__("branch", "release/*")), "projects.yaml: projects[2].pipeline.branch", "not a git branch name", "release/*"),
    ("branch-double-dot", "dev", project_edit(2, lambda p: p["pipeline"].__setitem__("branch", "main..dev")), "projects.yaml: projects[2].pipeline.branch", "not a git branch name", "main..dev"),
    ("branch-space", "dev", project_edit(2, lambda p: p["pipeline"].__setitem__("branch", "my branch")), "projects.yaml: projects[2].pipeline.branch", "not a git branch name", "my branch"),
    ("repository-bad-owner", "dev", project_edit(2, lambda p: p["pipeline"].__setitem__("repository", "-examplecorp/churn")), "projects.yaml: projects[2].pipeline.repository", "GitHub repository", "-examplecorp/churn"),
    # -- 2. the environment a stack vends ----------------------------------------------------------------------
    ("environment-is-another-stage", "dev", set_config(DEV, "mlgov:environment", "prod"), "mlgov:environment", "differs from the stack's name 'dev'", "prod"),
    ("sandbox-file-vends-dev", "sandbox", set_config("Pulumi.sandbox.yaml", "mlgov:environment", "dev"), "mlgov:environment", "differs from the stack's name 'sandbox'", "dev"),
    # -- 3. limits of derived names ---------------------------------------------------------------------------
    ("bucket-name-too-long", "sandbox", set_project(0, "name", "fraud-exploration-of-card-data"), "projects.yaml: projects[0].name", "S3 allows 63", "fraud-exploration-of-card-data"),
    ("automation-account-name-too-long", "dev", set_project(2, "name", "churn-model-for-retail-banking-eu"), "projects.yaml: projects[2].name", "characters", "churn-model-for-retail-banking-eu"),
    ("project-name-trailing-dash", "dev", set_project(1, "name", "churn-notebooks-"), "projects.yaml: projects[1].name", "single dashes", "churn-notebooks-"),
    ("project-name-double-dash", "dev", set_project(1, "name", "churn--notebooks"), "projects.yaml: projects[1].name", "single dashes", "churn--notebooks"),
    ("cidr-host-bits", "dev", set_project(2, "vpcCidr", "10.20.0.1/16"), "projects.yaml: projects[2].vpcCidr", "host bits", "10.20.0.1/16"),
    ("cidr-public", "dev", set_project(2, "vpcCidr", "8.8.0.0/16"), "projects.yaml: projects[2].vpcCidr", "private range", "8.8.0.0/16"),
    ("cidr-too-large", "dev", set_project(3, "vpcCidr", "10.0.0.0/8"), "projects.yaml: projects[3].vpcCidr", "/16 to /24", "10.0.0.0/8"),
    ("data-lake-prefix-dots", "org", organization("dataLakeBucketPrefix", "examplecorp.datalake-"), "mlgov:organization.dataLakeBucketPrefix", "single dashes", "examplecorp.datalake-"),
    ("data-lake-prefix-xn", "org", organization("dataLakeBucketPrefix", "xn--datalake-"), "mlgov:organization.dataLakeBucketPrefix", "reserved prefix 'xn--'", "xn--datalake-"),
    ("data-lake-prefix-too-long", "org", organization("dataLakeBucketPrefix", "examplecorp-central-datalake-platform-"), "mlgov:organization.dataLakeBucketPrefix", "S3 allows 63", "examplecorp-central-datalake-platform-"),
    ("data-lake-zone-too-long-for-prefix", "shared", both(organization("dataLakeBucketPrefix", "examplecorp-central-datalake-x-"), set_config(SHARED, "mlgov:dataLakeZones", ["raw", "curated", "featuresandlabelsabc"])), "mlgov:dataLakeZones[2]", "S3 allows 63", "featuresandlabelsabc"),
    ("budget-emails-eleven", "dev", set_config(DEV, "mlgov:budgetAlertEmails", [f"finops{i}@example.com" for i in range(11)]), "mlgov:budgetAlertEmails", "at most 10", NO_VALUE),
    ("budget-rounds-to-zero", "dev", set_project(1, "monthlyBudgetUsd", 0.001), "projects.yaml: projects[1].monthlyBudgetUsd", "0.00", 0.001),
    ("budget-infinite", "dev", text_edit(CATALOGUE, "monthlyBudgetUsd: 1500", "monthlyBudgetUsd: .inf"), "projects.yaml: projects[1].monthlyBudgetUsd", "finite", NO_VALUE),
    ("identity-center-off-assignments-on", "dev", config_edit(ORG, lambda c: c["mlgov:identityCenter"].__setitem__("enabled", False)), "mlgov:identityAssignments", "identityCenter.enabled false", True),
    ("org-stack-missing", "dev", set_config(DEV, "mlgov:orgStack", "organisation"), "mlgov:orgStack", "has no stack file", "organisation"),
    ("org-stack-is-an-environment", "dev", set_config(DEV, "mlgov:orgStack", "prod"), "mlgov:orgStack", "of kind 'environment'", "prod"),
    ("shared-env-stack-missing", "shared", set_config(SHARED, "mlgov:environmentStacks", {"dev": "development", "preprod": "preprod", "prod": "prod"}), "mlgov:environmentStacks.dev", "has no stack file", "development"),
    ("shared-env-stack-wrong-stage", "shared", set_config(SHARED, "mlgov:environmentStacks", {"dev": "prod", "preprod": "preprod", "prod": "prod"}), "mlgov:environmentStacks.dev", "vends 'prod', not 'dev'", "prod"),
    ("shared-env-stack-is-org", "shared", set_config(SHARED, "mlgov:environmentStacks", {"dev": "dev", "preprod": "org", "prod": "prod"}), "mlgov:environmentStacks.preprod", "of kind 'org'", "org"),
    ("stage-without-stack-file", "dev", lambda d: (d / "Pulumi.preprod.yaml").unlink(), "projects.yaml: projects[2].stages[1]", "no environment stack", "preprod"),
    ("projects-file-outside-folder", "dev", set_config(DEV, "mlgov:projectsFile", "../projects.yaml"), "mlgov:projectsFile", "file name", "../projects.yaml"),
]


@pytest.mark.parametrize("stack, mistake, path, words, value", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_mistake_exits_2_with_its_key_path_value_and_fix(run_plan, tmp_path, stack, mistake, path, words, value):
    folder = copy_stacks(tmp_path)
    mistake(folder)
    result = run_plan(stack, folder)
    assert result.exit_code == 2, result.output
    assert_refused(result.output, path, words, value)


def test_the_cases_cover_several_members_per_class():
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 90


def test_every_file_and_every_stack_is_reported_in_one_run(run_plan, tmp_path):
    folder = copy_stacks(tmp_path)
    for mistake in (
        organization("homeRegion", "eu-wset-1"),
        set_config(DEV, "mlgov:availabilityZones", ["eu-west-1a", "eu-west-1a"]),
        set_config("Pulumi.prod.yaml", "mlgov:budgetAlertEmails", ["not-an-email"]),
        set_config(SHARED, "mlgov:costCenter", "CC&1"),
        set_project(1, "team", "R&D"),
    ):
        mistake(folder)
    result = run_plan("shared", folder)  # reads org, dev, preprod and prod: all are validated first
    assert result.exit_code == 2, result.output
    for section in ("stack 'org'", "stack 'dev'", "stack 'prod'", "stack 'shared'", "the project catalogue"):
        assert f"Invalid configuration for {section}" in result.output, result.output
    for path in ("mlgov:organization.homeRegion", "mlgov:availabilityZones[1]", "mlgov:budgetAlertEmails[0]", "mlgov:costCenter", "projects.yaml: projects[1].team"):
        assert f"- {path}:" in result.output
    # The catalogue is listed once, not under every stack that reads it.
    assert result.output.count("projects.yaml: projects[1].team") == 1


def test_all_stacks_with_errors_in_several_files(run_plan, tmp_path):
    folder = copy_stacks(tmp_path)
    for mistake in (set_config("Pulumi.sandbox.yaml", "aws:region", "eu-wset-1"), set_config("Pulumi.preprod.yaml", "mlgov:environment", "prod")):
        mistake(folder)
    result = run_plan("", folder)
    assert result.exit_code == 2, result.output
    assert "stack 'sandbox'" in result.output and "stack 'preprod'" in result.output


@pytest.mark.parametrize(
    "file, key, value",
    [
        (DEV, "mlgov:securityAuditorsGroup", {"secure": "v1:AAAABBBBCCCC"}),
        (DEV, "mlgov:budgetAlertEmails", [{"secure": "v1:AAAABBBBCCCC"}]),
        (SHARED, "mlgov:costCenter", {"secure": "v1:AAAABBBBCCCC"}),
    ],
    ids=["group", "email-in-a-list", "tag-value"],
)
def test_a_secret_is_never_refused_for_its_content_and_shows_as_secret(run_plan, tmp_path, file, key, value):
    folder = copy_stacks(tmp_path)
    set_config(file, key, value)(folder)
    stack = file.removeprefix("Pulumi.").removesuffix(".yaml")
    result = run_plan(stack, folder, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "v1:AAAABBBBCCCC" not in result.output
    if key == "mlgov:costCenter":  # a tag value: on every shared resource, as the placeholder
        assert '"mlgov:cost-center": "[secret]"' in result.output


def test_a_secret_cannot_stand_for_a_setting_the_plan_needs(run_plan, tmp_path):
    folder = copy_stacks(tmp_path)
    set_config(DEV, "aws:region", {"secure": "v1:AAAA"})(folder)
    result = run_plan("dev", folder)
    assert result.exit_code == 2
    assert_refused(result.output, "aws:region", "secret", "[secret]")


def test_the_older_config_key_form_is_read_like_pulumi_reads_it(run_plan, tmp_path):
    folder = copy_stacks(tmp_path)
    text_edit(DEV, "mlgov:securityAuditorsGroup", "mlgov:config:securityAuditorsGroup")(folder)
    assert run_plan("dev", folder).exit_code == 0


def test_a_failing_program_prints_one_error_and_no_asyncio_noise(tmp_path):
    """Failures inside an apply, with other resources pending, are where asyncio complains about destroyed tasks."""
    import contextlib
    import gc
    import io

    from typer.testing import CliRunner

    from mlgov.cli import _register_commands, app

    (tmp_path / "Pulumi.yaml").write_text("name: failing\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\n"
        "first = aws.s3.Bucket('first', bucket='first-bucket-name')\n"
        "def fail(_):\n    raise ValueError('a [/bold] failure inside apply')\n"
        "first.id.apply(fail)\n"
        "aws.s3.Bucket('second', bucket=first.id.apply(lambda value: value + '-2'))\n"
    )
    _register_commands()
    noise = io.StringIO()
    with contextlib.redirect_stderr(noise):
        result = CliRunner().invoke(app, ["plan", "dev", "--project-dir", str(tmp_path), "--no-policy"])
        gc.collect()
        # The next plan in the same process (the Automation API layer, a service) is not disturbed by it.
        after = CliRunner().invoke(app, ["plan", "org", "--no-policy"])
        gc.collect()
    output = result.output + noise.getvalue()
    assert result.exit_code == 2, output
    assert "a [/bold] failure inside apply" in output
    assert "Traceback" not in output and "Task was destroyed" not in output
    assert after.exit_code == 0, after.output
