"""The broken cases' compliant builders pass the whole pack when nothing is broken.

Every broken case is "compliant except one defect"; that only holds if the
builders in ``broken/_common/compliant.py`` are compliant on their own. This
runs each of them with its defaults, in one stack, through ``mlgov plan`` with
the pack, and expects no violation at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlgov.cli import _register_commands, app
from mlgov.constants import TypeToken

COMMON = Path(__file__).resolve().parent / "broken" / "_common"
PROGRAM = f'''
import sys
sys.path.insert(0, {str(COMMON)!r})
from compliant import baseline_org, compliant_bucket, execution_role, kms_key, member_account, model, root_id, shared_network, workload_ou

root = root_id()
baseline_org(root)
ou = workload_ou("workloads-prod", "Workloads_Prod", root)
member_account("ml-prod", name="ML Prod", email="aws+ml-prod@example.com", parent_id=ou.id)
compliant_bucket("data")
kms_key("artifacts", "model artifacts")
model("churn", execution_role(), shared_network())
'''
STACK = """config:
  aws:region: us-east-1
  mlgov:environment: prod
  org:rootId: r-a1b2
  network:vpcId: vpc-0a1b2c3d
  network:subnetId: subnet-0a1b2c3d
  network:securityGroupId: sg-0a1b2c3d
"""


@pytest.mark.slow
def test_every_builder_with_its_defaults_passes_the_whole_pack(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: compliant-builders\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(PROGRAM)
    (tmp_path / "Pulumi.prod.yaml").write_text(STACK)
    _register_commands()
    result = CliRunner().invoke(app, ["plan", "prod", "--project-dir", str(tmp_path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "No policy violations." in result.output
    for kind in (TypeToken.ACCOUNT, TypeToken.S3_BUCKET, TypeToken.SAGEMAKER_MODEL, TypeToken.CONTROL_TOWER_CONTROL):
        assert kind in result.output, f"{kind} was not planned:\n{result.output}"
