"""Read a stack's settings, from the stack file (CLI) or from pulumi.Config (program).

Both paths end in ``parse_settings``: the same model, the same errors. Only the
``mlgov:`` namespace is ours; ``aws:region`` is read for the provider region.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from collections.abc import Callable
from pathlib import Path
from typing import Any, Union

import yaml
from pydantic import ValidationError

from mlgov.config.errors import ConfigError, ConfigIssue
from mlgov.config.environment import EnvironmentStackConfig, ProjectCatalogue
from mlgov.config.org import OrgStackConfig
from mlgov.config.shared import SharedStackConfig, check_shared
from mlgov.config.control_tower import check_control_tower
from mlgov.config.references import (
    check_core_accounts,
    check_guardrail_targets,
    check_identity_center,
    check_ou_tree,
    check_regions,
    core_account_ous,
    ou_parents,
)
from mlgov.constants import CONFIG_NAMESPACE, ENVIRONMENT_OU, Environment, StackKind

StackSettings = Union[OrgStackConfig, EnvironmentStackConfig, SharedStackConfig]

NS = CONFIG_NAMESPACE + ":"
SECRET_PLACEHOLDER = "[secret]"

# The model and the cross-value rules of each stack kind.
_MODELS: dict[str, type] = {
    StackKind.ORG: OrgStackConfig,
    StackKind.ENVIRONMENT: EnvironmentStackConfig,
    StackKind.SHARED: SharedStackConfig,
}


def _buildable_guardrails(raw: dict[str, Any]) -> list[str]:
    """Guardrail keys the catalogue builds for these settings: what an attachment override may name."""
    from mlgov.guardrails import guardrail_keys
    from mlgov.guardrails.catalogue import INSTANCE_TYPES_KEY_PREFIX, instance_types_key

    keys = [key for key in guardrail_keys() if not key.startswith(INSTANCE_TYPES_KEY_PREFIX)]
    instance_types = raw.get("sagemakerInstanceTypes")
    if isinstance(instance_types, dict):
        keys += [instance_types_key(ENVIRONMENT_OU[Environment(env)]) for env in instance_types if env in set(Environment)]
    if raw.get("networkIsolationEnvironments") == []:
        keys.remove("sagemaker-require-network-isolation")
    return keys


def _org_rules(raw: dict[str, Any]) -> list[ConfigIssue]:
    return (
        check_ou_tree(raw) + check_core_accounts(raw) + check_regions(raw) + check_guardrail_targets(raw, _buildable_guardrails(raw))
        + check_control_tower(raw, ou_parents(raw), core_account_ous(raw)) + check_identity_center(raw)
    )


_RULES: dict[str, Callable[[dict[str, Any]], list[ConfigIssue]]] = {
    StackKind.ORG: _org_rules,
    StackKind.ENVIRONMENT: lambda raw: [],
    StackKind.SHARED: check_shared,
}


def _pydantic_issues(error: ValidationError, prefix: str = NS) -> list[ConfigIssue]:
    issues = []
    for detail in error.errors():
        path = prefix + _format_loc(detail["loc"])
        fix = (detail.get("ctx") or {}).get("fix") or _generic_fix(detail)
        problem = detail["msg"]
        issues.append(ConfigIssue(path, problem, fix, detail.get("input")))
    return issues


def _format_loc(loc: tuple) -> str:
    text = ""
    for part in loc:
        if part == "[key]":
            continue  # pydantic's marker for "the key of this mapping entry": the path already names it
        if isinstance(part, int):
            text += f"[{part}]"
        elif "[" in str(part) or "." in str(part) or ":" in str(part):
            text += f"[{part!r}]" if text else str(part)
        else:
            text += f".{part}" if text else str(part)
    return text


def _generic_fix(detail: dict) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    if kind == "missing":
        return "add this key"
    if kind == "extra_forbidden":
        return "remove this key, or check its spelling against the README's config reference"
    if kind in ("enum", "literal_error"):
        return f"use one of {ctx.get('expected', 'the documented values')}"
    if kind in ("too_short", "too_long"):
        return "change the number of entries to fit"
    if kind == "string_pattern_mismatch":
        return f"use a value matching {ctx.get('pattern')}"
    return "correct the value as the README's config reference describes"


def parse_settings(stack: str, raw: dict[str, Any], source: str, stacks_dir: Path | None = None) -> StackSettings:
    """Validate the ``mlgov:`` values of one stack (keys without the namespace).

    Environment stacks also read the project catalogue (``projectsFile``,
    relative to ``stacks_dir``); its mistakes are reported with the file name.
    """
    kind = raw.get("kind")
    if kind not in _MODELS:
        raise ConfigError(stack, source, [ConfigIssue(NS + "kind", "is not a stack kind", f"set it to one of {', '.join(_MODELS)}", kind)])
    issues: list[ConfigIssue] = []
    projects = None
    # Both read the one project catalogue; the shared stack needs it to know which projects exist.
    if kind in (StackKind.ENVIRONMENT, StackKind.SHARED):
        projects, issues = _read_projects(raw, stacks_dir or Path("stacks"))
    settings = None
    try:
        settings = _MODELS[kind].model_validate(raw)
    except ValidationError as error:
        issues += _pydantic_issues(error)
    issues += _RULES[kind](raw)
    if issues:
        raise ConfigError(stack, source, issues)
    # The catalogue was validated on its own (errors named by file); attach it, do not validate it again.
    return settings.model_copy(update={"projects": projects}) if projects is not None else settings


def _read_projects(raw: dict[str, Any], stacks_dir: Path) -> tuple[list | None, list[ConfigIssue]]:
    """The project catalogue named by ``projectsFile``, validated, or the issues found in it."""
    from mlgov.config.projects import check_projects

    name = raw.get("projectsFile", "projects.yaml")
    if "projects" in raw:
        return None, [ConfigIssue(NS + "projects", "is read from the project catalogue, not set in the stack file", f"move the projects to {stacks_dir / str(name)}")]
    path = stacks_dir / str(name)
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        return None, [ConfigIssue(NS + "projectsFile", f"names {path}, which does not exist", "create the project catalogue or fix the file name", name)]
    except yaml.YAMLError as error:
        return None, [ConfigIssue(f"{path.name}", f"is not valid YAML: {error}", "fix the YAML syntax")]
    prefix = f"{path.name}: "
    issues = check_projects(document, prefix)
    try:
        catalogue = ProjectCatalogue.model_validate(document)
    except ValidationError as error:
        return None, issues + _pydantic_issues(error, prefix)
    return catalogue.projects, issues


def stack_file(stacks_dir: Path, stack: str) -> Path:
    return stacks_dir / f"Pulumi.{stack}.yaml"


def read_stack_config(path: Path) -> dict[str, Any]:
    """The ``config:`` map of a stack file, with secure values replaced by a placeholder."""
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise ConfigError(path.name.removeprefix("Pulumi.").removesuffix(".yaml"), str(path), [ConfigIssue("(file)", f"is not valid YAML: {error}", "fix the YAML syntax")]) from None
    config = document.get("config") or {}
    return {key: _unsecure(value) for key, value in config.items()}


def _unsecure(value: Any) -> Any:
    # Secrets stay encrypted in the file; the offline engine never needs their value.
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER
        return {key: _unsecure(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unsecure(item) for item in value]
    return value


def namespace_values(config: dict[str, Any]) -> dict[str, Any]:
    return {key[len(NS):]: value for key, value in config.items() if key.startswith(NS)}


def load_stack_file(stacks_dir: Path, stack: str) -> StackSettings:
    return settings_from_config(stacks_dir, stack, read_stack_config(stack_file(stacks_dir, stack)))


def settings_from_config(stacks_dir: Path, stack: str, config: dict[str, Any]) -> StackSettings:
    """Validate a stack file's ``config:`` map that was already read."""
    return parse_settings(stack, namespace_values(config), str(stack_file(stacks_dir, stack)), stacks_dir)


def load_from_pulumi() -> StackSettings:
    """Inside the Pulumi program: read the same keys through pulumi.Config."""
    import pulumi

    config = pulumi.Config(CONFIG_NAMESPACE)
    raw: dict[str, Any] = {}
    for key, value in _pulumi_namespace_items():
        raw[key] = config.get_object(key) if _looks_structured(value) else config.get(key)
    return parse_settings(pulumi.get_stack(), raw, f"stack config of '{pulumi.get_stack()}'", _stacks_dir())


# The offline engine may plan stack files from another folder (--stacks-dir);
# it sets this so the program reads the same files the CLI validated.
STACK_CONFIG_DIR: ContextVar[Path | None] = ContextVar("mlgov_stack_config_dir", default=None)


def _stacks_dir() -> Path:
    """The project's stackConfigDir: the language host runs the program in the project folder."""
    from pulumi.runtime.settings import get_root_directory

    override = STACK_CONFIG_DIR.get()
    if override is not None:
        return override
    root = Path(get_root_directory() or ".")
    try:
        project = yaml.safe_load((root / "Pulumi.yaml").read_text()) or {}
    except (FileNotFoundError, yaml.YAMLError):
        project = {}
    return root / str(project.get("stackConfigDir") or ".")


def _pulumi_namespace_items():
    from pulumi.runtime.config import CONFIG, get_config_env

    merged = {**get_config_env(), **CONFIG.get()}
    for key, value in merged.items():
        if key.startswith(NS):
            yield key[len(NS):], value


def _looks_structured(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return isinstance(json.loads(value), (dict, list))
    except ValueError:
        return False
