"""Conformance: the real engine's state of every stack equals the offline plan, resource by resource.

A difference is a bug in the offline engine (mlgov/engine), never a reason to
loosen :mod:`mlgov.testing.conformance`.
"""

from __future__ import annotations

import pytest

from mlgov.testing.conformance import differences
from tests.engine_real.conftest import STACK_ORDER
from mlgov.constants import TypeToken

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("stack", STACK_ORDER)
def test_real_state_equals_offline_plan(deployed, offline_plan, stack):
    planned = [resource.to_dict() for resource in offline_plan.stack(stack).resources]
    exported = deployed.runs[stack].resources
    found = differences(exported, planned)
    assert found == [], f"{len(found)} differences in {stack}:\n" + "\n".join(found[:60])
    assert len(exported) == len(planned) > 1


@pytest.mark.parametrize("stack", STACK_ORDER)
def test_stack_outputs_equal_the_plan(deployed, offline_plan, stack):
    real_stack = next(r for r in deployed.runs[stack].resources if r["type"] == TypeToken.STACK)
    from mlgov.testing.conformance import from_export

    assert from_export(real_stack)["outputs"] == offline_plan.stack(stack).outputs
