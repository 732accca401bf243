"""Planning many stacks at once, from the cache, with progress: the plan itself never changes.

Speed is measured in benchmarks/plan_scale.py; these tests hold what speed must not
change: a parallel plan is byte for byte the serial one, a cached plan is byte for
byte a fresh one, and a stack is re-planned exactly when something it reads changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from mlgov.engine import PROJECT_DIR, PlanError, plan_stacks
from mlgov.engine.cache import PlanCache
from mlgov.engine.parallel import StackFailed, StackJob, plan_in_parallel, widest_level
from mlgov.engine.progress import Phase, State

PACK = PROJECT_DIR / "policypacks" / "ml-guardrails"
STACKS = ["org", "sandbox", "dev"]

pytestmark = pytest.mark.slow


def text(plan) -> str:
    return json.dumps(plan.to_dict(), indent=2)


@pytest.fixture(scope="module")
def serial():
    return text(plan_stacks(STACKS, policy_pack=PACK, workers=1))


@pytest.fixture()
def stacks_dir(tmp_path) -> Path:
    for path in (PROJECT_DIR / "stacks").glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_a_parallel_plan_is_byte_for_byte_the_serial_one(serial):
    events = []
    parallel = plan_stacks(STACKS, policy_pack=PACK, workers=2, progress=events.append)
    assert text(parallel) == serial
    assert [stack.name for stack in parallel.stacks] == STACKS
    # The environment stacks really ran in workers: their events came back from other processes.
    done = {(event.stack, event.phase) for event in events if event.state == State.DONE}
    assert {(name, phase) for name in STACKS for phase in (Phase.PROGRAM, Phase.PACK)} <= done


def test_only_stacks_at_the_same_depth_run_together():
    dependencies = {"org": [], "sandbox": ["org"], "dev": ["org"], "prod": ["org"], "shared": ["org", "dev", "prod"]}
    assert widest_level(list(dependencies), dependencies) == 3
    assert widest_level(["a", "b"], {"a": [], "b": ["a"]}) == 1


def test_a_cached_plan_is_byte_for_byte_a_fresh_one_and_runs_nothing(serial, tmp_path):
    cache = PlanCache(tmp_path / "cache")
    first = plan_stacks(STACKS, policy_pack=PACK, workers=1, cache=cache)
    assert text(first) == serial
    assert cache.hits == 0
    events = []
    again = plan_stacks(STACKS, policy_pack=PACK, workers=1, cache=cache, progress=events.append)
    assert text(again) == serial
    assert {event.phase for event in events} == {Phase.CACHE}
    assert sorted(event.stack for event in events) == sorted(STACKS)


def _catalogue(stacks_dir: Path) -> dict:
    return yaml.safe_load((stacks_dir / "projects.yaml").read_text())


def _write(stacks_dir: Path, catalogue: dict) -> None:
    (stacks_dir / "projects.yaml").write_text(yaml.safe_dump(catalogue, sort_keys=False))


def _replanned(stacks_dir: Path, cache: PlanCache) -> set[str]:
    events = []
    plan_stacks(["org", "sandbox", "dev"], stacks_dir=stacks_dir, workers=1, cache=cache, progress=events.append)
    return {event.stack for event in events if event.phase == Phase.PROGRAM and event.state == State.DONE}


def test_a_project_change_replans_only_the_stacks_that_vend_it(stacks_dir, tmp_path):
    cache = PlanCache(tmp_path / "cache")
    assert _replanned(stacks_dir, cache) == {"org", "sandbox", "dev"}
    catalogue = _catalogue(stacks_dir)
    sandbox_only = next(p for p in catalogue["projects"] if p["stages"] == ["sandbox"])
    sandbox_only["monthlyBudgetUsd"] += 1
    _write(stacks_dir, catalogue)
    assert _replanned(stacks_dir, cache) == {"sandbox"}
    dev_only = next(p for p in catalogue["projects"] if p["stages"] == ["dev"])
    dev_only["members"].append({"user": "new-person", "role": "data-scientist"})
    _write(stacks_dir, catalogue)
    assert _replanned(stacks_dir, cache) == {"dev"}


def test_a_changed_reference_replans_the_stacks_that_read_it(stacks_dir, tmp_path):
    cache = PlanCache(tmp_path / "cache")
    _replanned(stacks_dir, cache)
    org = yaml.safe_load((stacks_dir / "Pulumi.org.yaml").read_text())
    org["config"]["mlgov:organization"]["accountAccessRoleName"] = "OrgAccess"
    (stacks_dir / "Pulumi.org.yaml").write_text(yaml.safe_dump(org, sort_keys=False))
    # The org stack's outputs changed, so both environment stacks read something new.
    assert _replanned(stacks_dir, cache) == {"org", "sandbox", "dev"}


def test_the_plan_of_a_stack_depends_only_on_the_projects_it_vends(stacks_dir):
    """What the cache relies on: a project of another stage leaves the dev stack's plan unchanged."""
    before = plan_stacks(["dev"], stacks_dir=stacks_dir, workers=1).stack("dev")
    catalogue = _catalogue(stacks_dir)
    extra = dict(next(p for p in catalogue["projects"] if p["stages"] == ["sandbox"]), name="another-sandbox")
    catalogue["projects"].append(extra)
    _write(stacks_dir, catalogue)
    after = plan_stacks(["dev"], stacks_dir=stacks_dir, workers=1).stack("dev")
    assert json.dumps(after.to_dict()) == json.dumps(before.to_dict())


def test_a_corrupt_cache_entry_is_a_miss_not_an_error(serial, tmp_path):
    cache = PlanCache(tmp_path / "cache")
    plan_stacks(STACKS, policy_pack=PACK, workers=1, cache=cache)
    for entry in (tmp_path / "cache").rglob("*.json.gz"):
        entry.write_bytes(b"not gzip")
    again = plan_stacks(STACKS, policy_pack=PACK, workers=1, cache=PlanCache(tmp_path / "cache"))
    assert text(again) == serial


def test_a_program_failing_in_a_worker_names_its_stack(tmp_path):
    (tmp_path / "__main__.py").write_text("raise ValueError('no such bucket')\n")
    job = StackJob(tmp_path, tmp_path, "broken", "dev", "program", {}, _organization(), {})

    def finish(name, program):
        return program()

    with pytest.raises(StackFailed) as failure:
        plan_in_parallel(["dev"], {"dev": []}, lambda name, refs: job, finish, 2, len)
    assert failure.value.stack == "dev"
    assert "ValueError: no such bucket" in str(failure.value)


def _organization():
    from mlgov.engine.fakes import FakeOrganization

    return FakeOrganization("broken", "eu-west-1")


def test_plan_errors_from_workers_read_like_serial_ones(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: broken\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("raise ValueError('no such bucket')\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    with pytest.raises(PlanError, match=r"^stack 'dev': the program failed: ValueError: no such bucket"):
        plan_stacks(["dev"], project_dir=tmp_path, workers=2)


def test_collections_are_paused_for_the_plan_only():
    import gc

    from mlgov.engine.gc_pause import THRESHOLDS, fewer_collections

    before = gc.get_threshold()
    with fewer_collections():
        with fewer_collections():
            assert gc.get_threshold() == THRESHOLDS
        assert gc.get_threshold() == THRESHOLDS  # the outer block still runs
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
