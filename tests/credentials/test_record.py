"""The internal credential record: built from course data, refusing what cannot be awarded."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from cred_helpers import ISSUED_AT

from microcred.credentials.core.record import (
    ComponentResult,
    CredentialRecord,
    Evidence,
    InvalidRecordError,
    Learner,
    SkillClaim,
    assessed_outcomes,
    assessments,
    build_record,
    evidenced_skills,
)
from microcred.curriculum.spec.course import Course

LEARNER = Learner("Bo Berg", "bo@example.org")


def test_build_record_from_a_final_grade_only(shipped: Course) -> None:
    record = build_record(shipped, LEARNER, 72, issued_at=ISSUED_AT)
    assert [r.component_id for r in record.component_results] == [
        "programming-assignments",
        "final-project",
        "written-exam",
    ]
    assert all(r.percent is None for r in record.component_results)
    assert record.supervision == "supervised-online"
    assert record.identity_verification == "online"
    assert record.credential_urn.startswith("urn:uuid:")
    # the capstone assesses every outcome, so every outcome's skills are evidenced
    uris = {s.uri for s in record.skills}
    expected = {s.uri for o in record.description.learning_outcomes for s in o.esco_skills}
    assert uris == expected


def test_assessed_outcomes_and_assessments_come_from_the_course(shipped: Course) -> None:
    covered = assessed_outcomes(shipped)
    assert covered["programming-assignments"] == ("LO2", "LO3", "LO4")
    assert covered["final-project"] == ("LO1", "LO2", "LO3", "LO4", "LO5")
    graded = assessments(shipped)
    assert graded["lab:mlp-backprop"].outcomes == ("LO2", "LO3")
    assert graded["capstone"].component_id == "final-project"


def test_evidence_gets_the_outcomes_of_its_assessment(record: CredentialRecord) -> None:
    assert record.evidence[0].outcomes == ("LO2", "LO3")


def test_only_evidenced_skills_are_claimed(shipped: Course) -> None:
    spec = shipped.description
    assert spec is not None
    labs_only = (ComponentResult("programming-assignments", 80, ("LO2", "LO3", "LO4")),)
    skills = evidenced_skills(spec, labs_only)
    lo5 = {s.uri for o in spec.learning_outcomes if o.id == "LO5" for s in o.esco_skills}
    assert lo5.isdisjoint({s.uri for s in skills})
    base = build_record(shipped, LEARNER, 72, issued_at=ISSUED_AT)
    with pytest.raises(InvalidRecordError, match="no passed assessment evidences it"):
        dataclasses.replace(
            base,
            component_results=labs_only,
            skills=(SkillClaim(next(iter(lo5)), "x", ("LO5",)),),
        )


def test_a_failed_component_evidences_nothing(shipped: Course) -> None:
    spec = shipped.description
    assert spec is not None
    failing = Evidence(
        "lab:x", "x", "programming-assignments", 10, date(2027, 1, 1), None, ("LO2",)
    )
    assert evidenced_skills(spec, (), (failing,)) == ()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"final_grade": 49.9}, "below the pass mark"),
        ({"final_grade": 101}, "between 0 and 100"),
        ({"final_grade": float("nan")}, "between 0 and 100"),
        ({"learner": Learner("Bo", "not-an-email")}, "not an e-mail address"),
        ({"learner": Learner(" ", "bo@example.org")}, "no name"),
        ({"component_results": (ComponentResult("nope", 80),)}, "unknown assessment component"),
        (
            {"component_results": (ComponentResult("written-exam", 39),)},
            "below the component minimum",
        ),
        (
            {
                "component_results": (
                    ComponentResult("written-exam", 80),
                    ComponentResult("written-exam", 90),
                )
            },
            "two results",
        ),
        (
            {"evidence": (Evidence("exam", "Exam", "written-exam", 80, date(2027, 1, 1), "XYZ"),)},
            "SHA-256",
        ),
        (
            {
                "evidence": (
                    Evidence("exam", "Exam", "written-exam", 80, date(2027, 1, 1), None, ("LO9",)),
                )
            },
            "unknown learning outcome",
        ),
        ({"issued_at": ISSUED_AT.replace(tzinfo=None)}, "time zone"),
        ({"valid_until": ISSUED_AT}, "expire before"),
    ],
)
def test_invalid_records_are_refused(
    record: CredentialRecord, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidRecordError, match=message):
        dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def test_build_record_refuses_unknown_component_scores(shipped: Course) -> None:
    with pytest.raises(InvalidRecordError, match="unknown assessment component"):
        build_record(shipped, LEARNER, 80, component_percents={"quiz": 80})


def test_minimal_course_builds(minimal: Course) -> None:
    record = build_record(minimal, LEARNER, 100, issued_at=ISSUED_AT)
    assert record.final_grade == 100


def test_item_evidence_overrides_a_passed_component(shipped: Course) -> None:
    """A passed labs component must not claim the skills of the lab the learner failed."""
    spec = shipped.description
    assert spec is not None
    passed_component = (ComponentResult("programming-assignments", 75, ("LO2", "LO3", "LO4")),)
    failed_lab = Evidence(
        "lab:conv-pool", "Conv", "programming-assignments", 20, date(2027, 1, 1), None, ("LO2",)
    )
    passed_lab = Evidence(
        "lab:drift", "Drift", "programming-assignments", 95, date(2027, 1, 2), None, ("LO4",)
    )
    claimed = {s.uri for s in evidenced_skills(spec, passed_component, (failed_lab, passed_lab))}
    skills_of = {o.id: {s.uri for s in o.esco_skills} for o in spec.learning_outcomes}
    assert claimed == skills_of["LO4"]
    assert claimed.isdisjoint(skills_of["LO2"] - skills_of["LO4"])
    # Without item evidence (a registrar recording component results only) the component counts.
    assert {s.uri for s in evidenced_skills(spec, passed_component)} >= skills_of["LO2"]
