"""``mlgov diff``: what a pull request changes, planned offline on both sides.

The base ref is planned by *its own* code in a temporary git worktree (a
subprocess running ``python -m mlgov plan --format json``), the working tree
in-process with :func:`mlgov.engine.plan_stacks`. The two plans are compared
per stack by URN (:mod:`mlgov.diff.compare`), destructive changes are called
out (:mod:`mlgov.diff.danger`), every changed SCP, attachment and Control
Tower control gets its blast radius over the planned organization
(:mod:`mlgov.diff.blast`), and the result renders as text, JSON or a
deterministic markdown PR comment (:mod:`mlgov.diff.render`).
"""

from __future__ import annotations

from mlgov.diff.model import DiffError, DiffReport, StackDiff
from mlgov.diff.run import diff_plans, run_diff

__all__ = ["DiffError", "DiffReport", "StackDiff", "diff_plans", "run_diff"]
