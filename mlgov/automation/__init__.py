"""The Automation API layer: preview and apply mlgov's stacks from other programs.

``Platform`` wraps ``pulumi.automation`` (the real engine, when a Pulumi CLI is
installed) and the offline engine (``mlgov plan`` / ``mlgov diff``), with typed
results and typed errors. The HTTP service (``mlgov serve``) is built on it;
nothing here knows about HTTP.
"""

from mlgov.automation.errors import (
    AutomationError,
    EngineFailure,
    EngineUnavailableError,
    InvalidConfigError,
    PolicyViolationsError,
    StackBusyError,
    StackNotFoundError,
    StalePlanError,
)
from mlgov.automation.offline import OfflineEngine, OfflinePlanner
from mlgov.automation.platform import ENGINE_CHOICES, Engine, Platform, select_engine
from mlgov.automation.pulumi_engine import PulumiEngine, PulumiSettings, find_pulumi_root
from mlgov.automation.results import PolicyViolation, PreviewResult, Progress, ResourceChange, StackPreview, UpResult

__all__ = [
    "AutomationError", "ENGINE_CHOICES", "Engine", "EngineFailure", "EngineUnavailableError", "InvalidConfigError",
    "OfflineEngine", "OfflinePlanner", "Platform", "PolicyViolation", "PolicyViolationsError", "PreviewResult", "Progress",
    "PulumiEngine", "PulumiSettings", "ResourceChange", "StackBusyError", "StackNotFoundError", "StackPreview",
    "StalePlanError", "UpResult", "find_pulumi_root", "select_engine",
]
