"""A stack file, ``Pulumi.<stack>.yaml``, read the way Pulumi reads it.

Pulumi takes config keys as ``<namespace>:<name>`` (or the older
``<namespace>:config:<name>``) and refuses any other form. A key in a namespace
nothing reads, such as a typo of ``mlgov``, would be dropped silently; here it
is refused, as are misspelt top-level keys (``confg:`` would drop every setting)
and ``aws:`` keys the AWS provider does not have. Secure values are never
decrypted: they become ``SecretText`` ("[secret]").
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgov.config.errors import ConfigIssue, format_path
from mlgov.config.fields import SECRET_PLACEHOLDER, SecretText
from mlgov.config.yaml_files import YamlFileError, load_yaml
from mlgov.constants import CONFIG_NAMESPACE

STACK_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")
"""Top-level keys of a Pulumi stack file (ProjectStack in pulumi/sdk/go/common/workspace/project.go)."""
AWS_NAMESPACE = "aws"
PULUMI_NAMESPACE = "pulumi"
NAMESPACES = (CONFIG_NAMESPACE, AWS_NAMESPACE, PULUMI_NAMESPACE)
"""Namespaces something reads: mlgov's settings, the AWS provider (pulumi-aws, the only provider the
program uses) and the engine's own ('pulumi:disable-default-providers', 'pulumi:tags')."""

SECRET = SecretText(SECRET_PLACEHOLDER)


def stack_file(stacks_dir: Path, stack: str) -> Path:
    return stacks_dir / f"Pulumi.{stack}.yaml"


@dataclass
class StackFile:
    """One stack file: its ``config:`` map (keys as ``<namespace>:<name>``, secrets hidden) and what is wrong with its shape."""

    stack: str
    path: Path
    config: dict[str, Any] = field(default_factory=dict)
    issues: list[ConfigIssue] = field(default_factory=list)
    readable: bool = True
    """False when the file could not be read as a map of settings at all (then ``config`` is empty)."""

    def values(self, namespace: str = CONFIG_NAMESPACE) -> dict[str, Any]:
        """Values of one namespace, keyed without it."""
        prefix = namespace + ":"
        return {key[len(prefix):]: value for key, value in self.config.items() if key.startswith(prefix)}


def config_path(parts: list[Any]) -> str:
    """Key path of a node in a stack file: config keys as written (``mlgov:organization.homeRegion``)."""
    if len(parts) > 1 and parts[0] == "config":
        return format_path(parts[1:])
    return format_path(parts)


def read_stack_file(path: Path, stack: str, namespaces: tuple[str, ...] | None = NAMESPACES) -> StackFile:
    """Read and shape-check a stack file; content problems are in ``issues`` (never raised).

    ``namespaces``: the config namespaces something reads (mlgov's own project), or None for any
    other Pulumi project, whose program may read any namespace (only the key form is checked).
    """
    result = StackFile(stack, path)
    try:
        document = load_yaml(path, config_path)
    except YamlFileError as error:
        result.issues += error.issues
        result.readable = False
        return result
    if document is None:
        return result
    if not isinstance(document, dict):
        result.readable = False
        result.issues.append(ConfigIssue(path.name, f"holds {_kind(document)} at the top level; a stack file is a map with a 'config' key", "start the file with 'config:' and indent the settings under it"))
        return result
    for key in document:
        if key not in STACK_FILE_KEYS:
            close = difflib.get_close_matches(str(key), STACK_FILE_KEYS, n=1)
            hint = f"'{close[0]}'" if close else "one of " + ", ".join(STACK_FILE_KEYS)
            result.issues.append(ConfigIssue(format_path([key]), "is not a key of a Pulumi stack file", f"use {hint} (settings go under 'config:')"))
    config = document.get("config")
    if config is None:
        return result
    if not isinstance(config, dict):
        result.readable = False
        result.issues.append(ConfigIssue("config", f"holds {_kind(config)}; it must be a map of '<namespace>:<key>: value' entries", "write one setting per line, such as 'mlgov:kind: org'"))
        return result
    for key, value in config.items():
        name = _config_key(key, result.issues, namespaces)
        if name is None:
            continue
        if name in result.config:
            result.issues.append(ConfigIssue(format_path([str(key)]), f"sets {name} a second time (Pulumi reads '<namespace>:config:<name>' as '<namespace>:<name>')", "keep one of the two entries"))
        result.config[name] = _hide_secrets(value)
    return result


def _config_key(key: Any, issues: list[ConfigIssue], namespaces: tuple[str, ...] | None) -> str | None:
    """``<namespace>:<name>`` as Pulumi parses it (``<namespace>:config:<name>`` is the older form), or None after an issue."""
    text = str(key)
    parts = text.split(":")
    if len(parts) == 3 and parts[1] == "config":
        parts = [parts[0], parts[2]]
    if len(parts) != 2 or not all(parts):
        guess = _closest_setting(parts[-1]) if parts[-1] else None
        fix = f"write it as '{CONFIG_NAMESPACE}:{guess}'" if guess else f"write it as '<namespace>:<name>', such as '{CONFIG_NAMESPACE}:kind'"
        issues.append(ConfigIssue(format_path([text]), "is not a Pulumi config key; Pulumi reads only '<namespace>:<name>' keys", fix))
        return None
    namespace, name = parts
    if namespaces is None:
        return f"{namespace}:{name}"
    if namespace not in namespaces:
        close = difflib.get_close_matches(namespace.lower(), namespaces, n=1, cutoff=0.5)
        fix = f"write '{close[0]}:{name}'" if close else f"use the namespace {CONFIG_NAMESPACE} (or {AWS_NAMESPACE} for the AWS provider)"
        issues.append(ConfigIssue(format_path([text]), f"is in the namespace '{namespace}', which nothing reads, so the setting would be ignored", fix))
        return None
    if namespace == AWS_NAMESPACE and name not in aws_provider_keys():
        close = difflib.get_close_matches(name, sorted(aws_provider_keys()), n=1)
        fix = f"write 'aws:{close[0]}'" if close else "remove it; see the AWS provider's configuration reference"
        issues.append(ConfigIssue(format_path([text]), "is not a configuration key of the AWS provider (pulumi-aws)", fix))
        return None
    return f"{namespace}:{name}"


def _closest_setting(name: str) -> str | None:
    from mlgov.config.loader import setting_names

    close = difflib.get_close_matches(name, setting_names(), n=1, cutoff=0.6)
    return close[0] if close else None


@functools.cache
def aws_provider_keys() -> frozenset[str]:
    """Config keys of the installed AWS provider SDK (``pulumi_aws/config/vars.py``, read as text: importing it needs a running program)."""
    spec = importlib.util.find_spec("pulumi_aws")
    assert spec is not None and spec.origin is not None, "pulumi_aws is a runtime requirement"
    source = (Path(spec.origin).parent / "config" / "vars.py").read_text()
    return frozenset(re.findall(r"__config__\.get\w*\('(\w+)'\)", source))


def _hide_secrets(value: Any) -> Any:
    # Secrets stay encrypted in the file; the offline engine never needs their value.
    if isinstance(value, dict):
        if set(value) == {"secure"} and isinstance(value["secure"], str):
            return SECRET
        return {key: _hide_secrets(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_hide_secrets(item) for item in value]
    return value


def _kind(value: Any) -> str:
    return {list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}.get(type(value), type(value).__name__)
