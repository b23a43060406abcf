"""Reads of the assessment app. Each takes the acting user and returns only what they may see:
a learner their own attempts, submissions and the reviews assigned to them (never another
learner's identity or work, except anonymised peer work they were assigned); instructors the work
of the learners of the programmes they teach (`learning.queries.teachable_programmes`);
administrators everything.

`component_scores(enrolment)` is for trusted callers (services, tasks, a gradebook): it returns
the score that counts per assessment item of the enrolment's programme.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from microcred.accounts.models import STAFF_ROLES, User
from microcred.curriculum.models import AssessmentItem, Module, Programme
from microcred.learning.models import Enrolment
from microcred.learning.queries import teachable_programmes, teaches

from .models import (
    CapstoneSubmission,
    EthicsAssessment,
    LabSubmission,
    PeerReview,
    QuizAnswer,
    QuizAttempt,
    RubricGrade,
)


def is_staff(user: User) -> bool:
    return user.is_authenticated and user.has_role(*STAFF_ROLES)


# ------------------------------------------------------------------------------------ items


def live_items(programme: Programme) -> QuerySet[AssessmentItem]:
    return AssessmentItem.objects.filter(programme=programme, retired_at__isnull=True)


def item_of(programme: Programme, kind: str, slug: str | None = None) -> AssessmentItem | None:
    items = live_items(programme).filter(kind=kind).select_related("programme", "component")
    if slug is not None:
        items = items.filter(slug=slug)
    return items.order_by("slug").first()


def ethics_required(item: AssessmentItem) -> bool:
    """The capstone's own `ethics_assessment.required`, or the course's quality assurance."""
    if (item.spec.get("ethics_assessment") or {}).get("required"):
        return True
    description = item.programme.description if isinstance(item.programme.description, dict) else {}
    policy = (description.get("quality_assurance") or {}).get("ai_ethics_risk_assessment") or {}
    return bool(policy.get("required"))


# --------------------------------------------------------------------------------- overview


@dataclass
class ItemSummary:
    """One assessment of a course and where the reader stands with it."""

    item: AssessmentItem
    attempts: int = 0
    best: float | None = None  # best counting score in [0, 1]
    pending: bool = False  # an attempt in progress or a submission being graded
    note: str = ""  # e.g. the ethics assessment's status for the capstone

    @property
    def best_percent(self) -> float | None:
        return None if self.best is None else round(100 * self.best, 1)


@dataclass
class Overview:
    programme: Programme
    quizzes: list[ItemSummary] = field(default_factory=list)
    labs: list[ItemSummary] = field(default_factory=list)
    capstone: ItemSummary | None = None
    exam: ItemSummary | None = None

    @property
    def empty(self) -> bool:
        return not (self.quizzes or self.labs or self.capstone or self.exam)


def _best(current: float | None, score: float | None) -> float | None:
    if score is None:
        return current
    return score if current is None else max(current, score)


def overview(user: User, programme: Programme, enrolment: Enrolment | None) -> Overview:
    """The course's assessments, with the reader's own attempts when they are enrolled."""
    items = list(
        live_items(programme).select_related("programme", "component").order_by("kind", "slug")
    )
    summaries = {item.pk: ItemSummary(item=item) for item in items}
    mine = enrolment is not None and enrolment.learner_id == user.pk
    if mine:
        assert enrolment is not None
        for attempt in QuizAttempt.objects.filter(enrolment=enrolment, item__in=items).only(
            "item_id", "status", "score"
        ):
            summary = summaries[attempt.item_id]
            summary.attempts += 1
            summary.pending |= attempt.in_progress
            summary.best = _best(summary.best, attempt.score)
        for submission in LabSubmission.objects.filter(enrolment=enrolment, item__in=items).only(
            "item_id", "status", "score"
        ):
            summary = summaries[submission.item_id]
            summary.attempts += 1
            summary.pending |= submission.pending
            summary.best = _best(summary.best, submission.score)
        capstones = [item for item in items if item.kind == "capstone"]
        if capstones:
            score = component_scores(enrolment, items=capstones)
            for entry in score:
                summary = summaries[entry.item.pk]
                summary.best = entry.score
                summary.pending = entry.status in ("pending", "awaiting_ethics")
                summary.note = entry.status
    order = {
        f"{slug}-quiz": position
        for position, slug in enumerate(
            Module.objects.filter(programme=programme, retired_at__isnull=True)
            .order_by("position")
            .values_list("slug", flat=True)
        )
    }
    result = Overview(programme=programme)
    for item in items:
        summary = summaries[item.pk]
        if item.kind == "quiz":
            result.quizzes.append(summary)
        elif item.kind == "lab":
            result.labs.append(summary)
        elif item.kind == "capstone":
            result.capstone = summary
        elif item.kind == "exam":
            result.exam = summary
    result.quizzes.sort(key=lambda s: order.get(s.item.slug, len(order)))
    return result


# ------------------------------------------------------------------------ quizzes and exams


def attempts_of(user: User, item: AssessmentItem) -> list[QuizAttempt]:
    if not user.is_authenticated:
        return []
    return list(QuizAttempt.objects.filter(enrolment__learner=user, item=item).order_by("-number"))


def attempt_of(user: User, attempt_id: int) -> QuizAttempt | None:
    """The learner's own attempt (possession is the authorisation)."""
    if not user.is_authenticated:
        return None
    return (
        QuizAttempt.objects.select_related("item__programme", "enrolment")
        .filter(pk=attempt_id, enrolment__learner=user)
        .first()
    )


def answers_of(attempt: QuizAttempt) -> list[QuizAnswer]:
    return list(attempt.answers.order_by("position"))


def question_keys(attempt: QuizAttempt) -> list[str]:
    return [
        str(u) for u in attempt.answers.order_by("position").values_list("question_uuid", flat=True)
    ]


# ------------------------------------------------------------------------------------- labs


def lab_submissions_of(user: User, item: AssessmentItem) -> list[LabSubmission]:
    if not user.is_authenticated:
        return []
    return list(
        LabSubmission.objects.filter(enrolment__learner=user, item=item)
        .defer("source", "result")
        .order_by("-attempt")
    )


def latest_lab_source(user: User, item: AssessmentItem) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        LabSubmission.objects.filter(enrolment__learner=user, item=item)
        .order_by("-attempt")
        .values_list("source", flat=True)
        .first()
    )


def lab_submission_of(user: User, submission_id: int) -> LabSubmission | None:
    """The learner's own submission, or one of a programme the user teaches."""
    if not user.is_authenticated:
        return None
    submissions = LabSubmission.objects.select_related("item__programme", "enrolment__learner")
    readable = Q(enrolment__learner=user)
    if is_staff(user):
        readable |= Q(item__programme__in=teachable_programmes(user))
    return submissions.filter(readable, pk=submission_id).first()


# ---------------------------------------------------------------------------------- capstone


@dataclass
class CapstonePage:
    item: AssessmentItem
    submissions: list[CapstoneSubmission]  # newest first
    grade: RubricGrade | None  # the newest grade of the newest version
    ethics: list[EthicsAssessment]  # newest first
    reviews_received: list[PeerReview]  # submitted reviews of my versions, anonymous
    reviews_to_do: list[PeerReview]  # reviews assigned to me

    @property
    def latest(self) -> CapstoneSubmission | None:
        return self.submissions[0] if self.submissions else None

    @property
    def latest_ethics(self) -> EthicsAssessment | None:
        return self.ethics[0] if self.ethics else None

    @property
    def can_submit(self) -> bool:
        return self.grade is None

    @property
    def can_submit_ethics(self) -> bool:
        latest = self.latest_ethics
        return latest is None or latest.status == EthicsAssessment.Status.NEEDS_CHANGES


def capstone_page(user: User, item: AssessmentItem) -> CapstonePage:
    """The learner's own capstone versions, grade, ethics assessments and peer reviews."""
    submissions = list(
        CapstoneSubmission.objects.filter(enrolment__learner=user, item=item).order_by("-version")
    )
    grade = None
    if submissions:
        grade = (
            RubricGrade.objects.filter(submission=submissions[0])
            .order_by("-graded_at", "-pk")
            .first()
        )
    ethics = list(
        EthicsAssessment.objects.filter(enrolment__learner=user, item=item).order_by("-version")
    )
    received = list(
        PeerReview.objects.filter(
            submission__in=submissions, status=PeerReview.Status.SUBMITTED
        ).order_by("submitted_at", "pk")
    )
    to_do = list(
        PeerReview.objects.filter(reviewer__learner=user, submission__item=item)
        .select_related("submission")
        .order_by("assigned_at", "pk")
    )
    return CapstonePage(item, submissions, grade, ethics, received, to_do)


def peer_review_of(user: User, review_id: int) -> PeerReview | None:
    """A review assigned to `user` (possession); the submission comes without its author."""
    if not user.is_authenticated:
        return None
    return (
        PeerReview.objects.select_related("submission__item__programme")
        .filter(pk=review_id, reviewer__learner=user)
        .first()
    )


@dataclass(frozen=True)
class CapstoneFile:
    submission: CapstoneSubmission
    anonymous: bool  # served to a peer reviewer: neutral file name


def capstone_file_for(user: User, submission_id: int) -> CapstoneFile | None:
    """The author, a peer reviewer assigned to that version, or the course's staff may
    download."""
    if not user.is_authenticated:
        return None
    submission = CapstoneSubmission.objects.select_related("item").filter(pk=submission_id).first()
    if submission is None:
        return None
    if is_staff(user) and teaches(user, submission.item.programme_id):
        return CapstoneFile(submission, anonymous=False)
    if Enrolment.objects.filter(pk=submission.enrolment_id, learner=user).exists():
        return CapstoneFile(submission, anonymous=False)
    if PeerReview.objects.filter(submission=submission, reviewer__learner=user).exists():
        return CapstoneFile(submission, anonymous=True)
    return None


# ------------------------------------------------------------------------------- instructor


@dataclass
class GradingQueue:
    capstones: list[CapstoneSubmission]  # newest versions without a grade yet
    ethics: list[EthicsAssessment]  # waiting for review
    capstone_items: list[AssessmentItem]  # with peer review counts annotated


def grading_queue(user: User) -> GradingQueue | None:
    """What the user has to grade or review, over the live programmes they teach, in three
    queries (the team is a subquery of each)."""
    if not is_staff(user):
        return None
    taught = teachable_programmes(user)
    newer = CapstoneSubmission.objects.filter(
        enrolment=OuterRef("enrolment"), item=OuterRef("item"), version__gt=OuterRef("version")
    )
    graded = RubricGrade.objects.filter(submission=OuterRef("pk"))
    latest_ethics = EthicsAssessment.objects.filter(
        enrolment=OuterRef("enrolment"), item=OuterRef("item")
    ).order_by("-version")
    capstones = list(
        CapstoneSubmission.objects.filter(
            ~Exists(newer),
            ~Exists(graded),
            item__retired_at__isnull=True,
            item__programme__in=taught,
            enrolment__status=Enrolment.Status.ACTIVE,
        )
        .annotate(
            ethics_status=Subquery(latest_ethics.values("status")[:1]),
            reviews_done=Count(
                "peer_reviews", filter=Q(peer_reviews__status=PeerReview.Status.SUBMITTED)
            ),
        )
        .select_related("enrolment__learner", "item__programme")
        .order_by("submitted_at", "pk")
    )
    ethics = list(
        EthicsAssessment.objects.filter(
            status=EthicsAssessment.Status.SUBMITTED,
            item__retired_at__isnull=True,
            item__programme__in=taught,
            enrolment__status=Enrolment.Status.ACTIVE,
        )
        .select_related("enrolment__learner", "item__programme")
        .order_by("submitted_at", "pk")
    )
    items = list(
        AssessmentItem.objects.filter(
            kind="capstone", retired_at__isnull=True, programme__in=taught
        )
        .select_related("programme")
        .annotate(
            submitters=Count("capstone_submissions__enrolment", distinct=True),
            reviews_assigned=Count("capstone_submissions__peer_reviews", distinct=True),
        )
        .order_by("programme__slug")
    )
    return GradingQueue(capstones=capstones, ethics=ethics, capstone_items=items)


@dataclass
class GradingPage:
    submission: CapstoneSubmission
    versions: list[CapstoneSubmission]
    grades: list[RubricGrade]  # newest first, all versions
    peer_reviews: list[PeerReview]
    ethics: EthicsAssessment | None


def grading_page(user: User, submission_id: int) -> GradingPage | None:
    if not is_staff(user):
        return None
    submission = (
        CapstoneSubmission.objects.select_related("enrolment__learner", "item__programme")
        .filter(pk=submission_id, item__programme__in=teachable_programmes(user))
        .first()
    )
    if submission is None:
        return None
    versions = list(
        CapstoneSubmission.objects.filter(
            enrolment=submission.enrolment, item=submission.item
        ).order_by("-version")
    )
    grades = list(
        RubricGrade.objects.filter(submission__in=versions)
        .select_related("grader", "submission")
        .order_by("-graded_at", "-pk")
    )
    reviews = list(
        PeerReview.objects.filter(submission=submission)
        .select_related("reviewer__learner")
        .order_by("assigned_at", "pk")
    )
    ethics = (
        EthicsAssessment.objects.filter(enrolment=submission.enrolment, item=submission.item)
        .order_by("-version")
        .first()
    )
    return GradingPage(submission, versions, grades, reviews, ethics)


def ethics_for_review(user: User, assessment_id: int) -> EthicsAssessment | None:
    if not is_staff(user):
        return None
    return (
        EthicsAssessment.objects.select_related("enrolment__learner", "item__programme")
        .filter(pk=assessment_id, item__programme__in=teachable_programmes(user))
        .first()
    )


def ethics_history(assessment: EthicsAssessment) -> list[EthicsAssessment]:
    return list(
        EthicsAssessment.objects.filter(enrolment=assessment.enrolment, item=assessment.item)
        .exclude(pk=assessment.pk)
        .select_related("reviewer")
        .order_by("-version")
    )


def capstone_item_for_staff(user: User, item_id: int) -> AssessmentItem | None:
    if not is_staff(user):
        return None
    return AssessmentItem.objects.filter(
        pk=item_id, kind="capstone", programme__in=teachable_programmes(user)
    ).first()


# ------------------------------------------------------------------- scores for a gradebook


@dataclass(frozen=True)
class ItemScore:
    """The score that counts for one assessment item of an enrolment.

    `status`: `graded` (score counts), `pending` (work in progress or waiting to be graded),
    `awaiting_ethics` (capstone graded, ethics assessment not accepted yet: the grade is in
    `provisional_score` and does not count), `not_graded` (only ungradable lab submissions),
    `not_attempted`.
    """

    item: AssessmentItem
    component: str  # component code, e.g. "programming-assignments"
    component_uuid: UUID
    component_kind: str
    weight: Decimal
    status: str
    score: float | None = None  # in [0, 1]; None unless status is "graded"
    provisional_score: float | None = None
    assessed_at: datetime | None = None
    submission_sha256: str = ""
    evidence: Any = None  # the QuizAttempt, LabSubmission or RubricGrade behind the score

    @property
    def percent(self) -> float | None:
        return None if self.score is None else 100 * self.score

    @property
    def outcomes(self) -> list[str]:
        return list(self.item.outcomes)


def _best_row(rows: Sequence[Any], when: str) -> Any:
    """Highest score; the earliest of equal scores (the first time the learner reached it)."""
    return min(rows, key=lambda row: (-row.score, getattr(row, when), row.pk)) if rows else None


def item_score(
    item: AssessmentItem,
    *,
    attempts: Sequence[QuizAttempt] = (),
    labs: Sequence[LabSubmission] = (),
    pending: bool = False,
    tried: bool = False,
    version: CapstoneSubmission | None = None,
    grade: RubricGrade | None = None,
    ethics: EthicsAssessment | None = None,
    ethics_needed: bool = False,
) -> ItemScore:
    """The one rule for what a learner's work on `item` counts for, from rows already fetched.

    `attempts` are submitted, scored graded/exam attempts; `labs` graded, scored submissions;
    `pending` says other work is still being graded, `tried` that a lab was submitted at all;
    `version` is the newest capstone version, `grade` its newest rubric grade, `ethics` the
    newest ethics assessment. Both the one-learner query (`component_scores`) and a cohort's
    gradebook build on this, so they cannot drift apart.
    """
    component = item.component
    assert component is not None
    base: dict[str, Any] = {
        "item": item,
        "component": component.code,
        "component_uuid": component.uuid,
        "component_kind": component.kind,
        "weight": component.weight,
    }
    if item.kind in ("quiz", "exam"):
        best = _best_row(attempts, "submitted_at")
        if best is not None:
            return ItemScore(
                **base,
                status="graded",
                score=best.score,
                assessed_at=best.submitted_at,
                submission_sha256=best.answers_sha256,
                evidence=best,
            )
        return ItemScore(**base, status="pending" if pending else "not_attempted")
    if item.kind == "lab":
        best = _best_row(labs, "graded_at")
        if best is not None:
            return ItemScore(
                **base,
                status="graded",
                score=best.score,
                assessed_at=best.graded_at,
                submission_sha256=best.sha256,
                evidence=best,
            )
        if pending:
            return ItemScore(**base, status="pending")
        return ItemScore(**base, status="not_graded" if tried else "not_attempted")
    if version is None:
        return ItemScore(**base, status="not_attempted")
    if grade is None:
        return ItemScore(**base, status="pending", submission_sha256=version.sha256)
    counts = not ethics_needed or (ethics is not None and ethics.accepted)
    return ItemScore(
        **base,
        status="graded" if counts else "awaiting_ethics",
        score=grade.score if counts else None,
        provisional_score=grade.score,
        assessed_at=grade.graded_at,
        submission_sha256=version.sha256,
        evidence=grade,
    )


def component_scores(
    enrolment: Enrolment, *, items: list[AssessmentItem] | None = None
) -> list[ItemScore]:
    """Per live, component-bearing item of the programme: the best (labs, graded quizzes, exam)
    or final (capstone: newest grade of the newest version) score, in six queries.

    The capstone counts only when its ethics assessment is accepted (if the course requires
    one). Practice quizzes belong to no component and are not listed.
    """
    if items is None:
        items = list(
            live_items(enrolment.programme)
            .filter(component__isnull=False, component__retired_at__isnull=True)
            .select_related("component", "programme")
            .order_by("component__position", "kind", "slug")
        )
    items = [item for item in items if item.component_id is not None]
    if not items:
        return []
    attempts: dict[int, list[QuizAttempt]] = defaultdict(list)
    pending: set[int] = set()
    for attempt in QuizAttempt.objects.filter(
        enrolment=enrolment,
        item__in=items,
        mode__in=[QuizAttempt.Mode.GRADED, QuizAttempt.Mode.EXAM],
    ):
        if attempt.status == QuizAttempt.Status.SUBMITTED and attempt.score is not None:
            attempts[attempt.item_id].append(attempt)
        else:
            pending.add(attempt.item_id)
    labs: dict[int, list[LabSubmission]] = defaultdict(list)
    tried: set[int] = set()
    for submission in LabSubmission.objects.filter(enrolment=enrolment, item__in=items).defer(
        "source", "result"
    ):
        tried.add(submission.item_id)
        if submission.status == LabSubmission.Status.GRADED and submission.score is not None:
            labs[submission.item_id].append(submission)
        elif submission.pending:
            pending.add(submission.item_id)
    capstone_items = [item for item in items if item.kind == "capstone"]
    newest: dict[int, CapstoneSubmission] = {}
    grades: dict[int, RubricGrade] = {}
    ethics: dict[int, EthicsAssessment] = {}
    if capstone_items:
        for version in CapstoneSubmission.objects.filter(
            enrolment=enrolment, item__in=capstone_items
        ).order_by("version"):
            newest[version.item_id] = version
        for grade in RubricGrade.objects.filter(submission__in=list(newest.values())).order_by(
            "graded_at", "pk"
        ):
            grades[grade.submission_id] = grade
        for assessment in EthicsAssessment.objects.filter(
            enrolment=enrolment, item__in=capstone_items
        ).order_by("version"):
            ethics[assessment.item_id] = assessment
    scores = []
    for item in items:
        version = newest.get(item.pk)
        scores.append(
            item_score(
                item,
                attempts=attempts.get(item.pk, []),
                labs=labs.get(item.pk, []),
                pending=item.pk in pending,
                tried=item.pk in tried,
                version=version,
                grade=grades.get(version.pk) if version is not None else None,
                ethics=ethics.get(item.pk),
                ethics_needed=item.kind == "capstone" and ethics_required(item),
            )
        )
    return scores


def my_component_scores(user: User, programme: Programme) -> list[ItemScore]:
    """The reader's own scores (learners); empty for anyone not enrolled."""
    if not user.is_authenticated:
        return []
    enrolment = Enrolment.objects.filter(learner=user, programme=programme).first()
    return component_scores(enrolment) if enrolment is not None else []
