"""Read a stack's settings, from the stack file (CLI) or from pulumi.Config (program).

Both paths end in ``parse_settings``: the same model, the same errors. Only the
``mlgov:`` namespace is ours; ``aws:region`` is read for the provider region.
"""

from __future__ import annotations

import functools
import json
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Union

import yaml
from pydantic import ValidationError

from mlgov.config.errors import ConfigError, ConfigIssue, pydantic_issues
from mlgov.config.fields import SECRET_PLACEHOLDER, SecretText, is_secret
from mlgov.config.rules import stack_rules
from mlgov.config.stack_files import NAMESPACES, read_stack_file, stack_file
from mlgov.config.environment import EnvironmentStackConfig
from mlgov.config.org import OrgStackConfig
from mlgov.config.shared import SharedStackConfig
from mlgov.constants import CONFIG_NAMESPACE, StackKind

StackSettings = Union[OrgStackConfig, EnvironmentStackConfig, SharedStackConfig]

NS = CONFIG_NAMESPACE + ":"

# The model and the cross-value rules of each stack kind.
_MODELS: dict[str, type] = {
    StackKind.ORG: OrgStackConfig,
    StackKind.ENVIRONMENT: EnvironmentStackConfig,
    StackKind.SHARED: SharedStackConfig,
}


def parse_settings(
    stack: str, raw: dict[str, Any], source: str, stacks_dir: Path | None = None, provider: dict[str, Any] | None = None
) -> StackSettings:
    """Validate the ``mlgov:`` values of one stack (keys without the namespace).

    Environment stacks also read the project catalogue (``projectsFile``,
    relative to ``stacks_dir``); its mistakes are reported with the file name.
    ``provider`` holds the stack's ``aws:`` values (keys without the namespace)
    when they are known; the stack's region is then checked too.
    """
    kind = raw.get("kind")
    if "kind" not in raw:
        raise ConfigError(stack, source, [ConfigIssue(NS + "kind", "is missing; every stack file says what kind of stack it is", f"add 'mlgov:kind: <kind>' with one of {', '.join(_MODELS)}")])
    if not isinstance(kind, str) or kind not in _MODELS:
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
        issues += pydantic_issues(error, NS)
    issues += stack_rules(kind, raw, provider, settings)
    if issues:
        raise ConfigError(stack, source, issues)
    # The catalogue was validated on its own (errors named by file); attach it, do not validate it again.
    return settings.model_copy(update={"projects": projects}) if projects is not None else settings


def _read_projects(raw: dict[str, Any], stacks_dir: Path) -> tuple[list | None, list[ConfigIssue]]:
    """The project catalogue named by ``projectsFile``, validated, or the issues found in it."""
    from mlgov.config.projects import read_catalogue

    name = raw.get("projectsFile", "projects.yaml")
    if "projects" in raw:
        return None, [ConfigIssue(NS + "projects", "is read from the project catalogue, not set in the stack file", f"move the projects to {stacks_dir / str(name)}")]
    problem = catalogue_name_problem(name)
    if problem:
        return None, [ConfigIssue(NS + "projectsFile", problem, "name a YAML file in the stack files' folder, such as 'projects.yaml'", name)]
    path = stacks_dir / str(name)
    if not path.is_file():
        return None, [ConfigIssue(NS + "projectsFile", f"names {path}, which does not exist", "create the project catalogue or fix the file name", name)]
    return read_catalogue(path)


def catalogue_name_problem(name: Any) -> str | None:
    if is_secret(name):
        return "is a secret; the catalogue must be readable to plan"
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name.startswith("."):
        return "is not a file name in the stack files' folder"
    if not name.endswith((".yaml", ".yml")):
        return "is not a YAML file name (.yaml or .yml)"
    return None


def read_stack_config(path: Path, namespaces: tuple[str, ...] | None = NAMESPACES) -> dict[str, Any]:
    """The ``config:`` map of a stack file (``<namespace>:<name>`` keys, secure values hidden); ConfigError if its shape is wrong.

    ``namespaces=None`` for a project other than mlgov: its program may read any namespace.
    """
    stack = path.name.removeprefix("Pulumi.").removesuffix(".yaml")
    stack_file_read = read_stack_file(path, stack, namespaces)
    if stack_file_read.issues:
        raise ConfigError(stack, str(path), stack_file_read.issues)
    return stack_file_read.config


def namespace_values(config: dict[str, Any], namespace: str = CONFIG_NAMESPACE) -> dict[str, Any]:
    prefix = namespace + ":"
    return {key[len(prefix):]: value for key, value in config.items() if key.startswith(prefix)}


def load_stack_file(stacks_dir: Path, stack: str) -> StackSettings:
    return settings_from_config(stacks_dir, stack, read_stack_config(stack_file(stacks_dir, stack)))


def settings_from_config(stacks_dir: Path, stack: str, config: dict[str, Any]) -> StackSettings:
    """Validate a stack file's ``config:`` map that was already read."""
    return parse_settings(stack, namespace_values(config), str(stack_file(stacks_dir, stack)), stacks_dir, namespace_values(config, "aws"))


@functools.cache
def setting_names() -> tuple[str, ...]:
    """Every ``mlgov:`` key some stack kind takes (camelCase, as in the stack files)."""
    names = {field.alias or name for model in _MODELS.values() for name, field in model.model_fields.items()}
    return tuple(sorted(names - {"projects"}))


def load_from_pulumi() -> StackSettings:
    """Inside the Pulumi program: read the same keys through pulumi.Config."""
    import pulumi

    config = pulumi.Config(CONFIG_NAMESPACE)
    raw: dict[str, Any] = {}
    for key, value in _pulumi_namespace_items():
        raw[key] = _secrets_kept(config.get_object(key) if _looks_structured(value) else config.get(key))
    region = pulumi.Config("aws").get("region")
    provider = {"region": _secrets_kept(region)} if region else None
    return parse_settings(pulumi.get_stack(), raw, f"stack config of '{pulumi.get_stack()}'", _stacks_dir(), provider)


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


def _secrets_kept(value: Any) -> Any:
    """The offline engine hands the program "[secret]" for every secure value (it never decrypts them):
    mark them again, so the program's own validation lets them through unread, as the CLI's did."""
    if isinstance(value, str):
        return SecretText(value) if value == SECRET_PLACEHOLDER else value
    if isinstance(value, dict):
        return {key: _secrets_kept(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_secrets_kept(item) for item in value]
    return value


def _looks_structured(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return isinstance(json.loads(value), (dict, list))
    except ValueError:
        return False
