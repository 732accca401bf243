"""The shared stack planned once per module, with the org and environment stacks it reads."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="package")
def plans():
    from mlgov.engine import plan_stacks

    result = plan_stacks(["org", "dev", "preprod", "prod", "shared"])
    return {stack.name: stack for stack in result.stacks}


@pytest.fixture(scope="package")
def shared(plans):
    return plans["shared"]
