"""Deterministic, balanced peer-review assignment among capstone submitters. Pure.

Submitters are placed on a ring ordered by sha256(capstone uuid, enrolment id): an order nobody
chooses and that does not follow sign-up order, yet is the same every time. Each author is
reviewed by the next `k` submitters on the ring (k = reviewers per submission, at most n - 1), so
in one round everybody reviews exactly k peers and nobody reviews themselves. Pairs that already
exist are kept; running the assignment again only fills what is missing (late submitters).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence, Set


def ring_key(item_uuid: str, enrolment_id: int) -> str:
    return hashlib.sha256(f"{item_uuid}\0{enrolment_id}".encode()).hexdigest()


def assign(
    authors: Sequence[tuple[int, str]],
    per_submission: int,
    existing: Mapping[int, Set[int]] | None = None,
) -> list[tuple[int, int]]:
    """(author, reviewer) pairs to create; `authors` are (id, ring key) of every submitter."""
    ring = [author for author, _key in sorted(authors, key=lambda pair: (pair[1], pair[0]))]
    size = len(ring)
    wanted = min(per_submission, size - 1)
    existing = existing or {}
    plan: list[tuple[int, int]] = []
    for index, author in enumerate(ring):
        have = set(existing.get(author, ()))
        step = 1
        while len(have) < wanted and step < size:
            reviewer = ring[(index + step) % size]
            if reviewer not in have:
                plan.append((author, reviewer))
                have.add(reviewer)
            step += 1
    return plan
