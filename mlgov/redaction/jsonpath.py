"""The JSONPath subset Macie uses to locate a value in a record: ``$.a.b``, ``$['a b']``, ``$.a[0]``.

Macie's ``Record.jsonPath`` names one field or array element (it may be
truncated from the left when longer than 250 characters, and it is omitted
when a name in it is itself sensitive). ``parse`` returns the steps, or None
for anything it cannot read with certainty; the caller then masks the whole
record, never guesses.
"""

from __future__ import annotations

import re
from typing import Any

Step = str | int
MISSING = object()
"""What ``get`` returns for a path that does not exist."""

_STEP = re.compile(
    r"""\.(?P<name>[^.\[\]]+)"""  # .name
    r"""|\[(?P<index>\d+)\]"""  # [0]
    r"""|\[(?P<quote>['"])(?P<quoted>(?:\\.|(?!(?P=quote)).)*)(?P=quote)\]"""  # ['name'] or ["name"]
)


def parse(path: str | None) -> tuple[Step, ...] | None:
    if not path or not path.startswith("$"):
        return None
    steps: list[Step] = []
    position = 1
    while position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            return None
        if match.group("name") is not None:
            steps.append(match.group("name"))
        elif match.group("index") is not None:
            steps.append(int(match.group("index")))
        else:
            steps.append(re.sub(r"\\(.)", r"\1", match.group("quoted")))
        position = match.end()
    return tuple(steps) or None


def replace(document: Any, steps: tuple[Step, ...], value: Any) -> bool:
    """Set the value at ``steps`` inside ``document``; False when the path does not exist there."""
    target = document
    for step in steps[:-1]:
        target = _child(target, step)
        if target is MISSING:
            return False
    last = steps[-1]
    if isinstance(last, int) and isinstance(target, list) and 0 <= last < len(target):
        target[last] = value
        return True
    if isinstance(last, str) and isinstance(target, dict) and last in target:
        target[last] = value
        return True
    return False


def _child(node: Any, step: Step) -> Any:
    if isinstance(step, int):
        return node[step] if isinstance(node, list) and 0 <= step < len(node) else MISSING
    return node[step] if isinstance(node, dict) and step in node else MISSING


def get(document: Any, steps: tuple[Step, ...]) -> Any:
    """The value at ``steps``, or ``MISSING``."""
    node = document
    for step in steps:
        node = _child(node, step)
        if node is MISSING:
            return MISSING
    return node

