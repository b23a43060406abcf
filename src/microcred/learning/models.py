"""Learner state that points at synced course rows: enrolments and lesson progress; and the
course teams (which instructors teach which programme), since a team is what scopes staff access
to those learners.

Rows reference curriculum rows with PROTECT: course entities are retired, never deleted
(docs/decisions/002), so enrolment history and progress survive any course change.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.curriculum.models import Lesson, Programme


def evidence_path(enrolment: Enrolment, filename: str) -> str:
    """A random name per upload: the learner's file name is kept in a column, never on disk,
    so it can neither collide nor steer the path."""
    suffix = PurePath(filename).suffix.lower()
    return f"evidence/{enrolment.programme.uuid}/{uuid.uuid4().hex}{suffix}"


class Enrolment(models.Model):
    """One learner in one programme. Re-applying after a rejection or withdrawal reuses the row,
    so there is one history per learner and course."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Rejected")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # The exact declaration shown and accepted, in the language it was shown in: what the
    # learner agreed to must not change when the course or a translation does.
    declaration_text = models.TextField()
    declaration_accepted_at = models.DateTimeField()
    evidence = models.FileField(upload_to=evidence_path, blank=True, max_length=255)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_enrolments",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "programme"], name="learning_enrolment_learner_programme"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="learning_enrol_status")]

    def __str__(self) -> str:
        return f"{self.learner_id} in {self.programme_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class LessonProgress(models.Model):
    """Whether a learner opened and completed a lesson; `last_opened_at` drives "resume"."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="progress")
    first_opened_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson"], name="learning_progress_learner_lesson"
            )
        ]
        indexes = [
            models.Index(fields=["learner", "last_opened_at"], name="learning_progress_recent")
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} / {self.lesson_id}"

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


class TeachingAssignment(models.Model):
    """An instructor in a programme's team: the one fact that lets an instructor see and act on
    that programme's learners. Administrators need none. Written only by
    `services.assign_instructor` / `services.remove_instructor`, which also write `TeamEvent`."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="teaching_assignments"
    )
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="teaching_assignments"
    )
    assigned_at = models.DateTimeField()
    assigned_by = models.CharField(max_length=200)  # "user:<username>", "cli:<login>", "demo"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "instructor"], name="learning_team_programme_instructor"
            )
        ]
        indexes = [models.Index(fields=["instructor"], name="learning_team_instructor")]

    def __str__(self) -> str:
        return f"{self.instructor_id} teaches {self.programme_id}"


class TeamEvent(models.Model):
    """Append-only: who added or removed whom from which course team, and when. The assignment
    row itself is deleted on removal, so this log is where past access is answered from."""

    class Action(models.TextChoices):
        ADDED = "added", _("Added to the team")
        REMOVED = "removed", _("Removed from the team")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="team_events")
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_events"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.instructor_id} {self.action} in {self.programme_id} by {self.actor}"
