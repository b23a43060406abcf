"""Writes of the assessment app: one verb-named service per state change.

Each service re-checks who may do what (an active enrolment, staff for grading), locks the row it
changes, and defers side effects (background grading, scheduled expiry, file clean-up) to
`transaction.on_commit`. Graded history is never destroyed: submissions, attempts and grades are
appended, and a graded row never changes again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import STAFF_ROLES, User
from microcred.accounts.two_factor import programme_requires_two_factor
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.learning.models import Enrolment
from microcred.learning.queries import check_teaches

from . import papers, peers, uploads
from .models import (
    CapstoneSubmission,
    EthicsAssessment,
    LabSubmission,
    PeerReview,
    QuizAnswer,
    QuizAttempt,
    RubricGrade,
)

log = logging.getLogger(__name__)

# A learner may not queue a second lab submission while one waits, unless the waiting one is
# this old (a stopped worker must not block a learner for ever).
LAB_PENDING_LIMIT = timedelta(minutes=15)


class AssessmentError(Exception):
    """A refused operation; the message is translated and safe to show."""


# ------------------------------------------------------------------------------------ shared


def learner_key(enrolment: Enrolment) -> str:
    """The learner part of paper and lab seeds."""
    return str(enrolment.learner_id)


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _active_enrolment(learner: User, programme: Programme) -> Enrolment:
    """The learner's active enrolment, locked: it serialises attempt numbering per learner."""
    if not learner.is_authenticated or not learner.has_role(User.Role.LEARNER):
        raise AssessmentError(_("Only enrolled learners can do assessed work."))
    enrolment = (
        Enrolment.objects.select_for_update().filter(learner=learner, programme=programme).first()
    )
    if enrolment is None or not enrolment.is_active:
        raise AssessmentError(_("You are not enrolled in this course."))
    return enrolment


def _live_item(item: AssessmentItem, *kinds: str) -> None:
    if item.kind not in kinds:
        raise AssessmentError(_("This is not that kind of assessment."))
    if item.retired_at is not None:
        raise AssessmentError(_("This assessment is no longer offered."))


def _supervision(programme: Programme) -> dict[str, Any]:
    description = programme.description if isinstance(programme.description, dict) else {}
    return description.get("supervision_and_identity_verification") or {}


def _require_staff(user: User) -> None:
    if not user.is_authenticated or not user.has_role(*STAFF_ROLES):
        raise AssessmentError(_("Only instructors and administrators can do this."))


def _exam_grace() -> timedelta:
    """Answers arriving this long after the deadline are still accepted (default none)."""
    return timedelta(seconds=int(getattr(settings, "MICROCRED_EXAM_GRACE_SECONDS", 0)))


# ------------------------------------------------------------------------ quizzes and the exam


def _mode(item: AssessmentItem) -> str:
    if item.kind == "exam":
        return QuizAttempt.Mode.EXAM
    if item.spec.get("mode") == "graded":
        return QuizAttempt.Mode.GRADED
    return QuizAttempt.Mode.PRACTICE


def _expired(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + _exam_grace()


def _answers_digest(answers: Sequence[QuizAnswer]) -> str:
    canonical = json.dumps(
        [{"question": str(a.question_uuid), "selected": list(a.selected)} for a in answers],
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _finalise(attempt: QuizAttempt, now: datetime, *, auto: bool = False) -> QuizAttempt:
    """Mark every answer (unchecked practice answers count as wrong) and score the attempt."""
    answers = list(attempt.answers.select_for_update().order_by("position"))
    points = possible = 0.0
    for answer in answers:
        result = papers.mark(answer.question, answer.selected)
        answer.correct = result.correct
        answer.points = result.points
        answer.max_points = result.max_points
        points += result.points
        possible += result.max_points
    QuizAnswer.objects.bulk_update(answers, ["correct", "points", "max_points"])
    attempt.points = points
    attempt.max_points = possible
    attempt.score = papers.share(points, possible)
    attempt.answers_sha256 = _answers_digest(answers)
    attempt.status = QuizAttempt.Status.SUBMITTED
    attempt.submitted_at = now
    attempt.auto_submitted = auto
    attempt.save()
    return attempt


def _schedule_expiry(attempt: QuizAttempt) -> None:
    """Close the exam at its deadline even if nobody touches it again (deferring backends)."""
    from . import tasks

    task = tasks.close_expired_attempt
    if attempt.deadline is None or not task.get_backend().supports_defer:
        return
    run_after = attempt.deadline + _exam_grace() + timedelta(seconds=1)
    task.using(run_after=run_after).enqueue(attempt.pk)


def start_attempt(
    learner: User,
    item: AssessmentItem,
    *,
    two_factor_verified: bool = False,
    now: datetime | None = None,
) -> QuizAttempt:
    """Start (or resume) an attempt at a quiz or the exam and draw its paper.

    An attempt in progress is resumed rather than duplicated; one whose deadline has passed is
    submitted first (in its own transaction, so a refusal to start a new one keeps it closed).
    The exam is limited to the course's number of attempts, gets a server-side deadline,
    records the supervision and identity-verification level promised by the course, and needs
    a second factor when the course asks for one (the view checks the session with
    `require_two_factor_for` too).
    """
    now = _now(now)
    _close_expired_attempts(learner, item, now)
    return _start_attempt(learner, item, two_factor_verified=two_factor_verified, now=now)


@transaction.atomic
def _close_expired_attempts(learner: User, item: AssessmentItem, now: datetime) -> None:
    expired = QuizAttempt.objects.select_for_update().filter(
        enrolment__learner_id=learner.pk,
        item=item,
        status=QuizAttempt.Status.IN_PROGRESS,
        deadline__isnull=False,
        deadline__lt=now - _exam_grace(),
    )
    for attempt in expired:
        _finalise(attempt, now, auto=True)


@transaction.atomic
def _start_attempt(
    learner: User, item: AssessmentItem, *, two_factor_verified: bool, now: datetime
) -> QuizAttempt:
    _live_item(item, "quiz", "exam")
    programme = item.programme
    enrolment = _active_enrolment(learner, programme)
    mode = _mode(item)
    attempts = QuizAttempt.objects.filter(enrolment=enrolment, item=item)
    current = attempts.filter(status=QuizAttempt.Status.IN_PROGRESS).first()
    if current is not None:
        return current
    graded = mode != QuizAttempt.Mode.PRACTICE
    if graded and programme_requires_two_factor(programme) and not two_factor_verified:
        raise AssessmentError(_("This course asks for two-factor authentication first."))
    spec = item.spec
    allowed = int(spec.get("attempts") or 0) if mode == QuizAttempt.Mode.EXAM else 0
    taken = attempts.count()
    if allowed and taken >= allowed:
        raise AssessmentError(_("You have used all your attempts at this examination."))
    number = taken + 1
    seed = papers.paper_seed(learner_key(enrolment), str(item.uuid), number)
    paper = papers.draw_paper(spec.get("items", []), spec.get("questions_per_attempt"), seed)
    if not paper:
        raise AssessmentError(_("This assessment has no questions yet."))
    supervision = identity = ""
    if mode == QuizAttempt.Mode.EXAM:
        promised = _supervision(programme)
        supervision = str(promised.get("supervision") or "none")
        identity = str(promised.get("identity_verification") or "none")
    duration = spec.get("duration_minutes") if mode == QuizAttempt.Mode.EXAM else None
    attempt = QuizAttempt.objects.create(
        enrolment=enrolment,
        item=item,
        number=number,
        mode=mode,
        seed=seed,
        started_at=now,
        deadline=now + timedelta(minutes=int(duration)) if duration else None,
        supervision=supervision,
        identity_verification=identity,
        two_factor_verified=two_factor_verified,
    )
    QuizAnswer.objects.bulk_create(
        QuizAnswer(
            attempt=attempt,
            position=drawn.position,
            question_uuid=drawn.uuid,
            question_code=str(drawn.question.get("id", "")),
            question=drawn.question,
            max_points=papers.question_points(drawn.question),
        )
        for drawn in paper
    )
    if attempt.deadline is not None:
        transaction.on_commit(lambda: _schedule_expiry(attempt))
    return attempt


def _owned_attempt(learner: User, attempt_id: int) -> QuizAttempt:
    attempt = (
        QuizAttempt.objects.select_for_update()
        .select_related("item__programme", "enrolment")
        .filter(pk=attempt_id, enrolment__learner_id=learner.pk)
        .first()
    )
    if attempt is None:
        raise AssessmentError(_("No such attempt."))
    return attempt


@transaction.atomic
def check_practice_answer(
    learner: User,
    attempt_id: int,
    question_uuid: str,
    selected: Sequence[str],
    *,
    now: datetime | None = None,
) -> QuizAnswer:
    """Practice mode: mark one answer at once (the page then shows the explanation).

    An answer is checked once; checking it again returns the first result unchanged, so item
    analysis sees first tries. When every question is answered the attempt is scored.
    """
    now = _now(now)
    attempt = _owned_attempt(learner, attempt_id)
    if not attempt.is_practice:
        raise AssessmentError(_("Answers to this assessment are marked when you submit it."))
    answer = (
        attempt.answers.select_for_update().filter(question_uuid=str(question_uuid)).first()
        if _is_uuid(question_uuid)
        else None
    )
    if answer is None:
        raise AssessmentError(_("This question is not part of your attempt."))
    if answer.checked:
        return answer
    if not attempt.in_progress:
        raise AssessmentError(_("This attempt is finished."))
    try:
        choice = papers.clean_selection(answer.question, selected)
    except papers.InvalidAnswerError as error:
        raise AssessmentError(_("That answer does not fit the question.")) from error
    if not choice:
        raise AssessmentError(_("Choose an answer first."))
    result = papers.mark(answer.question, choice)
    answer.selected = choice
    answer.answered_at = now
    answer.correct = result.correct
    answer.points = result.points
    answer.save(update_fields=["selected", "answered_at", "correct", "points"])
    if not attempt.answers.filter(answered_at__isnull=True).exists():
        _finalise(attempt, now)
    return answer


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class SaveResult:
    attempt: QuizAttempt
    accepted: bool  # False: the attempt was already closed (or closed now at its deadline)


def _store_answers(
    attempt: QuizAttempt, answers: Mapping[str, Sequence[str]], now: datetime
) -> None:
    rows = {str(a.question_uuid): a for a in attempt.answers.select_for_update()}
    unknown = set(map(str, answers)) - set(rows)
    if unknown:
        raise AssessmentError(_("This question is not part of your attempt."))
    changed = []
    for key, selected in answers.items():
        answer = rows[str(key)]
        try:
            choice = papers.clean_selection(answer.question, selected)
        except papers.InvalidAnswerError as error:
            raise AssessmentError(_("That answer does not fit the question.")) from error
        if choice != list(answer.selected):
            answer.selected = choice
            answer.answered_at = now
            changed.append(answer)
    if changed:
        QuizAnswer.objects.bulk_update(changed, ["selected", "answered_at"])


@transaction.atomic
def save_answers(
    learner: User,
    attempt_id: int,
    answers: Mapping[str, Sequence[str]],
    *,
    now: datetime | None = None,
) -> SaveResult:
    """Autosave of a graded quiz or the exam. After the deadline nothing is saved: the attempt
    is submitted with the answers saved in time, and the result says so (`accepted=False`)."""
    now = _now(now)
    attempt = _owned_attempt(learner, attempt_id)
    if attempt.is_practice:
        raise AssessmentError(_("Practice answers are checked one by one."))
    if not attempt.in_progress:
        return SaveResult(attempt, accepted=False)
    if _expired(attempt, now):
        return SaveResult(_finalise(attempt, now, auto=True), accepted=False)
    _store_answers(attempt, answers, now)
    return SaveResult(attempt, accepted=True)


@transaction.atomic
def submit_attempt(
    learner: User,
    attempt_id: int,
    answers: Mapping[str, Sequence[str]] | None = None,
    *,
    now: datetime | None = None,
) -> SaveResult:
    """Save the last answers (unless the deadline has passed) and score the attempt.

    Submitting twice is harmless: the second call returns the scored attempt unchanged.
    """
    now = _now(now)
    attempt = _owned_attempt(learner, attempt_id)
    if not attempt.in_progress:
        return SaveResult(attempt, accepted=False)
    if _expired(attempt, now):
        return SaveResult(_finalise(attempt, now, auto=True), accepted=False)
    if answers and not attempt.is_practice:
        _store_answers(attempt, answers, now)
    return SaveResult(_finalise(attempt, now), accepted=True)


@transaction.atomic
def close_expired_attempt(attempt_id: int, *, now: datetime | None = None) -> QuizAttempt | None:
    """Submit an exam whose time is up (when it is next touched, or by the scheduled task).
    Idempotent: an attempt that is closed or still running is returned unchanged."""
    now = _now(now)
    attempt = QuizAttempt.objects.select_for_update().filter(pk=attempt_id).first()
    if attempt is None:
        return None
    if attempt.in_progress and _expired(attempt, now):
        _finalise(attempt, now, auto=True)
    return attempt


# ------------------------------------------------------------------------------------- labs


def _max_source_bytes(item: AssessmentItem) -> int:
    grading = item.spec.get("grading") or {}
    limits = grading.get("limits") or {}
    return int(limits.get("max_source_kib", 256)) * 1024


@transaction.atomic
def submit_lab(
    learner: User, item: AssessmentItem, source: str, *, now: datetime | None = None
) -> LabSubmission:
    """Store a lab submission and queue it for grading (after commit)."""
    _live_item(item, "lab")
    now = _now(now)
    enrolment = _active_enrolment(learner, item.programme)
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    if not source.strip():
        raise AssessmentError(_("Your file is empty."))
    encoded = source.encode("utf-8", errors="surrogatepass")
    limit = _max_source_bytes(item)
    if len(encoded) > limit:
        raise AssessmentError(
            _("Your file is larger than %(kib)s KiB.") % {"kib": f"{limit / 1024:g}"}
        )
    submissions = LabSubmission.objects.filter(enrolment=enrolment, item=item)
    waiting = submissions.filter(
        status__in=[LabSubmission.Status.QUEUED, LabSubmission.Status.RUNNING],
        submitted_at__gt=now - LAB_PENDING_LIMIT,
    )
    if waiting.exists():
        raise AssessmentError(_("Your previous submission is still being graded; wait for it."))
    number = (submissions.aggregate(last=Max("attempt"))["last"] or 0) + 1
    submission = LabSubmission.objects.create(
        enrolment=enrolment,
        item=item,
        attempt=number,
        source=source,
        sha256=hashlib.sha256(encoded).hexdigest(),
        submitted_at=now,
    )
    transaction.on_commit(lambda: _enqueue_grading(submission.pk))
    return submission


def _enqueue_grading(submission_id: int) -> None:
    from . import tasks

    tasks.grade_lab_submission.enqueue(submission_id)


@transaction.atomic
def claim_lab_submission(submission_id: int) -> LabSubmission | None:
    """The worker takes a submission: queued (or left running by a stopped worker) -> running.
    None when there is nothing to do (unknown, or already graded)."""
    submission = (
        LabSubmission.objects.select_for_update()
        .select_related("item__programme", "enrolment")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or submission.status in LabSubmission.FINAL:
        return None
    submission.status = LabSubmission.Status.RUNNING
    submission.started_at = timezone.now()
    submission.save(update_fields=["status", "started_at"])
    return submission


@transaction.atomic
def record_lab_result(submission_id: int, result: Mapping[str, Any]) -> LabSubmission | None:
    """Store a GradeResult (as JSON). A submission that is already graded keeps its grade."""
    submission = LabSubmission.objects.select_for_update().filter(pk=submission_id).first()
    if submission is None or submission.status in LabSubmission.FINAL:
        return submission
    gradable = bool(result.get("gradable"))
    submission.status = LabSubmission.Status.GRADED if gradable else LabSubmission.Status.UNGRADABLE
    submission.result = dict(result)
    submission.score = float(result.get("score", 0.0)) if gradable else None
    submission.points = float(result.get("points", 0.0)) if gradable else None
    submission.max_points = float(result.get("max_points", 0.0) or 0.0)
    submission.error_class = str(result.get("error_class") or "")
    submission.graded_at = timezone.now()
    submission.save()
    return submission


# ---------------------------------------------------------------------------------- capstone


def _capstone(item: AssessmentItem) -> None:
    _live_item(item, "capstone")


@transaction.atomic
def submit_capstone(
    learner: User,
    item: AssessmentItem,
    *,
    report: UploadedFile,
    code: UploadedFile,
    now: datetime | None = None,
) -> CapstoneSubmission:
    """Store a new version of the capstone (report PDF + code archive) in private storage.

    Allowed until an instructor has graded the capstone. Peer reviews not yet written move to
    the new version; written ones stay with the version they reviewed.
    """
    _capstone(item)
    now = _now(now)
    enrolment = _active_enrolment(learner, item.programme)
    try:
        report_info = uploads.check_report(report)
        code_info = uploads.check_code_archive(code)
    except uploads.UploadError as error:
        raise AssessmentError(str(error)) from error
    versions = CapstoneSubmission.objects.filter(enrolment=enrolment, item=item)
    if RubricGrade.objects.filter(submission__in=versions).exists():
        raise AssessmentError(_("Your capstone is already graded."))
    previous = versions.order_by("-version").first()
    submission = CapstoneSubmission(
        enrolment=enrolment,
        item=item,
        version=(previous.version + 1) if previous else 1,
        report_name=(report.name or "report.pdf")[-255:],
        report_size=report_info.size,
        report_sha256=report_info.sha256,
        code_name=(code.name or "code")[-255:],
        code_size=code_info.size,
        code_sha256=code_info.sha256,
        sha256=hashlib.sha256(f"{report_info.sha256}\n{code_info.sha256}".encode()).hexdigest(),
        submitted_at=now,
    )
    submission.report.save(f"report{report_info.suffix}", report, save=False)
    submission.code.save(f"code{code_info.suffix}", code, save=False)
    submission.save()
    if previous is not None:
        PeerReview.objects.filter(
            submission__in=versions.exclude(pk=submission.pk),
            status=PeerReview.Status.ASSIGNED,
        ).update(submission=submission)
    return submission


def _rubric(item: AssessmentItem) -> list[dict[str, Any]]:
    return list(item.spec.get("rubric") or [])


def clean_rubric_scores(
    item: AssessmentItem, scores: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, dict[str, Any]], float]:
    """Check a score per criterion (level index if the rubric has levels, percent 0-100,
    comment) and return it with the weighted share in [0, 1]."""
    cleaned: dict[str, dict[str, Any]] = {}
    total = weights = 0.0
    for criterion in _rubric(item):
        code = str(criterion["id"])
        given = scores.get(code)
        if given is None:
            raise AssessmentError(_("Score every criterion of the rubric."))
        levels = criterion.get("levels") or []
        level = given.get("level")
        if levels:
            if level is None or not (0 <= int(level) < len(levels)):
                raise AssessmentError(_("Choose a level for every criterion."))
            level = int(level)
        else:
            level = None
        try:
            percent = float(given.get("percent"))  # type: ignore[arg-type]
        except (TypeError, ValueError) as error:
            raise AssessmentError(_("Give every criterion a score from 0 to 100.")) from error
        if not 0 <= percent <= 100:
            raise AssessmentError(_("Give every criterion a score from 0 to 100."))
        weight = float(criterion.get("weight", 0))
        total += weight * percent / 100
        weights += weight
        cleaned[code] = {
            "level": level,
            "percent": percent,
            "comment": str(given.get("comment", "")).strip()[:4000],
        }
    return cleaned, (total / weights if weights else 0.0)


@transaction.atomic
def grade_capstone(
    grader: User,
    submission_id: int,
    scores: Mapping[str, Mapping[str, Any]],
    *,
    comment: str = "",
    now: datetime | None = None,
) -> RubricGrade:
    """An instructor grades the newest version of a capstone on its rubric. Regrading appends
    a new grade (the newest counts); earlier grades stay as history."""
    _require_staff(grader)
    submission = (
        CapstoneSubmission.objects.select_for_update()
        .select_related("item", "enrolment")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise AssessmentError(_("No such submission."))
    check_teaches(grader, submission.item.programme_id)
    if submission.enrolment.learner_id == grader.pk:
        raise AssessmentError(_("You cannot grade your own work."))
    newest = (
        CapstoneSubmission.objects.filter(enrolment=submission.enrolment, item=submission.item)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    if newest != submission.pk:
        raise AssessmentError(_("A newer version of this capstone was submitted; grade that one."))
    cleaned, score = clean_rubric_scores(submission.item, scores)
    return RubricGrade.objects.create(
        submission=submission,
        grader=grader,
        criteria=cleaned,
        comment=comment.strip()[:8000],
        score=score,
        graded_at=_now(now),
    )


@transaction.atomic
def assign_peer_reviewers(
    staff: User, item: AssessmentItem, *, now: datetime | None = None
) -> list[PeerReview]:
    """Assign anonymous peer reviewers among the capstone's submitters (see `peers.assign`).

    Idempotent: running it again creates only what is missing (for example for learners who
    submitted since). Returns the reviews it created.
    """
    _require_staff(staff)
    _capstone(item)
    check_teaches(staff, item.programme_id)
    per_submission = int((item.spec.get("peer_review") or {}).get("reviewers_per_submission", 0))
    if per_submission <= 0:
        return []
    latest: dict[int, CapstoneSubmission] = {}
    for submission in (
        CapstoneSubmission.objects.select_for_update()
        .filter(item=item, enrolment__status=Enrolment.Status.ACTIVE)
        .order_by("enrolment_id", "version")
    ):
        latest[submission.enrolment_id] = submission
    existing: dict[int, set[int]] = {enrolment: set() for enrolment in latest}
    for review in PeerReview.objects.filter(submission__item=item).select_related("submission"):
        existing.setdefault(review.submission.enrolment_id, set()).add(review.reviewer_id)
    plan = peers.assign(
        [(enrolment, peers.ring_key(str(item.uuid), enrolment)) for enrolment in latest],
        per_submission,
        existing,
    )
    now = _now(now)
    created = [
        PeerReview(submission=latest[author], reviewer_id=reviewer, assigned_at=now)
        for author, reviewer in plan
    ]
    return PeerReview.objects.bulk_create(created)


@transaction.atomic
def submit_peer_review(
    learner: User,
    review_id: int,
    scores: Mapping[str, Mapping[str, Any]],
    *,
    comment: str = "",
    now: datetime | None = None,
) -> PeerReview:
    """A learner submits the peer review assigned to them (once; it cannot be changed after)."""
    review = (
        PeerReview.objects.select_for_update()
        .select_related("submission__item", "reviewer")
        .filter(pk=review_id, reviewer__learner_id=learner.pk)
        .first()
    )
    if review is None:
        raise AssessmentError(_("No such review."))
    if not review.reviewer.is_active:
        raise AssessmentError(_("You are not enrolled in this course."))
    if review.status == PeerReview.Status.SUBMITTED:
        raise AssessmentError(_("You have already submitted this review."))
    cleaned, _score = clean_rubric_scores(review.submission.item, scores)
    comment = comment.strip()
    if not comment:
        raise AssessmentError(_("Write a short overall comment for the author."))
    review.criteria = cleaned
    review.comment = comment[:8000]
    review.status = PeerReview.Status.SUBMITTED
    review.submitted_at = _now(now)
    review.save()
    return review


ETHICS_TEXT_FIELDS = (
    "system_description",
    "classification_rationale",
    "transparency_measures",
    "data_provenance",
    "bias_analysis",
    "human_oversight",
    "mitigations",
    "residual_risk_notes",
)


@transaction.atomic
def submit_ethics_assessment(
    learner: User,
    item: AssessmentItem,
    answers: Mapping[str, str],
    *,
    now: datetime | None = None,
) -> EthicsAssessment:
    """Submit (a new version of) the AI ethics and risk assessment for instructor review.

    Refused while a version waits for review or after one was accepted.
    """
    _capstone(item)
    enrolment = _active_enrolment(learner, item.programme)
    versions = EthicsAssessment.objects.filter(enrolment=enrolment, item=item)
    latest = versions.order_by("-version").first()
    if latest is not None and latest.status == EthicsAssessment.Status.SUBMITTED:
        raise AssessmentError(_("Your assessment is waiting for review."))
    if latest is not None and latest.accepted:
        raise AssessmentError(_("Your assessment is already accepted."))
    category = answers.get("risk_category", "")
    if category not in EthicsAssessment.RiskCategory.values:
        raise AssessmentError(_("Choose the risk category of your system."))
    area = answers.get("annex_iii_area", "") or ""
    if area not in EthicsAssessment.AnnexIIIArea.values:
        raise AssessmentError(_("Choose an Annex III area from the list."))
    if category == EthicsAssessment.RiskCategory.HIGH and not area:
        raise AssessmentError(_("A high-risk system names its Annex III area."))
    if category != EthicsAssessment.RiskCategory.HIGH:
        area = ""
    residual = answers.get("residual_risk", "")
    if residual not in EthicsAssessment.ResidualRisk.values:
        raise AssessmentError(_("Rate the residual risk."))
    texts = {name: str(answers.get(name, "")).strip()[:20000] for name in ETHICS_TEXT_FIELDS}
    optional = {"transparency_measures"}
    if category == EthicsAssessment.RiskCategory.LIMITED:
        optional = set()
    if any(not value for name, value in texts.items() if name not in optional):
        raise AssessmentError(_("Complete every section of the assessment."))
    return EthicsAssessment.objects.create(
        enrolment=enrolment,
        item=item,
        version=(latest.version + 1) if latest else 1,
        risk_category=category,
        annex_iii_area=area,
        residual_risk=residual,
        submitted_at=_now(now),
        **texts,
    )


@transaction.atomic
def review_ethics_assessment(
    reviewer: User,
    assessment_id: int,
    *,
    accept: bool,
    comment: str = "",
    now: datetime | None = None,
) -> EthicsAssessment:
    """Accept an ethics assessment or ask for changes (with a comment saying which)."""
    _require_staff(reviewer)
    assessment = (
        EthicsAssessment.objects.select_for_update()
        .select_related("enrolment")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is not None:
        check_teaches(reviewer, assessment.enrolment.programme_id)
    if assessment is None or assessment.status != EthicsAssessment.Status.SUBMITTED:
        raise AssessmentError(_("This assessment is no longer waiting for review."))
    if assessment.enrolment.learner_id == reviewer.pk:
        raise AssessmentError(_("You cannot review your own work."))
    comment = comment.strip()
    if not accept and not comment:
        raise AssessmentError(_("Tell the learner what to change."))
    if accept and assessment.risk_category == EthicsAssessment.RiskCategory.PROHIBITED:
        raise AssessmentError(
            _("A system in a prohibited category cannot be accepted; ask for changes.")
        )
    assessment.status = (
        EthicsAssessment.Status.ACCEPTED if accept else EthicsAssessment.Status.NEEDS_CHANGES
    )
    assessment.reviewer = reviewer
    assessment.reviewed_at = _now(now)
    assessment.review_comment = comment[:8000]
    assessment.save()
    return assessment
