"""Signed, expiring links for e-mail verification, with no table to clean up.

The hash covers the address and the verification time, so a link stops working once used or
once the address changes; links expire after PASSWORD_RESET_TIMEOUT (three days by default).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "microcred.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{user.pk}{timestamp}{user.email}{user.email_verified_at}"


email_verification_token = EmailVerificationTokenGenerator()
