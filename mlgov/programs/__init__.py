"""What each stack kind builds. ``__main__.py`` picks the builder from the stack's settings.

These functions create ComponentResources from ``components/``; they are not
components themselves because their resources sit directly under the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlgov.constants import StackKind


def builder_for(kind: StackKind) -> Callable[[Any], None]:
    # Imported lazily so the CLI's config checks never import pulumi_aws.
    if kind == StackKind.ORG:
        from mlgov.programs.org import build_org_stack

        return build_org_stack
    if kind == StackKind.ENVIRONMENT:
        from mlgov.programs.environment import build_environment_stack

        return build_environment_stack
    if kind == StackKind.SHARED:
        from mlgov.programs.shared import build_shared_stack

        return build_shared_stack
    raise ValueError(f"no program for stack kind {kind!r}")
