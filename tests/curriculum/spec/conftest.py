"""Fixtures of the course-format tests; the helpers themselves are in `spec_helpers.py`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from spec_helpers import FIXTURES, CourseBuilder


@pytest.fixture
def make_course(tmp_path: Path) -> Callable[..., CourseBuilder]:
    """`make_course()` copies the minimal course; `make_course("seed-certificate")` another."""
    made: list[str] = []

    def make(name: str = "minimal") -> CourseBuilder:
        parent = tmp_path / f"copy{len(made)}"
        parent.mkdir()
        made.append(name)
        return CourseBuilder(FIXTURES / name, parent)

    return make


@pytest.fixture
def course(make_course: Callable[..., CourseBuilder]) -> CourseBuilder:
    """A fresh, valid copy of the minimal course."""
    return make_course()
