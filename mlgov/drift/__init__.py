"""Drift between the planned organization (the org stack's plan) and the live one.

``live.read_live_org`` reads the organization through boto3 into a ``LiveOrg``
(an ``OrgView`` with live ids); ``compare.compare`` matches the two by names
(OU paths, account emails, policy names), since live ids never equal planned ids,
and returns ``Drift`` findings in a deterministic order. ``mlgov verify`` wires
them to the command line.
"""

from __future__ import annotations

from mlgov.drift.compare import DRIFT_KINDS, Drift, DriftReport, compare
from mlgov.drift.live import FULL_AWS_ACCESS_ID, LiveOrg, organizations_client, read_live_org

__all__ = [
    "DRIFT_KINDS",
    "Drift",
    "DriftReport",
    "FULL_AWS_ACCESS_ID",
    "LiveOrg",
    "compare",
    "organizations_client",
    "read_live_org",
]
