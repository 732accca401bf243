"""How long the offline engine takes, and where the time goes, as ratios from one run.

    venv/bin/python benchmarks/plan_speed.py [--repeat N]

Measures, on the sample stacks, in one process and one run:
  - planning every stack without the policy pack (program under the recording monitor),
  - planning every stack with the pack (adds one pack process and the analyzer calls per stack),
  - the org stack alone.
and prints the ratios (pack / no pack, all stacks / org) and the cost per resource.
Absolute seconds depend on the machine; the ratios are what to compare across changes.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from mlgov.engine import PROJECT_DIR, plan_stacks

PACK = PROJECT_DIR / "policypacks" / "ml-guardrails"


def best_of(repeat: int, action: Callable[[], object]) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        timings.append(time.perf_counter() - start)
    return min(timings), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    repeat = parser.parse_args().repeat

    org_seconds, _ = best_of(repeat, lambda: plan_stacks(["org"]))
    bare_seconds, bare = best_of(repeat, lambda: plan_stacks())
    checked_seconds, checked = best_of(repeat, lambda: plan_stacks(policy_pack=PACK))
    resources = sum(len(stack.resources) for stack in bare.stacks)
    violations = sum(len(stack.violations) for stack in checked.stacks)

    print(f"stacks: {len(bare.stacks)}, resources: {resources}, violations: {violations}, best of {repeat}")
    print(f"org only            {org_seconds:7.2f} s")
    print(f"all, no pack        {bare_seconds:7.2f} s   {1000 * bare_seconds / resources:6.2f} ms/resource")
    print(f"all, with the pack  {checked_seconds:7.2f} s   {1000 * checked_seconds / resources:6.2f} ms/resource")
    print(f"ratio pack / no pack        {checked_seconds / bare_seconds:5.2f}")
    print(f"ratio all stacks / org only {bare_seconds / org_seconds:5.2f}")
    print(f"pack share of the run       {1 - bare_seconds / checked_seconds:5.0%}")


if __name__ == "__main__":
    main()
