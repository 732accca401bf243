"""The scenario catalogue: requests as a user would describe them, with expected decisions.

The YAML (``scenarios.yaml`` beside this module) stays readable because the loader
fills in what every real request carries: ``aws:RequestedRegion`` (the default
region unless the scenario names another), ``aws:PrincipalArn`` and
``aws:PrincipalAccount`` and ``aws:ViaAWSService`` (false); a ``tags`` shortcut expands to ``aws:RequestTag/<key>``
plus ``aws:TagKeys``; ``{account}`` and ``{region}`` are substituted in resources,
principals and context values.

A scenario with an ``access`` block is about reading a bucket of another account:
its caller and bucket are named by what they are in the plans (``mlgov.scp.access``),
and the matrix evaluates SCPs, identity, bucket and key policies together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from mlgov.scp.access import AccessSpec
from mlgov.scp.evaluator import Request

Expectation = Literal["allowed", "denied"]
DEFAULT_CATALOGUE = "scenarios.yaml"


class ScenarioError(ValueError):
    """The scenario file is malformed; the message names the scenario and the field."""


@dataclass(frozen=True)
class Scenario:
    id: str
    description: str
    request: Request
    expected: Mapping[str, Expectation]
    access: AccessSpec | None = None
    """Caller and bucket from the plans: the decision takes identity, bucket and key policies into account."""


@dataclass(frozen=True)
class ScenarioCatalogue:
    ous: tuple[str, ...]
    scenarios: tuple[Scenario, ...]

    def access_stacks(self) -> tuple[str, ...]:
        """Stacks whose plans the access scenarios read."""
        return tuple(dict.fromkeys(stack for s in self.scenarios if s.access for stack in s.access.stacks))

    def scp_only(self) -> "ScenarioCatalogue":
        """The scenarios that need nothing but the org plan."""
        return ScenarioCatalogue(ous=self.ous, scenarios=tuple(s for s in self.scenarios if s.access is None))

    def by_id(self, scenario_id: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.id == scenario_id:
                return scenario
        raise KeyError(scenario_id)


def _fmt(value: Any, variables: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        try:
            return value.format_map(variables)
        except (KeyError, ValueError, IndexError) as exc:
            raise ScenarioError(f"cannot substitute {value!r}: {exc}") from exc
    if isinstance(value, list):
        return [_fmt(v, variables) for v in value]
    return value


def _context_value(value: Any, where: str) -> Any:
    if isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, list) and all(isinstance(v, (str, bool, int)) for v in value):
        return tuple(str(v) if not isinstance(v, bool) else ("true" if v else "false") for v in value)
    raise ScenarioError(f"{where}: context values must be strings, booleans, integers or lists of those")


def _parse_scenario(raw: Any, defaults: Mapping[str, Any], ous: Sequence[str], seen: set[str]) -> Scenario:
    if not isinstance(raw, Mapping):
        raise ScenarioError("every scenario must be a mapping")
    sid = raw.get("id")
    if not isinstance(sid, str) or not sid:
        raise ScenarioError(f"scenario without an id: {dict(raw)!r}")
    if sid in seen:
        raise ScenarioError(f"duplicate scenario id {sid!r}")
    seen.add(sid)
    unknown = set(raw) - {"id", "description", "request", "expected", "access"}
    if unknown:
        raise ScenarioError(f"{sid}: unknown fields {sorted(unknown)}")
    description = raw.get("description")
    if not isinstance(description, str) or not description:
        raise ScenarioError(f"{sid}: description is required")
    req = raw.get("request")
    if not isinstance(req, Mapping) or not isinstance(req.get("action"), str):
        raise ScenarioError(f"{sid}: request.action is required")
    unknown = set(req) - {"action", "resource", "principal", "region", "context", "tags"}
    if unknown:
        raise ScenarioError(f"{sid}: unknown request fields {sorted(unknown)}")

    region = str(req.get("region", defaults["region"]))
    variables = {"account": str(defaults["account"]), "region": region}
    principal = _fmt(str(req.get("principal", defaults["principal"])), variables)
    resource = _fmt(str(req.get("resource", "*")), variables)

    context: dict[str, Any] = {
        "aws:RequestedRegion": region,
        "aws:PrincipalArn": principal,
        "aws:PrincipalAccount": variables["account"],
        # Present on every signed request; false unless an AWS service forwards the call.
        "aws:ViaAWSService": False,
    }
    tags = req.get("tags") or {}
    if not isinstance(tags, Mapping):
        raise ScenarioError(f"{sid}: tags must be a mapping")
    for key, value in tags.items():
        context[f"aws:RequestTag/{key}"] = _fmt(str(value), variables)
    if tags:
        context["aws:TagKeys"] = tuple(str(k) for k in tags)
    raw_context = req.get("context") or {}
    if not isinstance(raw_context, Mapping):
        raise ScenarioError(f"{sid}: request.context must be a mapping")
    lowered = {k.lower(): k for k in context}
    for key, value in raw_context.items():
        if value is None:  # `key: null` removes a default
            context.pop(lowered.get(str(key).lower(), str(key)), None)
            continue
        context.pop(lowered.get(str(key).lower(), ""), None)
        context[str(key)] = _context_value(_fmt(value, variables), f"{sid}: context {key}")

    expected_raw = raw.get("expected")
    if not isinstance(expected_raw, Mapping) or not expected_raw:
        raise ScenarioError(f"{sid}: expected must map OU names to allowed|denied")
    expected: dict[str, Expectation] = {}
    for ou, verdict in expected_raw.items():
        if ou not in ous:
            raise ScenarioError(f"{sid}: unknown OU {ou!r} in expected; known: {', '.join(ous)}")
        if verdict not in ("allowed", "denied"):
            raise ScenarioError(f"{sid}: expected[{ou}] must be 'allowed' or 'denied', not {verdict!r}")
        expected[ou] = verdict
    return Scenario(
        id=sid,
        description=description,
        request=Request(action=req["action"], resource=resource, principal_arn=principal, context=context),
        expected=expected,
        access=_parse_access(sid, raw.get("access")),
    )


def _parse_access(sid: str, raw: Any) -> AccessSpec | None:
    if raw is None:
        return None
    shape = "access: {principal: {stack, project, role}, bucket: {stack, project, purpose}, key}"
    if not isinstance(raw, Mapping) or set(raw) - {"principal", "bucket", "key"}:
        raise ScenarioError(f"{sid}: {shape}")
    principal, bucket = raw.get("principal"), raw.get("bucket")
    fields = {"principal": ("stack", "project", "role"), "bucket": ("stack", "project", "purpose")}
    for name, block in (("principal", principal), ("bucket", bucket)):
        if not isinstance(block, Mapping) or set(block) != set(fields[name]) or not all(isinstance(v, str) and v for v in block.values()):
            raise ScenarioError(f"{sid}: access.{name} needs exactly {', '.join(fields[name])} (strings); {shape}")
    key = raw.get("key", "")
    if not isinstance(key, str):
        raise ScenarioError(f"{sid}: access.key must be an object key")
    return AccessSpec(
        principal_stack=principal["stack"], principal_project=principal["project"], role=principal["role"],
        bucket_stack=bucket["stack"], bucket_project=bucket["project"], bucket_purpose=bucket["purpose"], key=key,
    )


def parse_catalogue(data: Any) -> ScenarioCatalogue:
    if not isinstance(data, Mapping):
        raise ScenarioError("the scenario file must be a mapping with defaults, ous and scenarios")
    defaults = {
        "account": "111122223333",
        "region": "eu-west-1",
        "principal": "arn:aws:iam::{account}:role/DataScientist",
        **(data.get("defaults") or {}),
    }
    ous = tuple(str(o) for o in data.get("ous") or ())
    if not ous:
        raise ScenarioError("ous: list the OUs the matrix covers")
    raw_scenarios = data.get("scenarios")
    if not isinstance(raw_scenarios, list) or not raw_scenarios:
        raise ScenarioError("scenarios: at least one scenario is required")
    seen: set[str] = set()
    scenarios = tuple(_parse_scenario(raw, defaults, ous, seen) for raw in raw_scenarios)
    return ScenarioCatalogue(ous=ous, scenarios=scenarios)


def load_catalogue(path: str | Path | None = None) -> ScenarioCatalogue:
    """Load ``path``, or the catalogue shipped with mlgov when no path is given."""
    try:
        if path is None:
            text = resources.files("mlgov.scp").joinpath(DEFAULT_CATALOGUE).read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(f"scenario file is not valid YAML: {exc}") from exc
    return parse_catalogue(data)
