"""The one error the planner raises for anything but bad config (which is ``ConfigError``)."""


class PlanError(Exception):
    """A stack could not be planned; the message says which and why."""
