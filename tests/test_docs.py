"""The README's steps for real use work as written: virtualenvs before they are used, stacks in the
order they read each other, and no promise that a read-only role can preview what it cannot."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()
PACK = "policypacks/ml-guardrails"


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:] if end < 0 else text[start:end]


def commands(markdown: str) -> list[str]:
    """Shell lines of the ```bash blocks, in order."""
    return [line.strip() for block in re.findall(r"```bash\n(.*?)```", markdown, re.DOTALL) for line in block.splitlines() if line.strip()]


def test_the_real_use_steps_create_the_packs_virtualenv_before_the_first_policy_pack_run():
    steps = commands(section(README, "## Using it for real"))
    first_use = next(i for i, line in enumerate(steps) if "--policy-pack " in line)
    pack_venv = yaml.safe_load((REPO / PACK / "PulumiPolicy.yaml").read_text())["runtime"]["options"]["virtualenv"]
    created = [i for i, line in enumerate(steps)
               if f"venv {PACK}/{pack_venv}" in line and f"{PACK}/{pack_venv}/bin/pip install -r {PACK}/requirements.txt" in line]
    assert created and created[0] < first_use, steps


def test_the_real_use_steps_apply_every_stack_after_the_stacks_it_reads():
    from mlgov.config import load_stack_file

    steps = commands(section(README, "## Using it for real"))
    order = [m.group(1) for line in steps if (m := re.match(r"pulumi up --stack (\S+)", line))]
    for stack in order:
        for read in load_stack_file(REPO / "stacks", stack).referenced_stacks():
            if read in order:
                assert order.index(read) < order.index(stack), (stack, read, order)
    assert order[0] == "org" and order[-1] == "shared"


def test_the_docs_say_what_previews_need_and_never_that_read_only_is_enough():
    docs = {"README.md": README, "docs/pr-previews.md": (REPO / "docs" / "pr-previews.md").read_text()}
    for name, text in docs.items():
        assert "read-only is enough" not in text, name
        assert "sts:AssumeRole" in text and "accountAccessRoleName" in text, name


def test_the_retire_steps_handle_what_blocks_the_teardown_in_order():
    steps = section(README, "### Retiring a project")
    order = ["studioHomeRetention: Delete", "aws sagemaker delete-app", "pulumi state unprotect", "aws efs delete-mount-target",
             "aws ec2 delete-security-group", "aws organizations close-account"]
    positions = [steps.index(phrase) for phrase in order]
    assert positions == sorted(positions)
