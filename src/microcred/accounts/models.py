"""Accounts: people with a role, their second factors and the failed sign-ins that throttle them.

The user model exists from the first migration so later fields need no data migration.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        LEARNER = "learner", _("Learner")
        INSTRUCTOR = "instructor", _("Instructor")
        ADMINISTRATOR = "administrator", _("Administrator")

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.LEARNER)
    preferred_language = models.CharField(max_length=8, default="en")
    # Null until the learner follows the link we e-mailed; enrolment needs a verified address
    # because admission decisions and credentials are sent there.
    email_verified_at = models.DateTimeField(null=True, blank=True)

    class Meta(AbstractUser.Meta):
        constraints = [
            # Case-insensitive, and only for real addresses: legacy/system accounts may have none.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
            )
        ]

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


STAFF_ROLES: tuple[str, ...] = (User.Role.INSTRUCTOR, User.Role.ADMINISTRATOR)


class TOTPDevice(models.Model):
    """An authenticator app (RFC 6238). Unconfirmed until the owner proves it works with a code,
    so a half-finished set-up never locks anyone out."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)  # base32, as shown to the authenticator app
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The time step of the last accepted code: a code is accepted once (no replay).
    last_used_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"TOTP for {self.user_id}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A one-time code for when the authenticator is lost. Only its SHA-256 is stored: the codes
    carry 80 random bits, so a slow hash adds nothing."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"recovery code {self.pk} of {self.user_id}"


class FailedLogin(models.Model):
    """One failed sign-in (password or second factor), counted per account and per address.

    Rows are kept only for the throttling window; the username is the one typed, whether or not
    such an account exists, so throttling reveals nothing about which accounts exist.
    """

    username = models.CharField(max_length=150)
    ip = models.CharField(max_length=64, blank=True)  # IPv4 address or IPv6 /64 network
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="accounts_failedlogin_user_at"),
            models.Index(fields=["ip", "at"], name="accounts_failedlogin_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip} {self.at:%Y-%m-%d %H:%M:%S}"


class PasswordResetRequest(models.Model):
    """One "forgot my password" request, counted per typed address and per client address.

    Kept apart from `FailedLogin`: asking for a link is not a failed sign-in, and must neither
    lock an account's sign-in nor be cleared by one. The address is the one typed, whether or
    not an account has it, so throttling reveals nothing about which accounts exist.
    """

    email = models.CharField(max_length=254)
    ip = models.CharField(max_length=64, blank=True)  # IPv4 address or IPv6 /64 network
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["email", "at"], name="accounts_resetreq_email_at"),
            models.Index(fields=["ip", "at"], name="accounts_resetreq_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.email}@{self.ip} {self.at:%Y-%m-%d %H:%M:%S}"
