"""The versions of a Service Catalog product, as a manifest beside its templates.

A Product's first provisioning artifact is part of the Product itself, and the AWS
provider replaces the whole Product when it changes (``provisioning_artifact_parameters``
is ForceNew in terraform-provider-aws ``internal/service/servicecatalog/product.go``):
every provisioned product would lose its product. So a published version never changes.
A new template is a new version (``servicecatalog.ProvisioningArtifact``), and an old one
is withdrawn deliberately (``active`` / ``guidance``), never silently replaced.

Each entry records the sha256 of its template: a template edited after publication is
refused before anything deploys.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MANIFEST = "versions.yaml"
GUIDANCES = ("DEFAULT", "DEPRECATED")
# ProvisioningArtifactProperties: names have no spaces; names and descriptions at most 8,192 characters.
_NAME = re.compile(r"^\S{1,8192}$")
DESCRIPTION_MAX = 8192


@dataclass(frozen=True)
class TemplateVersion:
    name: str
    """Version name shown to users (e.g. ``v2``); no spaces."""
    text: str
    """The CloudFormation template."""
    description: str
    """What this version changes."""
    active: bool = True
    """False: users can neither launch nor update from this version."""
    guidance: str = "DEFAULT"
    """``DEPRECATED``: provisioned products may update, nobody launches it anew."""

    @property
    def digest(self) -> str:
        """sha256 of the template: names its uploaded object, so a new content is a new object."""
        return hashlib.sha256(self.text.encode()).hexdigest()


class VersionError(ValueError):
    pass


def load_versions(directory: Path) -> tuple[TemplateVersion, ...]:
    """Every version listed in ``directory/versions.yaml``, oldest first; all errors at once."""
    manifest = directory / MANIFEST
    entries = yaml.safe_load(manifest.read_text())
    if not isinstance(entries, list) or not entries:
        raise VersionError(f"{manifest}: must list at least one version (name, file, sha256, description)")
    errors: list[str] = []
    versions: list[TemplateVersion] = []
    for index, entry in enumerate(entries):
        where = f"{manifest.name}[{index}]"
        version = _version(directory, entry, where, errors)
        if version is not None:
            versions.append(version)
    errors.extend(check_versions(tuple(versions)))
    if errors:
        raise VersionError(f"{manifest}: " + "; ".join(errors))
    return tuple(versions)


def _version(directory: Path, entry: Any, where: str, errors: list[str]) -> TemplateVersion | None:
    if not isinstance(entry, dict):
        errors.append(f"{where}: must be a mapping with name, file, sha256 and description")
        return None
    missing = [key for key in ("name", "file", "sha256", "description") if not entry.get(key)]
    if missing:
        errors.append(f"{where}: missing {', '.join(missing)}")
        return None
    path = directory / str(entry["file"])
    if not path.is_file():
        errors.append(f"{where}.file: '{entry['file']}' does not exist in {directory.name}/")
        return None
    version = TemplateVersion(
        name=str(entry["name"]),
        text=path.read_text(),
        description=str(entry["description"]),
        active=entry.get("active", True),
        guidance=entry.get("guidance", "DEFAULT"),
    )
    if version.digest != entry["sha256"]:
        errors.append(
            f"{where}.sha256: '{entry['file']}' changed after it was published (sha256 is now {version.digest}); "
            "a published version never changes: restore it and add the new template as a new version"
        )
    return version


def check_versions(versions: tuple[TemplateVersion, ...]) -> list[str]:
    """What AWS or the product's history would refuse in a list of versions."""
    errors = []
    if not versions:
        return ["a product needs at least one version"]
    seen: set[str] = set()
    for index, version in enumerate(versions):
        where = f"version '{version.name}'"
        if not _NAME.match(version.name):
            errors.append(f"{where}: names have no spaces and at most 8,192 characters")
        if version.name in seen:
            errors.append(f"{where}: listed twice")
        seen.add(version.name)
        if len(version.description) > DESCRIPTION_MAX:
            errors.append(f"{where}: description has {len(version.description)} characters, at most {DESCRIPTION_MAX}")
        if version.guidance not in GUIDANCES:
            errors.append(f"{where}: guidance '{version.guidance}' is not one of {', '.join(GUIDANCES)}")
        if not isinstance(version.active, bool):
            errors.append(f"{where}: active must be true or false")
        if index == 0 and (version.active is not True or version.guidance != "DEFAULT"):
            errors.append(
                f"{where}: the first version is the product's own artifact and cannot be withdrawn from here; "
                "use 'aws servicecatalog update-provisioning-artifact' for it"
            )
    if not any(v.active is True for v in versions):
        errors.append("every version is inactive: users could launch nothing")
    return errors
