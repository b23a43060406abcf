"""Grading events of the assessment app, heard through Django's `post_save` (no change to the
assessment app): a submitted graded quiz or exam, a graded lab, a capstone grade, an accepted
ethics assessment. When the learner now passes and holds no credential, the award task is
enqueued **on commit** (a rolled-back grade never issues anything)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

log = logging.getLogger(__name__)


def grading_event(enrolment_id: int) -> None:
    """Enqueue the award task after commit if the learner is now due a credential."""
    from microcred.learning.models import Enrolment

    from . import services

    try:
        with transaction.atomic():  # a savepoint: a failure here never undoes the grade
            enrolment = (
                Enrolment.objects.select_related("programme").filter(pk=enrolment_id).first()
            )
            due = enrolment is not None and services.award_due(enrolment)
    except Exception:
        log.exception("could not check whether enrolment %s is due a credential", enrolment_id)
        return
    if due:
        transaction.on_commit(lambda: services.enqueue_award(enrolment_id))


def _quiz_attempt(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.status == "submitted" and instance.mode != "practice":
        grading_event(instance.enrolment_id)


def _lab_submission(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.status == "graded":
        grading_event(instance.enrolment_id)


def _rubric_grade(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and kwargs.get("created"):
        grading_event(instance.submission.enrolment_id)


def _ethics(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.status == "accepted":
        grading_event(instance.enrolment_id)


def connect() -> None:
    from microcred.assessment.models import (
        EthicsAssessment,
        LabSubmission,
        QuizAttempt,
        RubricGrade,
    )

    uid = "microcred.gradebook"
    post_save.connect(_quiz_attempt, sender=QuizAttempt, dispatch_uid=f"{uid}.quiz")
    post_save.connect(_lab_submission, sender=LabSubmission, dispatch_uid=f"{uid}.lab")
    post_save.connect(_rubric_grade, sender=RubricGrade, dispatch_uid=f"{uid}.rubric")
    post_save.connect(_ethics, sender=EthicsAssessment, dispatch_uid=f"{uid}.ethics")
