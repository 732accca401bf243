"""Typed stack settings: one pydantic model per stack kind, one loader, one error type."""

from mlgov.config.errors import ConfigError, ConfigIssue
from mlgov.config.loader import StackSettings, load_from_pulumi, load_stack_file, parse_settings

__all__ = ["ConfigError", "ConfigIssue", "StackSettings", "load_from_pulumi", "load_stack_file", "parse_settings"]
