"""Writes for the learning app: enrol, review admission evidence, withdraw, record progress, and
change course teams.

Each service re-checks who may do what, so the views, the CLI and tests share one rule set;
e-mails and file clean-up run after commit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from microcred.accounts.models import STAFF_ROLES, User
from microcred.curriculum.models import Lesson, Programme

from .admission import Admission, EvidenceError, check_evidence, declaration_text
from .models import Enrolment, LessonProgress, TeachingAssignment, TeamEvent
from .queries import check_teaches


class LearningError(Exception):
    """A refused operation; the message is translated and safe to show."""


def _delete_file_later(file: FieldFile) -> None:
    name, storage = file.name, file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def enrol_learner(
    learner: User,
    programme: Programme,
    *,
    declaration_accepted: bool,
    language: str,
    evidence: UploadedFile | None = None,
) -> Enrolment:
    """Apply for (or, when no evidence is needed, join) a programme.

    Courses whose admission asks for evidence start `pending` until an instructor reviews
    it; others are `active` at once. Re-applying after a rejection or withdrawal reuses the row.
    """
    if not learner.has_role(User.Role.LEARNER):
        raise LearningError(_("Only learner accounts can enrol."))
    if not learner.email_verified:
        raise LearningError(_("Verify your e-mail address before enrolling."))
    if programme.retired_at is not None:
        raise LearningError(_("This course is no longer offered."))
    if not declaration_accepted:
        raise LearningError(_("You must accept the declaration to enrol."))
    admission = Admission.of(programme.description)
    content_type = ""
    if admission.evidence_required:
        if evidence is None:
            raise LearningError(_("This course asks for evidence of your qualification."))
        try:
            content_type = check_evidence(evidence)
        except EvidenceError as error:
            raise LearningError(str(error)) from error
    enrolment = (
        Enrolment.objects.select_for_update().filter(learner=learner, programme=programme).first()
    )
    if enrolment is not None and enrolment.status in (
        Enrolment.Status.PENDING,
        Enrolment.Status.ACTIVE,
    ):
        raise LearningError(_("You are already enrolled in this course or awaiting review."))
    if enrolment is None:
        enrolment = Enrolment(learner=learner, programme=programme)
    elif enrolment.evidence:
        _delete_file_later(enrolment.evidence)
    now = timezone.now()
    enrolment.status = (
        Enrolment.Status.PENDING if admission.evidence_required else Enrolment.Status.ACTIVE
    )
    enrolment.declaration_text = declaration_text(admission, language)
    enrolment.declaration_accepted_at = now
    enrolment.reviewer = None
    enrolment.reviewed_at = None
    enrolment.review_reason = ""
    enrolment.evidence_name = ""
    enrolment.evidence_content_type = ""
    enrolment.evidence_size = None
    enrolment.evidence = None  # type: ignore[assignment]
    if admission.evidence_required and evidence is not None:
        enrolment.evidence_name = (evidence.name or "")[-255:]
        enrolment.evidence_content_type = content_type
        enrolment.evidence_size = evidence.size
        enrolment.evidence.save(evidence.name or "evidence", evidence, save=False)
    enrolment.save()
    return enrolment


def _send_decision(enrolment: Enrolment) -> None:
    learner = enrolment.learner
    if not learner.email:
        return
    with translation.override(learner.preferred_language or settings.LANGUAGE_CODE):
        context = {"enrolment": enrolment, "learner": learner}
        subject = render_to_string("learning/email/decision_subject.txt", context).strip()
        body = render_to_string("learning/email/decision_body.txt", context)
    send_mail(subject, body, None, [learner.email])


@transaction.atomic
def review_admission_evidence(
    reviewer: User, enrolment_id: int, *, approve: bool, reason: str = ""
) -> Enrolment:
    """A decision on a pending application by the course's team (or an administrator); a
    rejection must say why."""
    if not reviewer.has_role(*STAFF_ROLES):
        raise LearningError(_("Only instructors and administrators review applications."))
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("learner", "programme")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is not None:
        check_teaches(reviewer, enrolment.programme_id)
    if enrolment is None or enrolment.status != Enrolment.Status.PENDING:
        raise LearningError(_("This application is no longer waiting for review."))
    if enrolment.learner_id == reviewer.pk:
        raise LearningError(_("You cannot review your own application."))
    reason = reason.strip()
    if not approve and not reason:
        raise LearningError(_("Give the applicant a reason for the rejection."))
    enrolment.status = Enrolment.Status.ACTIVE if approve else Enrolment.Status.REJECTED
    enrolment.reviewer = reviewer
    enrolment.reviewed_at = timezone.now()
    enrolment.review_reason = reason
    enrolment.save()
    transaction.on_commit(lambda: _send_decision(enrolment))
    return enrolment


@transaction.atomic
def withdraw_enrolment(learner: User, programme: Programme) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_for_update().filter(learner=learner, programme=programme).first()
    )
    if enrolment is None or enrolment.status not in (
        Enrolment.Status.PENDING,
        Enrolment.Status.ACTIVE,
    ):
        raise LearningError(_("You are not enrolled in this course."))
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save(update_fields=["status", "updated_at"])
    return enrolment


@transaction.atomic
def record_lesson_progress(
    learner: User, lesson: Lesson, *, opened: bool = False, completed: bool | None = None
) -> LessonProgress:
    """Note that a learner opened a lesson and/or (un)marked it complete.

    Only learners with an active enrolment have progress; staff previewing a course do not.
    """
    programme_id = lesson.module.programme_id
    if not Enrolment.objects.filter(
        learner=learner, programme_id=programme_id, status=Enrolment.Status.ACTIVE
    ).exists():
        raise LearningError(_("You are not enrolled in this course."))
    if lesson.retired_at is not None or lesson.status != "published":
        raise LearningError(_("This lesson is not available."))
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        learner=learner, lesson=lesson
    )
    now = timezone.now()
    if opened or (completed and progress.first_opened_at is None):
        progress.first_opened_at = progress.first_opened_at or now
        progress.last_opened_at = now
    if completed is True and progress.completed_at is None:
        progress.completed_at = now
    elif completed is False:
        progress.completed_at = None
    progress.save()
    return progress


# ---------------------------------------------------------------------------- course teams


def _actor_label(actor: User | str) -> str:
    """Who changes a team: an administrator signed in to the web (checked here), or a trusted
    caller with shell access to the instance (the CLI, the demo seeding), named by a label."""
    if isinstance(actor, str):
        label = actor.strip()
        if not label:
            raise ValueError("actor: name who makes the change, e.g. 'cli:alice'")
        return label[:200]
    if not (actor.is_authenticated and actor.is_active and actor.has_role(User.Role.ADMINISTRATOR)):
        raise PermissionDenied("only administrators change course teams")
    return f"user:{actor.username}"


def _team_member(username: str) -> User:
    username = username.strip()
    if not username:
        raise LearningError(_("Enter the username of an instructor."))
    user = User.objects.filter(username=username).first()
    if user is None:
        raise LearningError(
            _("There is no account with the username %(name)s.") % {"name": username}
        )
    return user


@transaction.atomic
def assign_instructor(actor: User | str, programme: Programme, username: str) -> TeachingAssignment:
    """Add an instructor to a programme's team, which lets them see and act on its learners.

    Only accounts with the instructor role: administrators see every course anyway, and a
    learner must never be given staff access to classmates through a team.
    """
    label = _actor_label(actor)
    user = _team_member(username)
    if not user.has_role(User.Role.INSTRUCTOR):
        raise LearningError(
            _(
                "%(name)s is not an instructor (their role is %(role)s): only instructors join "
                "a course team."
            )
            % {"name": user.username, "role": user.get_role_display()}
        )
    if not user.is_active:
        raise LearningError(_("The account %(name)s is deactivated.") % {"name": user.username})
    if TeachingAssignment.objects.filter(programme=programme, instructor=user).exists():
        raise LearningError(
            _("%(name)s is already in the team of this course.") % {"name": user.username}
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            assignment = TeachingAssignment.objects.create(
                programme=programme, instructor=user, assigned_at=now, assigned_by=label
            )
    except IntegrityError as error:  # added concurrently
        raise LearningError(
            _("%(name)s is already in the team of this course.") % {"name": user.username}
        ) from error
    TeamEvent.objects.create(
        programme=programme,
        instructor=user,
        action=TeamEvent.Action.ADDED,
        actor=label,
        created_at=now,
    )
    return assignment


@transaction.atomic
def remove_instructor(actor: User | str, programme: Programme, username: str) -> None:
    """Take an instructor out of a programme's team: from the next request on they no longer
    see its learners. Their past grades and reviews stay (they are the learners' history)."""
    label = _actor_label(actor)
    user = _team_member(username)
    deleted, _rows = TeachingAssignment.objects.filter(
        programme=programme, instructor=user
    ).delete()
    if not deleted:
        raise LearningError(
            _("%(name)s is not in the team of this course.") % {"name": user.username}
        )
    TeamEvent.objects.create(
        programme=programme,
        instructor=user,
        action=TeamEvent.Action.REMOVED,
        actor=label,
        created_at=timezone.now(),
    )
