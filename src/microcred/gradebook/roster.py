"""Every learner of a programme at once: item scores, grades and activity in a constant number
of queries (the instructors' gradebook must not cost one query per learner).

`cohort_scores` fetches for all enrolments of a programme what
`assessment.queries.component_scores` fetches for one, and both apply the same per-item rule,
`assessment.queries.item_score`; a test holds the two to the same answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max

from microcred.assessment.models import (
    CapstoneSubmission,
    EthicsAssessment,
    LabSubmission,
    QuizAttempt,
    RubricGrade,
)
from microcred.assessment.queries import ItemScore, ethics_required, item_score, live_items
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.learning.models import Enrolment, LessonProgress


def scored_items(programme: Programme) -> list[AssessmentItem]:
    return list(
        live_items(programme)
        .filter(component__isnull=False, component__retired_at__isnull=True)
        .select_related("component", "programme")
        .order_by("component__position", "kind", "slug")
    )


@dataclass
class Cohort:
    items: list[AssessmentItem]
    scores: dict[int, list[ItemScore]]  # enrolment id -> one score per item
    exam_started: set[int]  # enrolment ids with an exam attempt (any status)
    last_activity: dict[int, datetime]  # enrolment id -> the latest thing they did


def cohort_scores(programme: Programme, enrolments: Sequence[Enrolment]) -> Cohort:
    """Scores and activity of `enrolments` (of `programme`) in eight queries."""
    items = scored_items(programme)
    ids = [e.pk for e in enrolments]
    activity: dict[int, list[datetime | None]] = defaultdict(list)
    attempts: dict[tuple[int, int], list[QuizAttempt]] = defaultdict(list)
    pending: set[tuple[int, int]] = set()
    exam_started: set[int] = set()
    exam_items = {item.pk for item in items if item.kind == "exam"}
    for attempt in QuizAttempt.objects.filter(enrolment_id__in=ids).only(
        "enrolment_id",
        "item_id",
        "mode",
        "status",
        "score",
        "started_at",
        "submitted_at",
        "answers_sha256",
    ):
        activity[attempt.enrolment_id] += [attempt.started_at, attempt.submitted_at]
        if attempt.item_id in exam_items:
            exam_started.add(attempt.enrolment_id)
        if attempt.mode == QuizAttempt.Mode.PRACTICE:
            continue
        key = (attempt.enrolment_id, attempt.item_id)
        if attempt.status == QuizAttempt.Status.SUBMITTED and attempt.score is not None:
            attempts[key].append(attempt)
        else:
            pending.add(key)
    labs: dict[tuple[int, int], list[LabSubmission]] = defaultdict(list)
    tried: set[tuple[int, int]] = set()
    for submission in LabSubmission.objects.filter(enrolment_id__in=ids).defer("source", "result"):
        activity[submission.enrolment_id].append(submission.submitted_at)
        key = (submission.enrolment_id, submission.item_id)
        tried.add(key)
        if submission.status == LabSubmission.Status.GRADED and submission.score is not None:
            labs[key].append(submission)
        elif submission.pending:
            pending.add(key)
    newest: dict[tuple[int, int], CapstoneSubmission] = {}
    for version in CapstoneSubmission.objects.filter(enrolment_id__in=ids).order_by("version"):
        activity[version.enrolment_id].append(version.submitted_at)
        newest[(version.enrolment_id, version.item_id)] = version
    grades: dict[int, RubricGrade] = {}
    for grade in RubricGrade.objects.filter(
        submission_id__in=[v.pk for v in newest.values()]
    ).order_by("graded_at", "pk"):
        grades[grade.submission_id] = grade
    ethics: dict[tuple[int, int], EthicsAssessment] = {}
    for assessment in EthicsAssessment.objects.filter(enrolment_id__in=ids).order_by("version"):
        activity[assessment.enrolment_id].append(assessment.submitted_at)
        ethics[(assessment.enrolment_id, assessment.item_id)] = assessment
    by_learner = {e.learner_id: e.pk for e in enrolments}
    for row in (
        LessonProgress.objects.filter(
            learner_id__in=list(by_learner), lesson__module__programme=programme
        )
        .values("learner_id")
        .annotate(opened=Max("last_opened_at"), completed=Max("completed_at"))
    ):
        activity[by_learner[row["learner_id"]]] += [row["opened"], row["completed"]]
    scores: dict[int, list[ItemScore]] = {}
    required = {item.pk: ethics_required(item) for item in items if item.kind == "capstone"}
    for enrolment_id in ids:
        found = []
        for item in items:
            key = (enrolment_id, item.pk)
            version = newest.get(key)
            found.append(
                item_score(
                    item,
                    attempts=attempts.get(key, []),
                    labs=labs.get(key, []),
                    pending=key in pending,
                    tried=key in tried,
                    version=version,
                    grade=grades.get(version.pk) if version is not None else None,
                    ethics=ethics.get(key),
                    ethics_needed=required.get(item.pk, False),
                )
            )
        scores[enrolment_id] = found
    last = {
        enrolment_id: max(when for when in moments if when is not None)
        for enrolment_id, moments in activity.items()
        if any(when is not None for when in moments)
    }
    return Cohort(items, scores, exam_started, last)
