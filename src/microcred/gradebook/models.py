"""The gradebook's own rows: one award per enrolment, and an audit log of privacy requests.

`Award` is what makes automatic issuance happen exactly once: one row per enrolment (a unique
constraint), claimed under `select_for_update` before the credential is signed, and marked
issued with the credential's UUID afterwards. It also keeps the snapshot the credential was
issued from (final grade, component percentages, evidence, evidenced skills), so the gradebook
can show what was awarded even after grades or the course change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred.learning.models import Enrolment


class Award(models.Model):
    class Status(models.TextChoices):
        ISSUING = "issuing", _("Being issued")
        ISSUED = "issued", _("Issued")
        FAILED = "failed", _("Issuance failed")

    # One-to-one: the unique constraint that makes a second award for an enrolment impossible.
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="award")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ISSUING)
    final_percent = models.DecimalField(max_digits=5, decimal_places=2)
    grade_label = models.CharField(max_length=80, blank=True)
    # {component code: percent}
    component_percents = models.JSONField(default=dict)
    # [{assessment, title, component, score_percent, assessed_on, submission_sha256, outcomes}]
    evidence = models.JSONField(default=list)
    # [{uri, label, outcomes}]: only skills of outcomes whose aligned items were passed
    skills = models.JSONField(default=list)
    credential_uuid = models.UUIDField(null=True, blank=True, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"award of {self.enrolment_id} ({self.status})"

    @property
    def issued(self) -> bool:
        return self.status == self.Status.ISSUED


class PrivacyEvent(models.Model):
    """Append-only: a data export or an erasure, who asked, for whom, when.

    `subject` keeps pointing at the (pseudonymised) account; `subject_ref` is the pseudonym's
    hash, so the log still says which erasure this was without naming anyone.
    """

    class Action(models.TextChoices):
        EXPORT = "export", _("Data export")
        ERASURE = "erasure", _("Erasure")

    action = models.CharField(max_length=12, choices=Action.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="privacy_events"
    )
    subject_ref = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="privacy_actions"
    )
    reason = models.TextField(blank=True)
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} of {self.subject_id} by {self.actor_id}"
