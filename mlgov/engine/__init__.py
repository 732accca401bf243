"""The offline engine behind ``mlgov plan``: the real program under mocks, then the policy pack.

``planner`` plans stacks in the order ``ordering`` gives, reading ``Pulumi.yaml``
and the stack files through ``project``; ``runner`` runs one program under the
recording ``monitor``, which answers with the deterministic ``fakes``;
``policy_check`` runs the pack. What it cannot see: provider-side validation and
defaults, real ids and ARNs (it makes realistic ones), drift in the live
organization (``mlgov verify`` does that).
"""

from mlgov.engine.errors import PlanError
from mlgov.engine.model import Plan, PlannedResource, StackPlan, Violation
from mlgov.engine.planner import plan_stacks
from mlgov.engine.project import DEFAULT_STACK_ORDER, PROJECT_DIR, ProjectFile, available_stacks

__all__ = [
    "DEFAULT_STACK_ORDER", "PROJECT_DIR", "Plan", "PlanError", "PlannedResource", "ProjectFile", "StackPlan",
    "Violation", "available_stacks", "plan_stacks",
]
