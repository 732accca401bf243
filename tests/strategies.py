"""Hypothesis strategies for valid project catalogues, and the example budget of the slower property tests.

The profile is configurable: ``MLGOV_HYPOTHESIS_PROFILE=thorough`` runs many more random
examples (a nightly run, or before a release); the default runs a few fixed ones so the
suite stays fast and deterministic. ``MLGOV_HYPOTHESIS_EXAMPLES`` (mutations) and
``MLGOV_HYPOTHESIS_PLANS`` (generated catalogues) set the counts directly.
"""

from __future__ import annotations

import ipaddress
import os

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from mlgov.config.projects import longest_name
from mlgov.constants import Environment

settings.register_profile("default", deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("MLGOV_HYPOTHESIS_PROFILE", "default")
settings.load_profile(PROFILE)
_THOROUGH = PROFILE == "thorough"

MUTATION_EXAMPLES = int(os.environ.get("MLGOV_HYPOTHESIS_EXAMPLES", 300 if _THOROUGH else 12))
"""Examples of the mutation property test (each plans one stack when the mutation is harmless)."""
PLAN_EXAMPLES = int(os.environ.get("MLGOV_HYPOTHESIS_PLANS", 20 if _THOROUGH else 2))
"""Examples for tests that plan every stack per example (several seconds each)."""
PLAN_PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
"""No shrinking for them: each step would plan again; the failing input is printed as found."""

STAGE_SETS = [
    [Environment.SANDBOX],
    [Environment.DEV],
    [Environment.SANDBOX, Environment.DEV],
    [Environment.DEV, Environment.PREPROD, Environment.PROD],
    [Environment.PREPROD],
    [Environment.PROD],
]
# Instance types every sample org stage allows (the catalogue check refuses the others).
ALLOWED_TYPES = {
    Environment.SANDBOX: ["ml.t3.medium", "ml.m5.large"],
    Environment.DEV: ["ml.m5.xlarge", "ml.g5.xlarge"],
    Environment.PREPROD: ["ml.m5.2xlarge", "ml.c5.xlarge"],
    Environment.PROD: ["ml.g5.2xlarge", "ml.p4d.24xlarge"],
}
# Letters, digits, spaces and _ . : / = + - @ are what every tagged service accepts; include non-ASCII letters.
TAG_TEXT = st.text(alphabet=st.sampled_from(list("abcXYZ019 _.:/=+-@éß")), min_size=1, max_size=64).filter(lambda text: text.strip() == text)
WORD = st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz0123456789")), min_size=1, max_size=12)


@st.composite
def project_name(draw, stages: list[Environment]) -> str:
    """Lower-case words joined by single dashes, up to the longest name these stages allow (often exactly that)."""
    limit = longest_name(stages)
    length = draw(st.one_of(st.just(limit), st.integers(min_value=1, max_value=limit)))
    words = []
    while len("-".join(words)) < length:
        words.append(draw(WORD))
    name = "-".join(words)[:length].strip("-").replace("--", "-")
    first = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    return (first + name[1:]) if name else first


@st.composite
def project(draw, index: int) -> dict:
    stages = draw(st.sampled_from(STAGE_SETS))
    name = draw(project_name(stages))
    base = draw(st.integers(min_value=0, max_value=255))
    prefix = draw(st.integers(min_value=16, max_value=24))
    cidr = str(ipaddress.ip_network(f"10.{base}.0.0/{prefix}", strict=False))
    users = draw(st.lists(st.from_regex(r"[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,8}){0,2}", fullmatch=True), max_size=3, unique=True))
    entry = {
        "name": f"{name}",
        "team": draw(TAG_TEXT),
        "costCenter": draw(TAG_TEXT),
        "groups": {"dataScientists": f"group-{index}-ds", "mlEngineers": f"group-{index}-mle"},
        "stages": [stage.value for stage in stages],
        "monthlyBudgetUsd": draw(st.floats(min_value=0.01, max_value=1_000_000, allow_nan=False, allow_infinity=False)),
        "dataClassification": draw(st.sampled_from(["public", "internal", "confidential", "restricted"])),
        "instanceTypes": draw(st.lists(st.sampled_from(ALLOWED_TYPES[stages[0]]), max_size=2, unique=True)),
        "members": [{"user": user, "role": draw(st.sampled_from(["data-scientist", "ml-engineer"]))} for user in users],
        "vpcCidr": cidr,
    }
    if any(stage in (Environment.PREPROD, Environment.PROD) for stage in stages) and draw(st.booleans()):
        entry["pipeline"] = {"trust": "github", "repository": f"{draw(WORD)}/{draw(WORD)}", "branch": draw(st.sampled_from(["main", "release/1.x", "prod"]))}
    return entry


@st.composite
def catalogue(draw, max_projects: int = 3) -> dict:
    count = draw(st.integers(min_value=1, max_value=max_projects))
    projects, names = [], set()
    for index in range(count):
        entry = draw(project(index))
        if entry["name"] in names:
            continue
        names.add(entry["name"])
        projects.append(entry)
    return {"projects": projects}
