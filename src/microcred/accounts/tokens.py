"""Signed, expiring links for e-mail verification and password reset, with no table to clean up.

The verification hash covers the address and the verification time, so a link stops working once
used or once the address changes; those links expire after PASSWORD_RESET_TIMEOUT (three days by
default). The reset hash is Django's: it covers the password hash and the last sign-in, so a reset
link stops working once the password changed (it is single-use) and after its own, much shorter
timeout: whoever reads an old mailbox later must not be able to take over the account.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int

DEFAULT_RESET_TIMEOUT_SECONDS = 3600


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "microcred.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{user.pk}{timestamp}{user.email}{user.email_verified_at}"


def password_reset_timeout_seconds() -> int:
    """MICROCRED_PASSWORD_RESET_TIMEOUT_SECONDS, capped by Django's PASSWORD_RESET_TIMEOUT (the
    base class checks that one too, so a longer setting would silently not apply)."""
    configured = int(
        getattr(settings, "MICROCRED_PASSWORD_RESET_TIMEOUT_SECONDS", DEFAULT_RESET_TIMEOUT_SECONDS)
    )
    return min(configured, int(settings.PASSWORD_RESET_TIMEOUT))


class PasswordResetLinkTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token (own salt) with the project's shorter timeout."""

    key_salt = "microcred.accounts.tokens.PasswordResetLinkTokenGenerator"

    def check_token(self, user: Any, token: str | None) -> bool:
        if not super().check_token(user, token):
            return False
        assert token is not None  # the base class refuses empty tokens
        issued = base36_to_int(token.split("-")[0])
        return self._num_seconds(self._now()) - issued <= password_reset_timeout_seconds()


email_verification_token = EmailVerificationTokenGenerator()
password_reset_token = PasswordResetLinkTokenGenerator()
