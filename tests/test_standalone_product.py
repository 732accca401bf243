"""The repository stands on its own: no file points at documents or machines outside it.

A reader of a clone has the code, the README and docs/; a comment that cites a
planning document, an issue tracker entry or a path on the machine that wrote
it sends them nowhere. Facts are stated where they are used, or cited from a
public source (an AWS guide page, a provider file, a Pulumi doc).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
THIS = Path(__file__).resolve()
VENDORED = ("tests/oracle/node_modules/", "tests/oracle/package-lock.json")
# Written in pieces so this file does not match itself.
FORBIDDEN = {
    "a planning document": re.compile(r"\b(?:" + "FACTS|ARCHITECTURE|BRIEF" + r")\.md\b"),
    "the house style list": re.compile(r"\bhouse" + r" style\b", re.IGNORECASE),
    "an issue number": re.compile(r"\bissues?" + r" #?\d+", re.IGNORECASE),
    "the brief": re.compile(r"\bthe" + r" brief\b", re.IGNORECASE),
    "the seed article": re.compile(r"\bseed" + r"(?:[- ](?:post|article|blog)|'s)", re.IGNORECASE),
    "a build machine path": re.compile(r"(?<![\w.])/(?:work|root|home/\w+)/"),
}


def _product_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return [ROOT / name for name in listed if not name.startswith(VENDORED) and (ROOT / name).is_file() and (ROOT / name) != THIS]


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None  # binary files carry no prose


def test_the_scan_sees_the_product() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in _product_files()}
    assert {"README.md", "mlgov/guardrails/catalogue.py", "components/member_accounts.py"} <= names


@pytest.mark.parametrize("what", sorted(FORBIDDEN))
def test_no_file_points_outside_the_repository(what: str) -> None:
    pattern = FORBIDDEN[what]
    hits = []
    for path in _product_files():
        text = _text(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if pattern.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert not hits, f"{len(hits)} line(s) cite {what}; state the fact or a public source instead:\n" + "\n".join(hits)


@pytest.mark.parametrize(
    "line",
    [
        "see FACTS" + ".md for the limits",
        "(house" + " style 8)",
        "as issue" + " 4 asks",
        "in the seed" + " post's words",
        "from /work" + "/shared/x",
    ],
)
def test_the_patterns_catch_what_they_are_for(line: str) -> None:
    assert any(pattern.search(line) for pattern in FORBIDDEN.values())


@pytest.mark.parametrize("line", ["PYTHONHASHSEED=seed", "digest(seed, 8)", "--seed S: the subsample's seed", "tmp_path / 'work'"])
def test_ordinary_words_pass(line: str) -> None:
    assert not any(pattern.search(line) for pattern in FORBIDDEN.values())
