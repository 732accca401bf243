"""The optional organization trail: management account, the log-archive bucket and key."""

from __future__ import annotations

import json
import shutil

import yaml

from mlgov.constants import TypeToken
from mlgov.engine import PROJECT_DIR, plan_stacks

TRAIL = "aws:cloudtrail/trail:Trail"


def test_no_trail_by_default(shared):
    assert shared.of_type(TRAIL) == []


def test_trail_goes_to_the_log_bucket_from_the_management_account(tmp_path):
    for path in (PROJECT_DIR / "stacks").glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    stack_file = tmp_path / "Pulumi.shared.yaml"
    document = yaml.safe_load(stack_file.read_text())
    document["config"].setdefault("mlgov:logArchive", {})["organizationTrail"] = True
    stack_file.write_text(yaml.safe_dump(document))
    result = plan_stacks(["org", "dev", "preprod", "prod", "shared"], stacks_dir=tmp_path)
    org, shared = result.stack("org"), result.stack("shared")
    (trail,) = shared.of_type(TRAIL)
    assert trail.inputs["isOrganizationTrail"] is True and trail.inputs["isMultiRegionTrail"] is True
    assert trail.inputs["enableLogFileValidation"] is True
    log_bucket = next(b for b in shared.of_type(TypeToken.S3_BUCKET) if "org-logs" in b.inputs["bucket"])
    assert trail.inputs["s3BucketName"] == log_bucket.outputs["bucket"]
    providers = {f"{p.urn}::{p.id}": p for p in shared.of_type(TypeToken.AWS_PROVIDER)}
    provider = providers[trail.provider]
    assert json.loads(provider.inputs["allowedAccountIds"]) == [org.outputs["managementAccountId"]]
    assert "assumeRoles" not in provider.inputs
    # The bucket policy lets CloudTrail write before the trail exists.
    policy = next(p for p in shared.of_type(TypeToken.S3_BUCKET_POLICY) if log_bucket.urn in p.property_dependencies.get("bucket", []))
    assert policy.urn in trail.dependencies
    assert "cloudtrail.amazonaws.com" in policy.inputs["policy"]
