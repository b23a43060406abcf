"""The seed certificate (000) expressed in the course format, with its two known defects.

The seed states "EQF Level: 9" (the EQF stops at 8) and admits "Bachelor's degree (EQF
Level 8 or equivalent)" (a Bachelor's degree is EQF 6). The validator must find exactly
these two errors - no more, no less, no warnings - and the course must be clean once they
are corrected, which shows the rest of the seed is expressed without defects.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spec_helpers import SEED_CERTIFICATE, CourseBuilder, located

from microcred.curriculum.spec import validate_course
from microcred.curriculum.spec.localize import localized
from microcred.skills.esco import shipped_subset

MC = "microcredential.yaml"


@pytest.fixture
def seed(make_course: Callable[..., CourseBuilder]) -> CourseBuilder:
    return make_course("seed-certificate")


def test_seed_certificate_has_exactly_its_two_known_defects(seed: CourseBuilder) -> None:
    result = seed.validate()
    admission_level = seed.line(MC, "qualification: bachelor") + 1
    assert located(result) == [
        ("MC102", "error", *seed.at(MC, "  eqf: 9", "9"), "level.eqf"),
        (
            "MC103",
            "error",
            "seed-certificate/microcredential.yaml",
            admission_level,
            14,
            "admission.eqf_level",
        ),
    ]
    assert result.warnings == []
    level, admission = result.errors
    assert level.message == "EQF level 9 does not exist"
    assert admission.message == "a Bachelor's degree is EQF level 6, not 8"
    assert admission.hint == "set admission.eqf_level to 6"


def test_seed_certificate_is_clean_once_both_defects_are_fixed(seed: CourseBuilder) -> None:
    seed.replace(MC, "  eqf: 9", "  eqf: 7")
    seed.replace(MC, "  eqf_level: 8", "  eqf_level: 6")
    assert seed.located() == []


def test_fixing_only_the_level_leaves_only_the_admission_error(seed: CourseBuilder) -> None:
    seed.replace(MC, "  eqf: 9", "  eqf: 7")
    # EQF 8 admission is now also above the level 7 programme: a warning, not a new error
    assert [(d[0], d[1], d[5]) for d in seed.located()] == [
        ("MC103", "error", "admission.eqf_level"),
        ("MC104", "warning", "admission.eqf_level"),
    ]


def test_seed_certificate_keeps_the_seed_facts() -> None:
    course = validate_course(SEED_CERTIFICATE).course
    spec = course.description
    assert spec is not None
    assert localized(spec.title, "en") == "Applied Machine Learning and Deep Learning"
    assert spec.provider.unit == "Department of Computer Science"
    assert spec.language_of_instruction == ["en"]
    assert (spec.form_of_participation.mode, spec.form_of_participation.pace) == (
        "blended",
        "part-time",
    )
    assert spec.admission.qualification == "bachelor"
    assert [o.id for o in spec.learning_outcomes] == ["LO1", "LO2", "LO3", "LO4", "LO5"]
    assert [localized(m.spec.title, "en") for m in course.modules] == [
        "Foundations of Deep Learning",
        "Computer Vision with CNNs",
        "Sequence Modeling with RNNs",
        "Transformer Architectures and Generative AI",
        "MLOps & Model Deployment",
        "Capstone Project",
    ]
    workload = spec.workload
    assert (workload.ects, workload.total_hours) == (6, 150)
    assert workload.theoretical.hours == 52
    assert [a.hours for a in workload.theoretical.breakdown] == [34, 18]
    assert workload.practical.hours == 98
    assert [a.hours for a in workload.practical.breakdown] == [34, 60, 4]
    assert [(c.kind, c.weight) for c in spec.assessment.components] == [
        ("labs", 30),
        ("capstone", 45),
        ("exam", 25),
    ]
    assert len(course.labs) == 3  # "three assignments"
    assert course.exam is not None
    assert course.capstone is not None
    assert course.capstone.spec.ethics_assessment.required
    assert spec.quality_assurance.ai_ethics_risk_assessment is not None
    assert spec.quality_assurance.ai_ethics_risk_assessment.required
    supervision = spec.supervision_and_identity_verification
    assert supervision is not None
    assert supervision.two_factor_required
    assert supervision.supervision == "supervised-online"
    assert [t.name for t in spec.trainers] == ["Dr. Eva Chen"]
    rights = spec.rights_on_completion
    assert (rights.certificate, rights.ects, rights.digital_badge) == (True, 6, True)
    assert spec.stackability is not None
    assert spec.stackability.recognised_towards == [
        "MSc in Computer Science",
        "Postgraduate Diploma in AI",
    ]


def test_seed_certificate_maps_outcomes_to_real_esco_skills_only() -> None:
    spec = validate_course(SEED_CERTIFICATE).course.description
    assert spec is not None
    subset = shipped_subset()
    for outcome in spec.learning_outcomes:
        assert outcome.esco_skills
        for skill in outcome.esco_skills:
            known = subset.get(skill.uri)
            assert known is not None, f"{outcome.id}: {skill.uri} is not in the shipped subset"
            assert known.label == skill.label
