"""Learner work and its grades: quiz and exam attempts, lab submissions, the capstone.

Every row belongs to an `Enrolment` (the learner in the programme) and points at a synced
`AssessmentItem` with PROTECT: items are retired, never deleted (docs/decisions/002), and graded
history is never destroyed (no service deletes or rewrites a graded row; regrading appends).
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred.curriculum.models import AssessmentItem
from microcred.learning.models import Enrolment

from .storage import PrivateStorage

# ------------------------------------------------------------------------ quizzes and the exam


class QuizAttempt(models.Model):
    """One attempt at a module quiz (practice or graded) or at the exam.

    The drawn paper is stored in the attempt's answers (a snapshot of each question with its
    options in the order shown), so a later change of the course never changes a paper.
    """

    class Mode(models.TextChoices):
        PRACTICE = "practice", _("Practice")
        GRADED = "graded", _("Graded quiz")
        EXAM = "exam", _("Examination")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="quiz_attempts")
    item = models.ForeignKey(AssessmentItem, on_delete=models.PROTECT, related_name="quiz_attempts")
    number = models.PositiveIntegerField()
    mode = models.CharField(max_length=20, choices=Mode.choices)
    seed = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(default=timezone.now)
    # Exams only: set at start from the duration; answers after it are refused by the server.
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(default=False)
    score = models.FloatField(null=True, blank=True)  # share of points in [0, 1]
    points = models.FloatField(null=True, blank=True)
    max_points = models.FloatField(null=True, blank=True)
    # SHA-256 of the canonical JSON of the final answers: the evidence a credential cites.
    answers_sha256 = models.CharField(max_length=64, blank=True)
    # What the course promised at start (Annex I "supervision and identity verification").
    supervision = models.CharField(max_length=30, blank=True)
    identity_verification = models.CharField(max_length=30, blank=True)
    two_factor_verified = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "item", "number"], name="assessment_attempt_number"
            )
        ]
        indexes = [models.Index(fields=["item", "status"], name="assessment_attempt_item")]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.enrolment_id} at {self.item_id}"

    @property
    def in_progress(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def is_practice(self) -> bool:
        return self.mode == self.Mode.PRACTICE

    @property
    def percent(self) -> float | None:
        return None if self.score is None else round(100 * self.score, 1)


class QuizAnswer(models.Model):
    """One drawn question of an attempt and the learner's answer to it.

    Created with the attempt (so "shown but not answered" is visible to item analysis);
    `correct` is set when the answer is checked (practice) or the attempt is submitted.
    """

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveIntegerField()
    question_uuid = models.UUIDField()
    question_code = models.CharField(max_length=80)
    question = models.JSONField()  # snapshot: stem, options in the order shown, explanation
    selected = models.JSONField(default=list)
    answered_at = models.DateTimeField(null=True, blank=True)
    correct = models.BooleanField(null=True, blank=True)
    points = models.FloatField(null=True, blank=True)
    max_points = models.FloatField(default=1)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question_uuid"], name="assessment_answer_question"
            )
        ]
        indexes = [models.Index(fields=["question_uuid"], name="assessment_answer_uuid")]

    def __str__(self) -> str:
        return f"{self.question_code} in {self.attempt_id}"

    @property
    def checked(self) -> bool:
        return self.correct is not None


# ------------------------------------------------------------------------------------- labs


class LabSubmission(models.Model):
    """One submitted file for an auto-graded lab; graded in the background.

    `queued` -> `running` -> `graded` (a score, any value) or `ungradable` (no grade could be
    produced: a syntax error, a broken lab, the sandbox unavailable). A graded or ungradable row
    never changes again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Grading")
        GRADED = "graded", _("Graded")
        UNGRADABLE = "ungradable", _("Could not be graded")

    FINAL = (Status.GRADED, Status.UNGRADABLE)

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="lab_submissions"
    )
    item = models.ForeignKey(
        AssessmentItem, on_delete=models.PROTECT, related_name="lab_submissions"
    )
    attempt = models.PositiveIntegerField()
    source = models.TextField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(null=True, blank=True)  # GradeResult.model_dump(mode="json")
    score = models.FloatField(null=True, blank=True)  # in [0, 1], set when graded
    points = models.FloatField(null=True, blank=True)
    max_points = models.FloatField(null=True, blank=True)
    error_class = models.CharField(max_length=20, blank=True)  # learner | author | system
    submitted_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "item", "attempt"], name="assessment_lab_attempt"
            )
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="assessment_lab_status")]

    def __str__(self) -> str:
        return f"lab attempt {self.attempt} of {self.enrolment_id} at {self.item_id}"

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> float | None:
        return None if self.score is None else round(100 * self.score, 1)


# ---------------------------------------------------------------------------------- capstone


def capstone_path(submission: CapstoneSubmission, filename: str) -> str:
    """A random name per file; the learner's file name is a column, never a path."""
    suffix = "".join(PurePath(filename).suffixes[-2:]).lower()
    programme = submission.item.programme.uuid
    return f"capstone/{programme}/{uuid.uuid4().hex}{suffix}"


class CapstoneSubmission(models.Model):
    """One version of a learner's capstone: the report (PDF) and the code archive.

    A learner may submit a new version until the capstone is graded; earlier versions stay.
    Files live in private storage (never under a URL) and are served by views that check who asks.
    """

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="capstone_submissions"
    )
    item = models.ForeignKey(
        AssessmentItem, on_delete=models.PROTECT, related_name="capstone_submissions"
    )
    version = models.PositiveIntegerField()
    report = models.FileField(upload_to=capstone_path, storage=PrivateStorage(), max_length=255)
    report_name = models.CharField(max_length=255)
    report_size = models.PositiveBigIntegerField()
    report_sha256 = models.CharField(max_length=64)
    code = models.FileField(upload_to=capstone_path, storage=PrivateStorage(), max_length=255)
    code_name = models.CharField(max_length=255)
    code_size = models.PositiveBigIntegerField()
    code_sha256 = models.CharField(max_length=64)
    # sha256 over both files' digests: the one digest a credential's evidence cites.
    sha256 = models.CharField(max_length=64)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "item", "version"], name="assessment_capstone_version"
            )
        ]

    def __str__(self) -> str:
        return f"capstone v{self.version} of {self.enrolment_id}"


class RubricGrade(models.Model):
    """An instructor's rubric grading of one capstone version. Regrading appends a row; the
    newest row of the newest graded version is the grade."""

    submission = models.ForeignKey(
        CapstoneSubmission, on_delete=models.PROTECT, related_name="grades"
    )
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rubric_grades"
    )
    # {criterion id: {"level": index or null, "percent": 0-100, "comment": str}}
    criteria = models.JSONField()
    comment = models.TextField(blank=True)
    score = models.FloatField()  # weighted share in [0, 1]
    graded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["submission", "graded_at"], name="assessment_grade_sub")]

    def __str__(self) -> str:
        return f"grade of {self.submission_id} by {self.grader_id}"

    @property
    def percent(self) -> float:
        return round(100 * self.score, 1)


class PeerReview(models.Model):
    """An anonymous peer review of another learner's capstone, on the same rubric.

    Assigned deterministically among submitters (see `peers.assign`). The reviewer sees neither
    the author's name nor the file names; the author sees "Reviewer 1", "Reviewer 2".
    """

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("To do")
        SUBMITTED = "submitted", _("Submitted")

    submission = models.ForeignKey(
        CapstoneSubmission, on_delete=models.PROTECT, related_name="peer_reviews"
    )
    reviewer = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="peer_reviews_given"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ASSIGNED)
    criteria = models.JSONField(default=dict)  # same shape as RubricGrade.criteria
    comment = models.TextField(blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer"], name="assessment_peer_review_pair"
            )
        ]

    def __str__(self) -> str:
        return f"peer review of {self.submission_id} by {self.reviewer_id}"


class EthicsAssessment(models.Model):
    """The AI ethics and risk assessment of a capstone, following the EU AI Act's categories.

    Each (re)submission is a new version; the instructor accepts it or asks for changes. The
    capstone's score counts only once the newest version is accepted.
    """

    class RiskCategory(models.TextChoices):
        PROHIBITED = "prohibited", _("Prohibited practice (Article 5)")
        HIGH = "high", _("High-risk (Article 6, Annex I or III)")
        LIMITED = "limited", _("Limited risk: transparency obligations (Article 50)")
        MINIMAL = "minimal", _("Minimal risk")

    class AnnexIIIArea(models.TextChoices):
        NONE = "", _("None")
        BIOMETRICS = "biometrics", _("1. Biometrics")
        CRITICAL_INFRASTRUCTURE = "critical-infrastructure", _("2. Critical infrastructure")
        EDUCATION = "education", _("3. Education and vocational training")
        EMPLOYMENT = "employment", _("4. Employment, workers' management, self-employment")
        ESSENTIAL_SERVICES = (
            "essential-services",
            _("5. Access to essential private and public services and benefits"),
        )
        LAW_ENFORCEMENT = "law-enforcement", _("6. Law enforcement")
        MIGRATION = "migration", _("7. Migration, asylum and border control management")
        JUSTICE = "justice-democracy", _("8. Administration of justice and democratic processes")

    class ResidualRisk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        NEEDS_CHANGES = "needs_changes", _("Changes requested")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="ethics_assessments"
    )
    item = models.ForeignKey(
        AssessmentItem, on_delete=models.PROTECT, related_name="ethics_assessments"
    )
    version = models.PositiveIntegerField()
    system_description = models.TextField()
    risk_category = models.CharField(max_length=20, choices=RiskCategory.choices)
    annex_iii_area = models.CharField(
        max_length=30, choices=AnnexIIIArea.choices, blank=True, default=""
    )
    classification_rationale = models.TextField()
    transparency_measures = models.TextField(blank=True)
    data_provenance = models.TextField()
    bias_analysis = models.TextField()
    human_oversight = models.TextField()
    mitigations = models.TextField()
    residual_risk = models.CharField(max_length=10, choices=ResidualRisk.choices)
    residual_risk_notes = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ethics_reviews",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "item", "version"], name="assessment_ethics_version"
            )
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="assessment_ethics_st")]

    def __str__(self) -> str:
        return f"ethics v{self.version} of {self.enrolment_id} ({self.status})"

    @property
    def accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED
