"""Writes for the accounts app: one verb-named service per state change.

Views pass in what they parsed (and the request only where Django's authentication needs it);
mail goes out through `transaction.on_commit`, so a rolled-back sign-up never sends a link.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import queries, totp
from .models import FailedLogin, RecoveryCode, TOTPDevice, User
from .tokens import email_verification_token

RECOVERY_CODE_COUNT = 10


class AccountError(Exception):
    """A refused account operation; the message is translated and safe to show."""


def retry_message(wait: timedelta) -> str:
    """ "Try again in 3 minutes": the wait rounded up, so people never retry too early."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return ngettext(
        "Too many failed attempts. Try again in %(minutes)d minute.",
        "Too many failed attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


# ---------------------------------------------------------------------------- sign-up and e-mail


@transaction.atomic
def register_learner(
    *, username: str, email: str, password: str, language: str, base_url: str
) -> User:
    """Create a learner account and send the verification link once the row is committed."""
    email = User.objects.normalize_email(email).strip()
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("This username is taken."))
    if User.objects.filter(email__iexact=email).exists():
        raise AccountError(_("An account with this e-mail address already exists."))
    user = User(username=username, email=email, role=User.Role.LEARNER)
    user.preferred_language = language
    validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent sign-up won the race for the name or address
        raise AccountError(_("This username or e-mail address is taken.")) from exc
    transaction.on_commit(lambda: send_verification_email(user, base_url))
    return user


def verification_link(user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    path = reverse("accounts:verify_email", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


def send_verification_email(user: User, base_url: str) -> None:
    """Mail the link in the learner's language; called after commit, never inside a write."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"user": user, "link": verification_link(user, base_url)}
        subject = render_to_string("accounts/email/verify_subject.txt", context).strip()
        body = render_to_string("accounts/email/verify_body.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def resend_verification_email(user: User, base_url: str) -> None:
    if user.email_verified:
        raise AccountError(_("Your e-mail address is already verified."))
    transaction.on_commit(lambda: send_verification_email(user, base_url))


def user_for_verification_link(uidb64: str, token: str) -> User | None:
    """The account a verification link names, if the link is genuine and still valid."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not email_verification_token.check_token(user, token):
        return None
    return user


@transaction.atomic
def verify_email(uidb64: str, token: str) -> User:
    user = user_for_verification_link(uidb64, token)
    if user is None:
        raise AccountError(_("This verification link is invalid or has expired."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


# ---------------------------------------------------------------------------------- signing in


@dataclass(frozen=True)
class SignInAttempt:
    """What a password check led to. `retry_after` is set when the attempt was throttled."""

    user: User | None = None
    retry_after: timedelta | None = None
    needs_second_factor: bool = False

    @property
    def ok(self) -> bool:
        return self.user is not None


@transaction.atomic
def record_failed_login(username: str, ip: str | None) -> None:
    now = timezone.now()
    _account, _ip, window = queries.throttle_limits()
    FailedLogin.objects.filter(at__lt=now - window).delete()  # keep the table small
    FailedLogin.objects.create(
        username=queries.throttle_username(username), ip=queries.throttle_ip(ip), at=now
    )


def attempt_sign_in(
    request: HttpRequest, *, username: str, password: str, ip: str | None
) -> SignInAttempt:
    """Check a password unless the account or address is throttled; count failures.

    A throttled attempt does not even check the password, so guessing gains nothing.
    """
    wait = queries.sign_in_wait(username, ip)
    if wait is not None:
        return SignInAttempt(retry_after=wait)
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        record_failed_login(username, ip)
        return SignInAttempt(retry_after=queries.sign_in_wait(username, ip))
    needs_second_factor = queries.confirmed_device(user) is not None
    if not needs_second_factor:
        clear_failed_logins(username)
    return SignInAttempt(user=user, needs_second_factor=needs_second_factor)


@transaction.atomic
def clear_failed_logins(username: str) -> None:
    """A successful sign-in forgets the account's failures (not the address's)."""
    FailedLogin.objects.filter(username=queries.throttle_username(username)).delete()


def attempt_second_factor(user: User, *, code: str, ip: str | None) -> SignInAttempt:
    """Check an authenticator or recovery code, throttled like passwords (same counters)."""
    wait = queries.sign_in_wait(user.username, ip)
    if wait is not None:
        return SignInAttempt(retry_after=wait)
    if not check_second_factor(user, code):
        record_failed_login(user.username, ip)
        return SignInAttempt(retry_after=queries.sign_in_wait(user.username, ip))
    clear_failed_logins(user.username)
    return SignInAttempt(user=user)


# --------------------------------------------------------------------------------- two factors


def _hash_recovery_code(code: str) -> str:
    normalised = code.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; returns the plain codes, shown exactly once."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no 0/O or 1/I confusion
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _i in range(16))  # 80 bits
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    user.recovery_codes.all().delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_hash_recovery_code(code)) for code in codes
    )
    return codes


@transaction.atomic
def start_two_factor_setup(user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator secret (replacing an unfinished set-up)."""
    if queries.confirmed_device(user) is not None:
        raise AccountError(_("Two-factor authentication is already on."))
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, secret=totp.new_secret())


def _accept_totp(device: TOTPDevice, code: str) -> bool:
    """True (and remember the step) if `code` is current and not used before."""
    step = totp.matching_step(device.secret, code)
    if step is None or step <= device.last_used_step:
        return False
    device.last_used_step = step
    device.save(update_fields=["last_used_step"])
    return True


@transaction.atomic
def enable_two_factor(user: User, code: str) -> list[str]:
    """Confirm the pending authenticator with a code; returns fresh recovery codes."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed:
        raise AccountError(_("Start the set-up first."))
    if not _accept_totp(device, code):
        raise AccountError(_("That code is not valid. Check the time on your phone and retry."))
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    return _new_recovery_codes(user)


@transaction.atomic
def check_second_factor(user: User, code: str) -> bool:
    """Accept a current authenticator code or an unused recovery code (which is then spent)."""
    device = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    )
    if device is None:
        return False
    if _accept_totp(device, code):
        return True
    spent = RecoveryCode.objects.filter(
        user=user, code_hash=_hash_recovery_code(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return spent == 1


def _require_second_factor(user: User, code: str, ip: str | None) -> None:
    """Throttled like sign-in; deliberately outside any transaction so failures are kept."""
    attempt = attempt_second_factor(user, code=code, ip=ip)
    if attempt.ok:
        return
    if attempt.retry_after is not None:
        raise AccountError(retry_message(attempt.retry_after))
    raise AccountError(_("That code is not valid."))


def disable_two_factor(user: User, *, code: str, ip: str | None) -> None:
    """Turn 2FA off; needs a current authenticator code or a recovery code."""
    _require_second_factor(user, code, ip)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        user.recovery_codes.all().delete()


def regenerate_recovery_codes(user: User, *, code: str, ip: str | None) -> list[str]:
    _require_second_factor(user, code, ip)
    with transaction.atomic():
        return _new_recovery_codes(user)
