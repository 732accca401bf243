"""The diff tests of a module share one plan cache in a temporary folder, never the user's ``~/.cache``."""

from __future__ import annotations

import os

import pytest

from mlgov.engine.cache import CACHE_ENV


@pytest.fixture(scope="module", autouse=True)
def plan_cache_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan-cache")
    previous = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = previous
