"""The shared stack, with the org and environment stacks it reads, from the session's sample plans."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="package")
def plans(sample_plans):
    return sample_plans


@pytest.fixture(scope="package")
def shared(plans):
    return plans["shared"]
