"""Run the Node oracle (``simulate.mjs``, @cloud-copilot/iam-simulate) from Python tests.

One Node process per batch. Missing node_modules is a test *failure*, not a skip:
the oracle is part of CI (``npm ci --prefix tests/oracle``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlgov.scp.evaluator import Level, Request

ORACLE_DIR = Path(__file__).resolve().parent
SCRIPT = ORACLE_DIR / "simulate.mjs"
MODULE = ORACLE_DIR / "node_modules" / "@cloud-copilot" / "iam-simulate"

RESULT_OF_REASON = {"allowed": "Allowed", "explicit-deny": "ExplicitlyDenied", "no-allow": "ImplicitlyDenied"}


class OracleUnavailable(AssertionError):
    pass


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise OracleUnavailable("node is not on PATH: the SCP oracle needs Node 20+")
    if not MODULE.is_dir():
        raise OracleUnavailable("the SCP oracle is not installed: run npm ci --prefix tests/oracle")
    return node


def _run(payload: Any, timeout: float = 120) -> Any:
    proc = subprocess.run(
        [_node(), str(SCRIPT)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=ORACLE_DIR,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise OracleUnavailable(f"oracle failed (exit {proc.returncode}): {proc.stderr.strip()[:2000]}")
    return json.loads(proc.stdout)


def _context_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return [_context_value(v) for v in value]
    return str(value)


def case(request: Request, levels: Sequence[Level]) -> dict[str, Any]:
    return {
        "scps": [[{"name": p.name, "document": p.document} for p in level.policies] for level in levels],
        "request": {
            "action": request.action,
            "resource": request.resource,
            "principal": request.principal_arn,
            "context": {k: _context_value(v) for k, v in request.context.items()},
        },
    }


def simulate(cases: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Decisions for ``cases`` (see :func:`case`), in order, from one Node process."""
    if not cases:
        return []
    out = _run(list(cases))
    assert len(out) == len(cases), "oracle returned a different number of answers"
    return out


def sample_resources(actions: Sequence[str], region: str = "eu-west-1", account: str = "111122223333") -> dict[str, str | None]:
    """An ARN each action accepts ("*" for wildcard-only actions, None for unknown actions)."""
    return _run({"sampleResources": list(actions), "region": region, "account": account})
