"""A policy violation, as the policy pack reports it and plans carry it.

Its own module, below both the engine (plans carry violations) and the policy
runner (which produces them), so neither imports the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    policy: str
    level: str
    urn: str
    message: str
