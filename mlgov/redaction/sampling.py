"""Uniform subsampling of rows, seeded per object (privacy amplification by subsampling).

Each row is kept with probability ``rate``, independently, from a generator
seeded once per object. The seed is written into the manifest, so the same
sample can be drawn again from the same source to audit it.
"""

from __future__ import annotations

import hashlib
import random

from mlgov.redaction.findings import ObjectRef


def object_seed(source: ObjectRef) -> int:
    """A 63-bit seed from the object's identity (bucket, key, version): one sample per object version."""
    identity = f"{source.bucket}/{source.key}@{source.version_id or source.etag or ''}"
    return int.from_bytes(hashlib.sha256(identity.encode()).digest()[:8], "big") >> 1


class Sampler:
    def __init__(self, rate: float, seed: int):
        if not 0 < rate <= 1:
            raise ValueError(f"sample rate must be in (0, 1], not {rate}")
        self.rate = rate
        self.seed = seed
        self._random = random.Random(seed).random

    def keep(self) -> bool:
        """Draws once per row, kept or not, so the sample depends only on the seed and the row's position."""
        return self._random() < self.rate
