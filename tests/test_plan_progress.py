"""`mlgov plan` progress: plain lines on stderr without a terminal, a live display on one, never on stdout."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pytest
from rich.console import Console
from rich.progress import Progress

from mlgov.engine import PROJECT_DIR
from mlgov.engine.progress import Phase, ProgressEvent, State
from mlgov.reports.progress import LiveDisplay, PlainLines, ProgressMode, plan_progress

pytestmark = pytest.mark.slow


def mlgov(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("MLGOV_PROGRESS", "MLGOV_PLAN_CACHE")}
    return subprocess.run([sys.executable, "-m", "mlgov", *args], cwd=PROJECT_DIR, capture_output=True, text=True,
                          env={**environment, **(env or {})}, check=False)


@pytest.fixture(scope="module")
def json_run():
    return mlgov("plan", "org", "--no-policy", "--format", "json")


def test_json_output_stays_pure_json_and_progress_goes_to_stderr(json_run):
    assert json_run.returncode == 0, json_run.stderr
    document = json.loads(json_run.stdout)
    resources = len(document["stacks"][0]["resources"])
    lines = json_run.stderr.splitlines()
    assert lines[0] == "plan: org: running the program"
    assert re.fullmatch(rf"plan: org: program registered {resources:,} resources in \d+\.\d s", lines[1]), lines


def test_progress_off_prints_nothing(json_run):
    quiet = mlgov("plan", "org", "--no-policy", "--format", "json", "--progress", "off")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert quiet.stdout == json_run.stdout
    assert mlgov("plan", "org", "--no-policy", "--format", "json", env={"MLGOV_PROGRESS": "off"}).stderr == ""


def test_a_second_run_with_a_cache_says_so_and_plans_the_same(json_run, tmp_path):
    first = mlgov("plan", "org", "--no-policy", "--format", "json", "--cache-dir", str(tmp_path))
    again = mlgov("plan", "org", "--no-policy", "--format", "json", env={"MLGOV_PLAN_CACHE": str(tmp_path)})
    assert first.stdout == again.stdout == json_run.stdout
    assert "running the program" in first.stderr
    assert again.stderr.startswith("plan: org: unchanged, taken from the plan cache (")


def test_plain_lines_skip_per_resource_steps():
    out = io.StringIO()
    lines = PlainLines(Console(file=out, width=200))
    lines(ProgressEvent("dev", Phase.PACK, State.STARTED, 0, 3))
    lines(ProgressEvent("dev", Phase.PACK, State.ADVANCED, 1, 3))
    lines(ProgressEvent("dev", Phase.PACK, State.DONE, 3, 3))
    text = out.getvalue().splitlines()
    assert text[0] == "plan: dev: policy pack analyzing 3 resources"
    assert re.fullmatch(r"plan: dev: policy pack analyzed 3 resources in \d+\.\d s", text[1])
    assert len(text) == 2


def test_the_live_display_has_a_row_per_stack_and_step():
    console = Console(file=io.StringIO(), force_terminal=True, width=120)
    with Progress(console=console) as progress:
        live = LiveDisplay(progress)
        live(ProgressEvent("org", Phase.PROGRAM, State.STARTED))
        live(ProgressEvent("org", Phase.PROGRAM, State.DONE, 109, 109))
        live(ProgressEvent("org", Phase.PACK, State.ADVANCED, 50, 109))
        tasks = {task.description: (task.completed, task.total) for task in progress.tasks}
    assert tasks == {"org program": (109, 109), "org policy pack": (50, 109)}


def test_auto_mode_picks_the_display_by_terminal():
    with plan_progress(ProgressMode.AUTO, Console(file=io.StringIO(), force_terminal=False)) as plain:
        assert isinstance(plain, PlainLines)
    with plan_progress(ProgressMode.AUTO, Console(file=io.StringIO(), force_terminal=True)) as live:
        assert isinstance(live, LiveDisplay)
    with plan_progress(ProgressMode.OFF, Console(file=io.StringIO())) as off:
        assert off is None
