"""Shared fixtures: one real sandbox pool for the whole grading test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from microcred.grading import GradeResult, Lab, grade_submission, load_lab
from microcred.grading.pool import ZygotePool

from ._paths import LAB_SLUGS, LABS_DIR


@pytest.fixture(scope="session")
def pool() -> Iterator[ZygotePool]:
    zygotes = ZygotePool(2)
    yield zygotes
    zygotes.close()


@pytest.fixture(scope="session")
def labs() -> dict[str, Lab]:
    return {slug: load_lab(LABS_DIR / slug) for slug in LAB_SLUGS}


@pytest.fixture(scope="session")
def grade(pool: ZygotePool, labs: dict[str, Lab]):  # type: ignore[no-untyped-def]
    def run(slug: str, source: str, learner: str = "tester", attempt: int = 1) -> GradeResult:
        return grade_submission(labs[slug], source, learner, attempt, pool=pool)

    return run
