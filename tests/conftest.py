"""Shared fixtures: the sample stacks planned once per session (plans are deterministic)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def org_plan():
    """The sample org stack, planned offline without the policy pack."""
    from mlgov.engine import plan_stacks

    return plan_stacks(["org"]).stacks[0]


@pytest.fixture(scope="session")
def org_plan_dict(org_plan):
    return org_plan.to_dict()
