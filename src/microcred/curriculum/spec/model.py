"""Typed objects for a microcredential held as code.

The field names are the YAML keys authors write, so the documentation of the course format
(docs/course-format.md) and these classes describe one thing. Shape checks (types, required
keys, unknown keys) live here; rules that look across fields or files live in `rules.py`.
Every entity has a UUID so that renaming a folder or an id keeps learner data attached.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80)]
NonEmptyStr = Annotated[str, Field(min_length=1)]
Hours = Annotated[float, Field(ge=0)]


def _localized(value: Any) -> Any:
    """A plain string is English; a mapping gives one text per ISO 639-1 language code."""
    if isinstance(value, str):
        return {"en": value}
    return value


LocalizedText = Annotated[dict[str, str], BeforeValidator(_localized)]


def _is_number(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated or origin in (typing.Union, types.UnionType):
        return any(_is_number(arg) for arg in typing.get_args(annotation))
    return annotation in (int, float)


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_boolean_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """YAML 1.1 reads yes/no/on/off/true/false as booleans; never take one as 1 or 0."""
        if (
            isinstance(value, bool)
            and info.field_name is not None
            and _is_number(cls.model_fields[info.field_name].annotation)
        ):
            raise ValueError("expected a number, not a yes/no (boolean) value")
        return value


class EscoSkillRef(Spec):
    uri: NonEmptyStr
    label: NonEmptyStr


class LearningOutcome(Spec):
    id: Identifier
    uuid: UUID
    type: Literal["knowledge", "skill", "competence"]
    eqf_level: int
    text: LocalizedText
    esco_skills: list[EscoSkillRef] = Field(min_length=1)


class Organisation(Spec):
    name: NonEmptyStr
    unit: str = ""
    country: NonEmptyStr
    region: str = ""
    address: str = ""
    website: str = ""
    email: str = ""
    legal_identifier: str = ""


class Provider(Spec):
    name: NonEmptyStr
    unit: str = ""
    description: LocalizedText = Field(default_factory=dict)
    website: str = ""


class LearnerIdentification(Spec):
    fields: list[
        Literal["given_name", "family_name", "email", "date_of_birth", "national_id", "student_id"]
    ] = Field(min_length=1)
    description: LocalizedText = Field(default_factory=dict)


class Offering(Spec):
    start_date: dt.date
    end_date: dt.date
    enrolment_deadline: dt.date | None = None


class Admission(Spec):
    qualification: Literal[
        "none",
        "upper-secondary",
        "post-secondary",
        "short-cycle",
        "bachelor",
        "master",
        "doctorate",
    ]
    eqf_level: int
    fields_of_study: list[NonEmptyStr] = Field(default_factory=list)
    technical_skills: list[LocalizedText] = Field(default_factory=list)
    description: LocalizedText = Field(default_factory=dict)
    evidence_required: bool = False


class FormOfParticipation(Spec):
    mode: Literal["online", "onsite", "blended"]
    pace: Literal["full-time", "part-time", "self-paced"]
    description: LocalizedText


class Level(Spec):
    eqf: int
    qf_ehea_cycle: Literal["short", "first", "second", "third"] | None = None
    nqf: str = ""


class CompetencyFramework(Spec):
    name: NonEmptyStr
    version: str = ""
    uri: str = ""


class WorkloadActivity(Spec):
    activity: LocalizedText
    hours: Hours


class WorkloadPart(Spec):
    hours: Hours
    breakdown: list[WorkloadActivity] = Field(default_factory=list)


class Workload(Spec):
    ects: Annotated[float, Field(gt=0)]
    total_hours: Annotated[float, Field(gt=0)]
    theoretical: WorkloadPart
    practical: WorkloadPart


class AssessmentComponent(Spec):
    id: Identifier
    uuid: UUID
    title: LocalizedText
    kind: Literal["labs", "capstone", "exam", "quizzes"]
    weight: Annotated[float, Field(ge=0, le=100)]
    description: LocalizedText = Field(default_factory=dict)


class PassRule(Spec):
    minimum_total_percent: Annotated[float, Field(ge=0, le=100)]
    minimum_component_percent: Annotated[float, Field(ge=0, le=100)] = 0


class Assessment(Spec):
    type: LocalizedText
    components: list[AssessmentComponent] = Field(min_length=1)
    pass_rule: PassRule
    grading_scale: Literal["percentage", "ects-a-f", "local"] = "percentage"


class Trainer(Spec):
    name: NonEmptyStr
    role: LocalizedText
    qualifications: LocalizedText = Field(default_factory=dict)


class Stackability(Spec):
    description: LocalizedText
    recognised_towards: list[NonEmptyStr] = Field(default_factory=list)


class RightsOnCompletion(Spec):
    certificate: bool
    ects: Annotated[float, Field(ge=0)]
    digital_badge: bool
    description: LocalizedText = Field(default_factory=dict)


class EthicsAssessmentPolicy(Spec):
    required: bool
    framework: str = ""
    description: LocalizedText = Field(default_factory=dict)


class QualityAssurance(Spec):
    type: LocalizedText
    body: NonEmptyStr
    description: list[LocalizedText] = Field(default_factory=list)
    ai_ethics_risk_assessment: EthicsAssessmentPolicy | None = None


class SupervisionAndIdentity(Spec):
    supervision: Literal["none", "supervised-online", "supervised-onsite"]
    identity_verification: Literal["none", "online", "onsite"]
    two_factor_required: bool = False
    description: LocalizedText = Field(default_factory=dict)


class GradeAchieved(Spec):
    stated: bool
    description: LocalizedText = Field(default_factory=dict)


class FurtherInformation(Spec):
    description: LocalizedText
    url: str = ""


class Microcredential(Spec):
    """`microcredential.yaml`: every EU Annex I element plus what a certificate carries."""

    format_version: Literal[1]
    uuid: UUID
    id: Slug
    title: LocalizedText
    # Annex I, mandatory elements
    learner_identification: LearnerIdentification
    awarding_body: Organisation
    date_of_issuing: Literal["on-completion"] | dt.date
    learning_outcomes: list[LearningOutcome] = Field(min_length=1)
    workload: Workload
    level: Level
    assessment: Assessment
    form_of_participation: FormOfParticipation
    quality_assurance: QualityAssurance
    # Annex I, optional elements
    prerequisites: list[LocalizedText] = Field(default_factory=list)
    supervision_and_identity_verification: SupervisionAndIdentity | None = None
    grade_achieved: GradeAchieved | None = None
    stackability: Stackability | None = None
    further_information: FurtherInformation | None = None
    # What the certificate adds
    provider: Provider
    offering: Offering
    language_of_instruction: list[str] = Field(min_length=1)
    translations: list[str] = Field(default_factory=list)
    admission: Admission
    objectives: LocalizedText
    content_description: LocalizedText = Field(default_factory=dict)
    modules: list[Slug] = Field(min_length=1)
    competency_frameworks: list[CompetencyFramework] = Field(default_factory=list)
    learning_activities: list[LocalizedText] = Field(default_factory=list)
    trainers: list[Trainer] = Field(min_length=1)
    rights_on_completion: RightsOnCompletion


class Resource(Spec):
    kind: Literal["notes", "slides", "qa", "case-studies", "exercises", "reading", "video"]
    file: NonEmptyStr
    title: LocalizedText = Field(default_factory=dict)


class Lesson(Spec):
    """`lesson.yaml`; `planned` lessons are listed in the outline but not written yet."""

    uuid: UUID
    title: LocalizedText
    summary: LocalizedText = Field(default_factory=dict)
    status: Literal["published", "planned"] = "published"
    duration_minutes: Annotated[int, Field(gt=0)]
    learning_outcomes: list[Identifier] = Field(min_length=1)
    resources: list[Resource] = Field(default_factory=list)


class Module(Spec):
    uuid: UUID
    title: LocalizedText
    summary: LocalizedText
    hours: Hours
    learning_outcomes: list[Identifier] = Field(min_length=1)
    lessons: list[Slug] = Field(min_length=1)
    quiz: NonEmptyStr | None = None
    # Open educational resources of the whole module (Q&A, case studies, exercises).
    resources: list[Resource] = Field(default_factory=list)


class Option(Spec):
    id: Identifier
    text: LocalizedText
    correct: bool = False


class ChoiceQuestion(Spec):
    id: Identifier
    uuid: UUID
    kind: Literal["single", "multiple"]
    stem: LocalizedText
    options: list[Option] = Field(min_length=2)
    explanation: LocalizedText
    outcomes: list[Identifier] = Field(min_length=1)
    points: Annotated[float, Field(gt=0)] = 1


class Quiz(Spec):
    """A module's practice quiz (formative) or a graded quiz counted in a component."""

    uuid: UUID
    title: LocalizedText
    mode: Literal["practice", "graded"] = "practice"
    component: Identifier | None = None
    questions_per_attempt: Annotated[int, Field(gt=0)] | None = None
    items: list[ChoiceQuestion] = Field(min_length=1)


class Exam(Spec):
    uuid: UUID
    title: LocalizedText
    component: Identifier
    duration_minutes: Annotated[int, Field(gt=0)]
    questions_per_attempt: Annotated[int, Field(gt=0)]
    attempts: Annotated[int, Field(gt=0)] = 1
    instructions: LocalizedText = Field(default_factory=dict)
    items: list[ChoiceQuestion] = Field(min_length=1)


class RubricCriterion(Spec):
    id: Identifier
    uuid: UUID
    criterion: LocalizedText
    weight: Annotated[float, Field(gt=0, le=100)]
    outcomes: list[Identifier] = Field(min_length=1)
    levels: list[LocalizedText] = Field(default_factory=list)


class PeerReview(Spec):
    reviewers_per_submission: Annotated[int, Field(ge=0, le=10)]
    anonymous: bool = True


class EthicsAssessment(Spec):
    required: bool
    template: NonEmptyStr


class Capstone(Spec):
    uuid: UUID
    title: LocalizedText
    component: Identifier
    brief: NonEmptyStr
    outcomes: list[Identifier] = Field(min_length=1)
    deliverables: list[LocalizedText] = Field(min_length=1)
    rubric: list[RubricCriterion] = Field(min_length=1)
    peer_review: PeerReview
    ethics_assessment: EthicsAssessment


class Lab(Spec):
    """`lab.yaml`; the `grading` mapping belongs to `microcred.grading`, which checks it."""

    uuid: UUID
    title: LocalizedText
    component: Identifier
    outcomes: list[Identifier] = Field(min_length=1)
    statement: NonEmptyStr
    starter: NonEmptyStr
    solution: NonEmptyStr
    points: Annotated[float, Field(gt=0)] = 10
    grading: dict[str, Any] = Field(default_factory=dict)
