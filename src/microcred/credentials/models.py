"""Database rows of issued credentials, their status lists and an append-only audit log.

The private signing keys never enter the database: they stay 0600 files in the data
directory (``credentials.core.keyring``); ``IssuerKey`` rows mirror their public metadata so
the admin and the audit log can name them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuerKey(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    public_key_multibase = models.CharField(max_length=120, unique=True)
    key_file = models.CharField(max_length=300)
    state = models.CharField(max_length=12, choices=State.choices)
    created_at = models.DateTimeField()
    withdrawn_reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.public_key_multibase[:16]}... ({self.state})"


class StatusList(models.Model):
    """One Bitstring Status List of one issuer for one purpose (revocation or suspension)."""

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", _("Revocation")
        SUSPENSION = "suspension", _("Suspension")

    slug = models.SlugField(max_length=80, unique=True)
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    issuer_did = models.CharField(max_length=300)
    encoded_list = models.TextField()
    size = models.PositiveIntegerField(default=131_072)
    allocated = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.slug


class IssuedCredential(models.Model):
    # The values are what the status list and the verifier report say; the labels are what
    # people read (My credentials, the gradebook, the verification page), in their language.
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")

    uuid = models.UUIDField(unique=True)
    programme = models.ForeignKey(
        "curriculum.Programme", on_delete=models.PROTECT, related_name="credentials"
    )
    learner_name = models.CharField(max_length=300)
    learner_email = models.EmailField(max_length=320)
    final_grade = models.DecimalField(max_digits=5, decimal_places=2)
    issuer_did = models.CharField(max_length=300)
    openbadge = models.JSONField()
    elm = models.JSONField(null=True, blank=True)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="entries")
    status_index = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VALID)
    issued_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "learner_email"], name="one_credential_per_learner"
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="one_credential_per_status_bit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.uuid} {self.learner_name}"


class CredentialEvent(models.Model):
    """Append-only audit log: who did what to which credential, when and why."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        SUSPENDED = "suspended", _("Suspended")
        REINSTATED = "reinstated", _("Reinstated")

    credential = models.ForeignKey(
        IssuedCredential, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    reason = models.TextField(blank=True)
    actor = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.credential_id}"
