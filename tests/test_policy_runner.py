"""run_policy_pack spawns the real pack as the engine does."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mlgov.constants import TypeToken
from mlgov.policy_runner import PolicyConfigError, Violation, run_policy_pack

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "policypacks" / "ml-guardrails"
sys.path.insert(0, str(ROOT))

from tests.policypack.conftest import Stack, res, scp_doc  # noqa: E402
from tests.policypack.golden import ACCOUNT, POLICY, org_stack  # noqa: E402


def _run(resources, environment=None, policy_config=None):
    stack_config = {"mlgov:environment": environment} if environment else {}
    return run_policy_pack(PACK, Stack(resources).all() if isinstance(resources, list) else resources.all(),
                           project="mlgov", stack="org", stack_config=stack_config, policy_config=policy_config)


def test_compliant_stack_has_no_violations():
    assert _run(org_stack()) == []


def test_bad_resources_name_policies_and_levels():
    stack = org_stack()
    stack.resources += [
        res(POLICY, "huge", {"name": "huge", "content": scp_doc() + " " * 10_300}),
        res(ACCOUNT, "closing", {"name": "closing", "email": "closing@example.com", "closeOnDeletion": True}, protect=True),
        res(TypeToken.SAGEMAKER_ENDPOINT, "ep", {"endpointConfigName": "c",
                                                       "tags": {"mlgov:project": "p", "mlgov:cost-center": "c"}}),
    ]
    violations = _run(stack, environment="dev")
    got = {(v.policy, v.level, v.urn.rsplit("::", 1)[-1]) for v in violations}
    assert got == {
        ("scp-size", "mandatory", "huge"),
        ("account-protection", "mandatory", "closing"),
        ("sagemaker-endpoint-environment", "mandatory", "ep"),
    }
    assert all(isinstance(v, Violation) and v.message.startswith("Violation:") for v in violations)


def test_bad_policy_config_names_the_key():
    with pytest.raises(PolicyConfigError, match=r"scp-size\.maxCharacters.*'big'"):
        _run(org_stack(), policy_config={"scp-size": {"maxCharacters": "big"}})


def test_unknown_policy_in_config():
    with pytest.raises(PolicyConfigError, match="no-such-policy"):
        _run(org_stack(), policy_config={"no-such-policy": "mandatory"})
