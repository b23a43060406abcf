"""The one internal record of an awarded microcredential, before any credential format.

Every output (Open Badges 3.0, ELM/EDC, the PDF certificate, the baked badge) is rendered
from a ``CredentialRecord``, so they can never disagree about who earned what, with which
grade and on which evidence. The record is checked once, when it is built: a final grade
below the pass mark, a result for an unknown assessment component, or a skill that no
passed assessment evidences is refused, so no renderer ever has to second-guess it.

Skills are claimed only when evidenced: a skill counts when it belongs to a learning outcome
assessed by a component the learner passed (every component of a passed microcredential is
passed under its pass rule, so a final grade alone evidences the outcomes the course
assesses) or by an evidence item with a passing score. Outcomes no assessment covers are
never claimed.
"""

from __future__ import annotations

import dataclasses
import re
import uuid as uuid_module
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal
from uuid import UUID

from microcred.credentials.core.errors import CredentialError
from microcred.curriculum.spec.course import Course
from microcred.curriculum.spec.localize import localized
from microcred.curriculum.spec.model import Microcredential

__all__ = [
    "ComponentResult",
    "CourseFacts",
    "CredentialRecord",
    "Evidence",
    "InvalidRecordError",
    "Learner",
    "SkillClaim",
    "assessed_outcomes",
    "assessments",
    "build_record",
    "evidenced_skills",
]

Supervision = Literal["none", "supervised-online", "supervised-onsite"]
IdentityVerification = Literal["none", "online", "onsite"]
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class InvalidRecordError(CredentialError):
    """The facts handed in do not make an awardable credential (named in the message)."""


@dataclass(frozen=True, slots=True)
class Learner:
    """Who earned the credential. The e-mail identifies; it is hashed in the badge."""

    name: str
    email: str
    date_of_birth: date | None = None
    given_name: str = ""
    family_name: str = ""


@dataclass(frozen=True, slots=True)
class ComponentResult:
    """The learner's result in one assessment component of the course.

    ``percent`` is None when only the final grade is known: the component was passed (the
    pass rule says so) but its score is not stated.
    """

    component_id: str
    percent: float | None
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    """One graded piece of work: what was assessed, the score, when, and what was submitted."""

    assessment: str
    title: str
    component_id: str
    score_percent: float
    assessed_on: date
    submission_sha256: str | None = None
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SkillClaim:
    """An ESCO skill the learner evidenced, and the outcomes that carry it."""

    uri: str
    label: str
    outcomes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CredentialRecord:
    credential_id: UUID
    learner: Learner
    description: Microcredential
    final_grade: float
    component_results: tuple[ComponentResult, ...]
    evidence: tuple[Evidence, ...]
    skills: tuple[SkillClaim, ...]
    issued_at: datetime
    supervision: Supervision = "none"
    identity_verification: IdentityVerification = "none"
    valid_until: datetime | None = None

    def __post_init__(self) -> None:
        validate_record(self)

    @property
    def credential_urn(self) -> str:
        return f"urn:uuid:{self.credential_id}"

    @property
    def passed_outcomes(self) -> frozenset[str]:
        return _passed_outcomes(self.description, self.component_results, self.evidence)


def _minimum_component(description: Microcredential) -> float:
    return description.assessment.pass_rule.minimum_component_percent


def _passed_outcomes(
    description: Microcredential,
    results: Iterable[ComponentResult],
    evidence: Iterable[Evidence],
) -> frozenset[str]:
    minimum = _minimum_component(description)
    items = list(evidence)
    if items:
        # Item-level evidence is the finer claim: a passed component does not evidence an
        # outcome whose own assessment item the learner failed.
        return frozenset(
            o for item in items if item.score_percent >= minimum for o in item.outcomes
        )
    outcomes: set[str] = set()
    for result in results:
        if result.percent is None or result.percent >= minimum:
            outcomes.update(result.outcomes)
    return frozenset(outcomes)


def evidenced_skills(
    description: Microcredential,
    results: Iterable[ComponentResult],
    evidence: Iterable[Evidence] = (),
) -> tuple[SkillClaim, ...]:
    """The ESCO skills of the outcomes that passing evidence covers (or, for a registrar who
    records only component results, that the passed components cover)."""
    passed = _passed_outcomes(description, results, evidence)
    found: dict[str, tuple[str, list[str]]] = {}
    for outcome in description.learning_outcomes:
        if outcome.id not in passed:
            continue
        for skill in outcome.esco_skills:
            found.setdefault(skill.uri, (skill.label, []))[1].append(outcome.id)
    return tuple(
        SkillClaim(uri=uri, label=label, outcomes=tuple(codes))
        for uri, (label, codes) in found.items()
    )


def _check_percent(value: float, what: str) -> None:
    if not 0 <= value <= 100 or value != value:  # NaN fails both comparisons
        raise InvalidRecordError(f"{what} must be a percentage between 0 and 100, not {value!r}")


def validate_record(record: CredentialRecord) -> None:
    """Refuse a record that would make a false or unawardable credential."""
    spec = record.description
    if not record.learner.name.strip():
        raise InvalidRecordError("the learner has no name")
    if not _EMAIL.fullmatch(record.learner.email):
        raise InvalidRecordError(f"{record.learner.email!r} is not an e-mail address")
    if record.issued_at.tzinfo is None:
        raise InvalidRecordError("the issue time must carry a time zone")
    if record.valid_until is not None and record.valid_until <= record.issued_at:
        raise InvalidRecordError("the credential would expire before it is issued")
    _check_percent(record.final_grade, "the final grade")
    rule = spec.assessment.pass_rule
    if record.final_grade < rule.minimum_total_percent:
        raise InvalidRecordError(
            f"a final grade of {record.final_grade:g} % is below the pass mark of "
            f"{rule.minimum_total_percent:g} %: no credential can be awarded"
        )
    components = {c.id for c in spec.assessment.components}
    outcomes = {o.id for o in spec.learning_outcomes}
    seen: set[str] = set()
    for result in record.component_results:
        if result.component_id not in components:
            raise InvalidRecordError(f"unknown assessment component {result.component_id!r}")
        if result.component_id in seen:
            raise InvalidRecordError(f"two results for component {result.component_id!r}")
        seen.add(result.component_id)
        if result.percent is not None:
            _check_percent(result.percent, f"the result of {result.component_id!r}")
            if result.percent < rule.minimum_component_percent:
                raise InvalidRecordError(
                    f"{result.percent:g} % in {result.component_id!r} is below the component "
                    f"minimum of {rule.minimum_component_percent:g} %"
                )
        _check_outcomes(result.outcomes, outcomes, result.component_id)
    for item in record.evidence:
        if item.component_id not in components:
            raise InvalidRecordError(
                f"evidence {item.assessment!r} names unknown component {item.component_id!r}"
            )
        _check_percent(item.score_percent, f"the score of {item.assessment!r}")
        if item.submission_sha256 is not None and not _SHA256_HEX.fullmatch(item.submission_sha256):
            raise InvalidRecordError(
                f"evidence {item.assessment!r}: the submission digest is not 64 lower-case "
                "hexadecimal digits (SHA-256)"
            )
        _check_outcomes(item.outcomes, outcomes, item.assessment)
    allowed = {s.uri: s for s in evidenced_skills(spec, record.component_results, record.evidence)}
    for skill in record.skills:
        if skill.uri not in allowed:
            raise InvalidRecordError(
                f"skill {skill.uri!r} is claimed but no passed assessment evidences it"
            )


def _check_outcomes(codes: Sequence[str], known: set[str], where: str) -> None:
    for code in codes:
        if code not in known:
            raise InvalidRecordError(f"{where!r} names unknown learning outcome {code!r}")


def assessed_outcomes(course: Course) -> dict[str, tuple[str, ...]]:
    """Component id -> the learning outcomes its labs, capstone, exam and graded quizzes assess."""
    found: dict[str, dict[str, None]] = {}

    def add(component: str | None, codes: Iterable[str]) -> None:
        if component is not None:
            bucket = found.setdefault(component, {})
            for code in codes:
                bucket[code] = None

    for lab in course.labs:
        add(lab.spec.component, lab.spec.outcomes)
    if course.capstone is not None:
        add(course.capstone.spec.component, course.capstone.spec.outcomes)
    if course.exam is not None:
        exam = course.exam.spec
        add(exam.component, (code for item in exam.items for code in item.outcomes))
    for quiz in course.quizzes():
        if quiz.spec.mode == "graded":
            add(quiz.spec.component, (code for item in quiz.spec.items for code in item.outcomes))
    description = course.description
    order = {o.id: n for n, o in enumerate(description.learning_outcomes)} if description else {}
    return {
        component: tuple(sorted(codes, key=lambda code: order.get(code, len(order))))
        for component, codes in found.items()
    }


@dataclass(frozen=True, slots=True)
class Assessment:
    """One graded item of a course: a lab, the capstone, the exam or a graded quiz."""

    id: str
    title: str
    component_id: str
    outcomes: tuple[str, ...]


def assessments(course: Course) -> dict[str, Assessment]:
    """Graded items by id: ``lab:<slug>``, ``capstone``, ``exam``, ``quiz:<module slug>``."""
    found: dict[str, Assessment] = {}
    for lab in course.labs:
        found[f"lab:{lab.slug}"] = Assessment(
            f"lab:{lab.slug}", _en(lab.spec.title), lab.spec.component, tuple(lab.spec.outcomes)
        )
    if course.capstone is not None:
        cap = course.capstone.spec
        found["capstone"] = Assessment(
            "capstone", _en(cap.title), cap.component, tuple(cap.outcomes)
        )
    if course.exam is not None:
        exam = course.exam.spec
        codes = dict.fromkeys(code for item in exam.items for code in item.outcomes)
        found["exam"] = Assessment("exam", _en(exam.title), exam.component, tuple(codes))
    for module in course.modules:
        quiz = module.quiz
        if quiz is not None and quiz.spec.mode == "graded" and quiz.spec.component:
            codes = dict.fromkeys(code for item in quiz.spec.items for code in item.outcomes)
            key = f"quiz:{module.slug}"
            found[key] = Assessment(key, _en(quiz.spec.title), quiz.spec.component, tuple(codes))
    return found


# The credential's texts (name, descriptions, outcomes) are taken in English, the course
# format's fallback language: pages in other languages mark them `lang="en"`.
LANGUAGE = "en"


def _en(text: Mapping[str, str]) -> str:
    return localized(text, LANGUAGE)


def build_record(
    course: Course,
    learner: Learner,
    final_grade: float,
    *,
    component_percents: Mapping[str, float] | None = None,
    evidence: Sequence[Evidence] = (),
    credential_id: UUID | None = None,
    issued_at: datetime | None = None,
    supervision: Supervision | None = None,
    identity_verification: IdentityVerification | None = None,
    valid_until: datetime | None = None,
) -> CredentialRecord:
    """A checked record for ``learner`` in a validated ``course``.

    Without ``component_percents`` every component is recorded as passed with no stated
    score (the final grade meets the pass rule, which requires each component's minimum).
    Supervision and identity verification default to the course description's.
    """
    description = course.description
    if description is None:
        raise InvalidRecordError("the course description did not load; validate the course first")
    return CourseFacts(description, assessed_outcomes(course), assessments(course)).record(
        learner,
        final_grade,
        component_percents=component_percents,
        evidence=evidence,
        credential_id=credential_id,
        issued_at=issued_at,
        supervision=supervision,
        identity_verification=identity_verification,
        valid_until=valid_until,
    )


@dataclass(frozen=True, slots=True)
class CourseFacts:
    """What records need from a course folder, small enough to send to worker processes."""

    description: Microcredential
    covered: Mapping[str, tuple[str, ...]]
    graded: Mapping[str, Assessment]

    @classmethod
    def of(cls, course: Course) -> CourseFacts:
        if course.description is None:
            raise InvalidRecordError("the course description did not load")
        return cls(course.description, assessed_outcomes(course), assessments(course))

    def record(
        self,
        learner: Learner,
        final_grade: float,
        *,
        component_percents: Mapping[str, float] | None = None,
        evidence: Sequence[Evidence] = (),
        credential_id: UUID | None = None,
        issued_at: datetime | None = None,
        supervision: Supervision | None = None,
        identity_verification: IdentityVerification | None = None,
        valid_until: datetime | None = None,
    ) -> CredentialRecord:
        description = self.description
        percents = dict(component_percents or {})
        unknown = set(percents) - {c.id for c in description.assessment.components}
        if unknown:
            raise InvalidRecordError(
                f"unknown assessment component(s): {', '.join(sorted(unknown))}"
            )
        results = tuple(
            ComponentResult(
                component_id=component.id,
                percent=percents.get(component.id),
                outcomes=tuple(self.covered.get(component.id, ())),
            )
            for component in description.assessment.components
        )
        evidence_items = tuple(
            item
            if item.outcomes
            else dataclasses.replace(
                item,
                outcomes=self.graded[item.assessment].outcomes
                if item.assessment in self.graded
                else tuple(self.covered.get(item.component_id, ())),
            )
            for item in evidence
        )
        policy = description.supervision_and_identity_verification
        return CredentialRecord(
            credential_id=credential_id or uuid_module.uuid4(),
            learner=learner,
            description=description,
            final_grade=final_grade,
            component_results=results,
            evidence=evidence_items,
            skills=evidenced_skills(description, results, evidence_items),
            issued_at=(issued_at or datetime.now(UTC)).replace(microsecond=0),
            supervision=supervision or (policy.supervision if policy else "none"),
            identity_verification=identity_verification
            or (policy.identity_verification if policy else "none"),
            valid_until=valid_until,
        )
