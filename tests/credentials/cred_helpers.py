"""Shared constants and helpers of the credentials tests (imported by name, like spec_helpers)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from microcred.curriculum.spec import validate_course
from microcred.curriculum.spec.course import Course

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "courses" / "applied-ml-dl"
MINIMAL = ROOT / "tests" / "curriculum" / "spec" / "fixtures" / "minimal"
ISSUED_AT = datetime(2027, 7, 1, 10, 0, tzinfo=UTC)
NOW = datetime(2027, 8, 1, tzinfo=UTC)


def load(course_dir: Path) -> Course:
    result = validate_course(course_dir)
    assert result.ok, [d.format() for d in result.errors]
    return result.course
