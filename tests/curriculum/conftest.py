"""Fixtures for the curriculum Django app: a synced copy of the minimal course."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

MINIMAL = Path(__file__).parent / "spec" / "fixtures" / "minimal"
SHIPPED = Path(__file__).resolve().parents[2] / "courses" / "applied-ml-dl"


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A writable copy of the minimal course, so tests can edit and re-sync it."""
    target = tmp_path / "minimal"
    shutil.copytree(MINIMAL, target)
    return target
