"""mlgov:identityCenter: the platform team's group is required while Identity Center is on."""

from __future__ import annotations

import pytest
from test_bad_configs import sample, write_stack

PATH = "mlgov:identityCenter.platformAdminsGroup"


@pytest.mark.parametrize("settings", [{"enabled": True}, {"enabled": True, "platformAdminsGroup": ""}, {}])
def test_platform_admins_group_required_while_enabled(plan_errors, tmp_path, settings):
    document = sample()
    document["config"]["mlgov:identityCenter"] = settings
    output, lines = plan_errors("org", PATH, write_stack(tmp_path, document))
    assert any("pipeline administration role" in line and "Fix:" in line for line in lines), output


def test_not_required_when_identity_center_is_off(run_plan, tmp_path):
    document = sample()
    document["config"]["mlgov:identityCenter"] = {"enabled": False}
    result = run_plan("org", write_stack(tmp_path, document))
    assert result.exit_code == 0, result.output
