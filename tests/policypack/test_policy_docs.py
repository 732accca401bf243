"""The README's policy table lists every policy of the pack, with its severity and enforcement, and
nothing else; every row names a broken example that really expects that policy."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ml_guardrails.policies import ALL_POLICIES

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "README.md"
BROKEN = Path(__file__).resolve().parent / "broken"
ROW = re.compile(r"^\| `([a-z0-9-]+)` \| (\w+) \| (\w+) \| (resource|stack) \|(.*)\|$", re.MULTILINE)


def _rows() -> dict[str, tuple[str, str, str]]:
    rows = {}
    for policy, severity, enforcement, _kind, rest in ROW.findall(DOC.read_text()):
        assert policy not in rows, f"{policy} listed twice"
        rows[policy] = (severity, enforcement, rest)
    return rows


def test_every_policy_documented_and_nothing_else() -> None:
    assert set(_rows()) == {p.name for p in ALL_POLICIES}


def test_severity_and_enforcement_match_the_pack() -> None:
    rows = _rows()
    for policy in ALL_POLICIES:
        severity, enforcement, _ = rows[policy.name]
        assert severity == policy.severity.value, policy.name
        assert enforcement == policy.enforcement_level.value, policy.name


def test_broken_examples_named_in_the_table_expect_the_policy() -> None:
    for policy, (_s, _e, rest) in _rows().items():
        examples = re.findall(r"`([a-z0-9-]+)`", rest.rsplit("|", 1)[-1])
        for example in examples:
            expected = yaml.safe_load((BROKEN / example / "expected.yaml").read_text())
            assert policy in expected["policies"], (policy, example)
