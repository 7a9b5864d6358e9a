"""Deterministic train/validation/test assignment.

A claim's split is stored in its record and never moves. A new claim joins the split
of the claims it is related to (so one fact never sits in two splits and leaks between
training and test); otherwise its id is hashed into 70/15/15 buckets. Hashing ignores
the verdict, so every verdict is spread over the splits in about those proportions:
a rough stratification that needs no rebalancing when claims are added.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from triaxis.models import Split

BOUNDS: tuple[tuple[float, Split], ...] = ((0.70, "train"), (0.85, "validation"), (1.0, "test"))


def hashed_split(key: str) -> Split:
    """The split that the hash of ``key`` falls into."""
    fraction = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") / 2**64
    return next(split for bound, split in BOUNDS if fraction < bound)


def split_for_group(claim_ids: Iterable[str], existing_splits: Iterable[Split]) -> Split:
    """The split for new claims of one related group: the split its older members already
    have, else the hash bucket of the group's smallest id (so the rule does not depend on
    the order in which claims arrive)."""
    existing = sorted(set(existing_splits))
    return existing[0] if existing else hashed_split(min(claim_ids))
