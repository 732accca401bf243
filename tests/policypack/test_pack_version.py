"""The pack has one version, in PulumiPolicy.yaml; every other mention of it agrees.

`pulumi policy publish` takes a Python pack's version from PulumiPolicy.yaml and
publishes a pack without one as 0.0.1, which Pulumi Cloud refuses the second time.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from .conftest import PACK_DIR, PACK_VERSION

REPO = PACK_DIR.parents[1]
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
# "ml-guardrails@1.2.3", "ml-guardrails@v1.2.3", "ml-guardrails 1.2.3", "ml-guardrails version 1.2.3"
MENTION = re.compile(r"ml-guardrails(?:@v?| (?:version )?v?)(\d+\.\d+\.\d+[0-9A-Za-z.+-]*)")


def test_pulumi_policy_yaml_has_a_semantic_version():
    document = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    assert isinstance(document.get("version"), str), "PulumiPolicy.yaml needs `version:` as a string"
    assert SEMVER.match(document["version"]), document["version"]
    assert document["version"] != "0.0.1", "0.0.1 is what a pack without a version publishes as"


def _tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    return [REPO / n for n in names if n.endswith((".md", ".py", ".yaml", ".yml", ".json", ".txt", ".toml"))]


def test_every_mention_of_the_pack_version_agrees():
    mentions = {}
    for path in _tracked_text_files():
        if not path.is_file() or path == Path(__file__).resolve():  # this file's examples are not mentions
            continue
        for version in MENTION.findall(path.read_text(errors="replace")):
            mentions.setdefault(version, []).append(str(path.relative_to(REPO)))
    assert set(mentions) <= {PACK_VERSION}, mentions


def test_the_version_is_kept_in_the_pack_folder_only():
    # Self-contained for `pulumi policy publish`: the number lives beside the pack, not in mlgov.
    pattern = re.compile(rf"['\"]{re.escape(PACK_VERSION)}['\"]")
    for path in _tracked_text_files():
        if path.suffix == ".py" and path.is_file() and pattern.search(path.read_text(errors="replace")):
            raise AssertionError(f"{path.relative_to(REPO)} repeats the pack version as a literal; read PulumiPolicy.yaml instead")
