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
from .models import FailedLogin, PasswordResetRequest, RecoveryCode, TOTPDevice, User
from .tokens import email_verification_token, password_reset_timeout_seconds, password_reset_token

RECOVERY_CODE_COUNT = 10


class AccountError(Exception):
    """A refused account operation; the message is translated and safe to show."""


class TooManyAttemptsError(AccountError):
    """Refused because the account or the client address is throttled; nothing was checked."""


class WrongPasswordError(AccountError):
    """The current password given to confirm a change is not the account's password."""


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


def _user_from_uidb64(uidb64: str) -> User | None:
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=pk).first()


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
    user = _user_from_uidb64(uidb64)
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


# ------------------------------------------------------------------ password reset and change


def duration_text(seconds: int) -> str:
    """ "2 hours", "30 minutes": how long a link stays valid, as the e-mail states it."""
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def reset_retry_message(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return ngettext(
        "Too many requests for a reset link. Try again in %(minutes)d minute.",
        "Too many requests for a reset link. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def request_password_reset(*, email: str, ip: str | None, base_url: str) -> timedelta | None:
    """Count the request and queue the e-mail; returns the wait instead when throttled.

    Nothing here depends on whether an account has this address: the request is counted and a
    task is queued either way, and the task (off the request path) finds the account, if any.
    So the answer, and the work done before it, are the same for a known and an unknown
    address, and the time the mail takes to send reveals nothing.
    """
    wait = queries.password_reset_wait(email, ip)
    if wait is not None:
        return wait
    from . import tasks  # the task module imports these services

    with transaction.atomic():
        now = timezone.now()
        _email, _ip, window = queries.reset_limits()
        PasswordResetRequest.objects.filter(at__lt=now - window).delete()  # keep it small
        PasswordResetRequest.objects.create(
            email=queries.throttle_email(email), ip=queries.throttle_ip(ip), at=now
        )
        transaction.on_commit(lambda: tasks.send_password_reset.enqueue(email.strip(), base_url))
    return None


def password_reset_link(user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = password_reset_token.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


def send_password_reset_email(email: str, base_url: str) -> bool:
    """Mail a reset link if an active account with a usable password has this address; False
    (and no mail at all) otherwise. Runs in the task worker, never in the request."""
    user = queries.user_for_password_reset(email)
    if user is None:
        return False
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "link": password_reset_link(user, base_url),
            "valid_for": duration_text(password_reset_timeout_seconds()),
            "two_factor": queries.confirmed_device(user) is not None,
        }
        subject = render_to_string("accounts/email/password_reset_subject.txt", context).strip()
        body = render_to_string("accounts/email/password_reset_body.txt", context)
    send_mail(subject, body, None, [user.email])
    return True


def user_for_password_reset_link(uidb64: str, token: str) -> User | None:
    """The account a reset link names, if the link is genuine, unused and not expired."""
    user = _user_from_uidb64(uidb64)
    if user is None or not user.is_active or not user.has_usable_password():
        return None
    if not password_reset_token.check_token(user, token):
        return None
    return user


def send_password_changed_email(user: User, base_url: str) -> None:
    """Tell the owner their password changed, and what to do if it was not them."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "when": timezone.now(),
            "reset_link": base_url.rstrip("/") + reverse("accounts:password_reset"),
        }
        subject = render_to_string("accounts/email/password_changed_subject.txt", context).strip()
        body = render_to_string("accounts/email/password_changed_body.txt", context)
    send_mail(subject, body, None, [user.email])


def _set_new_password(user: User, password: str, *, base_url: str) -> list[str]:
    """Store the new password (the session hash changes with it, so every session signed in
    before ends at its next request) and send the notice after commit."""
    validate_password(password, user)
    user.set_password(password)
    transaction.on_commit(lambda: send_password_changed_email(user, base_url))
    return ["password"]


@transaction.atomic
def reset_password(uidb64: str, token: str, password: str, *, base_url: str) -> User:
    """Set a new password through an e-mailed link (see docs/decisions/074).

    The link proves the person reads the account's mailbox, so an unverified address becomes
    verified. Failed sign-ins of the account are forgotten: its owner just proved who they are.
    The second factor stays: signing in afterwards still asks for it.
    """
    found = user_for_password_reset_link(uidb64, token)
    if found is None:
        raise AccountError(_("This password reset link is invalid or has expired."))
    user = User.objects.select_for_update().get(pk=found.pk)
    # Checked again under the lock: two tabs posting the same link change the password once.
    if not password_reset_token.check_token(user, token):
        raise AccountError(_("This password reset link is invalid or has expired."))
    fields = _set_new_password(user, password, base_url=base_url)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        fields.append("email_verified_at")
    user.save(update_fields=fields)
    clear_failed_logins(user.username)
    return user


def change_password(
    user: User, *, current_password: str, new_password: str, ip: str | None, base_url: str
) -> User:
    """A signed-in person changes their password, proving they know the current one.

    Wrong current passwords count as failed sign-ins (the same counters and limits), so a
    borrowed or stolen session cannot be used to guess the password. Returns the updated user,
    whose new session hash the view keeps for the current session.
    """
    wait = queries.sign_in_wait(user.username, ip)
    if wait is not None:
        raise TooManyAttemptsError(retry_message(wait))
    if not user.check_password(current_password):
        record_failed_login(user.username, ip)  # outside the transaction below: it is kept
        raise WrongPasswordError(_("This is not your current password."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.save(update_fields=_set_new_password(locked, new_password, base_url=base_url))
    return locked
