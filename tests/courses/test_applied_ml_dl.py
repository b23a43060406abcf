"""The shipped course is the canonical example: it must stay clean and complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from microcred.curriculum.spec import validate_course

COURSE = Path(__file__).parents[2] / "courses" / "applied-ml-dl"


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return validate_course(COURSE)


def test_validates_with_zero_errors_and_zero_warnings(result) -> None:  # type: ignore[no-untyped-def]
    assert [d.format() for d in result.diagnostics] == []


def test_matches_the_seed_certificate(result) -> None:  # type: ignore[no-untyped-def]
    spec = result.course.description
    assert spec.title["en"] == "Applied Machine Learning and Deep Learning"
    assert spec.workload.ects == 6
    assert spec.workload.total_hours == 150
    assert spec.workload.theoretical.hours == 52
    assert spec.workload.practical.hours == 98
    assert spec.level.eqf == 7
    assert spec.admission.qualification == "bachelor"
    assert spec.admission.eqf_level == 6
    assert [(c.id, c.weight) for c in spec.assessment.components] == [
        ("programming-assignments", 30),
        ("final-project", 45),
        ("written-exam", 25),
    ]
    assert [o.id for o in spec.learning_outcomes] == ["LO1", "LO2", "LO3", "LO4", "LO5"]
    assert len(result.course.modules) == 6


def test_every_module_lists_lessons_and_has_its_first_lesson_written(result) -> None:  # type: ignore[no-untyped-def]
    for module in result.course.modules:
        assert len(module.lessons) >= 3, module.slug
        first = module.lessons[0]
        assert first.spec.status == "published", module.slug
        notes = first.folder / "notes.md"
        assert notes.is_file(), notes
        assert len(notes.read_text(encoding="utf-8").split()) >= 800, notes


def test_every_outcome_is_assessed(result) -> None:  # type: ignore[no-untyped-def]
    assessed: set[str] = set()
    for lab in result.course.labs:
        assessed.update(lab.spec.outcomes)
    capstone = result.course.capstone
    assert capstone is not None
    for criterion in capstone.spec.rubric:
        assessed.update(criterion.outcomes)
    exam = result.course.exam
    assert exam is not None
    for item in exam.spec.items:
        assessed.update(item.outcomes)
    assert assessed >= {"LO1", "LO2", "LO3", "LO4", "LO5"}
