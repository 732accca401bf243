"""Pulumi entry point: load this stack's settings, build what its kind asks for."""

import pulumi

from mlgov.config import ConfigError, load_from_pulumi
from mlgov.programs import builder_for

try:
    settings = load_from_pulumi()
except ConfigError as error:
    # One readable message with every problem, not a Python traceback.
    raise pulumi.RunError(str(error)) from None

builder_for(settings.kind)(settings)
