"""The minimal course is the reference for a complete, valid course: it must stay spotless."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml
from spec_helpers import MINIMAL, CourseBuilder

from microcred.curriculum.spec import validate_course
from microcred.curriculum.spec.model import Microcredential

ESCO_CSV = (
    Path(__file__).parents[3]
    / "src"
    / "microcred"
    / "specdata"
    / "esco"
    / "esco_skills_ml_ds_software.csv"
)


def test_minimal_course_has_no_errors_and_no_warnings() -> None:
    result = validate_course(MINIMAL)
    assert [d.format() for d in result.diagnostics] == []
    assert result.ok
    assert result.errors == []
    assert result.warnings == []


def test_minimal_course_loads_every_part() -> None:
    course = validate_course(MINIMAL).course
    assert course.description is not None
    assert course.description.id == "minimal"
    assert [m.slug for m in course.modules] == ["01-first-steps"]
    assert [lesson.slug for lesson in course.modules[0].lessons] == ["01-what-is-learning"]
    assert course.modules[0].quiz is not None
    assert [lab.slug for lab in course.labs] == ["01-mean-baseline"]
    assert course.exam is not None
    assert len(course.exam.spec.items) == 3
    assert course.capstone is not None


def test_minimal_course_sets_every_required_field() -> None:
    """Every required top-level key of microcredential.yaml is written out in the fixture."""
    data = yaml.safe_load((MINIMAL / "microcredential.yaml").read_text(encoding="utf-8"))
    required = {name for name, info in Microcredential.model_fields.items() if info.is_required()}
    assert required <= set(data)


def test_minimal_course_uses_real_esco_skills_with_their_preferred_labels() -> None:
    with ESCO_CSV.open(encoding="utf-8") as handle:
        labels = {row["conceptUri"]: row["preferredLabel"] for row in csv.DictReader(handle)}
    description = validate_course(MINIMAL).course.description
    assert description is not None
    for outcome in description.learning_outcomes:
        for skill in outcome.esco_skills:
            assert labels.get(skill.uri) == skill.label


def test_a_copy_validates_like_the_original(course: CourseBuilder) -> None:
    assert course.located() == []
    assert course.display("microcredential.yaml") == "minimal/microcredential.yaml"
