"""Reads for the accounts app: throttling state, second-factor state, who a reset link is for."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import FailedLogin, PasswordResetRequest, TOTPDevice, User


def throttle_limits() -> tuple[int, int, timedelta]:
    """(failures per account, failures per address, window), from settings."""
    return (
        int(getattr(settings, "MICROCRED_LOGIN_ACCOUNT_LIMIT", 5)),
        int(getattr(settings, "MICROCRED_LOGIN_IP_LIMIT", 20)),
        timedelta(seconds=int(getattr(settings, "MICROCRED_LOGIN_WINDOW_SECONDS", 900))),
    )


def throttle_username(username: str) -> str:
    return username.strip().lower()[:150]


def throttle_ip(address: str | None) -> str:
    """IPv4 addresses as they are; IPv6 by /64, since one client usually holds a whole /64."""
    if not address:
        return ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _sliding_window_wait(
    model: type[FailedLogin | PasswordResetRequest],
    scopes: list[tuple[dict[str, str], int]],
    window: timedelta,
    now: datetime,
) -> timedelta | None:
    """The longest wait any scope imposes: after `limit` rows within the window, the next try is
    allowed once the oldest of them leaves it."""
    since = now - window
    waits: list[timedelta] = []
    for lookup, limit in scopes:
        recent = list(
            model.objects.filter(at__gte=since, **lookup)
            .order_by("-at")
            .values_list("at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            waits.append(recent[-1] + window - now)
    wait = max(waits, default=None)
    return wait if wait is not None and wait > timedelta(0) else None


def sign_in_wait(username: str, ip: str | None, now: datetime | None = None) -> timedelta | None:
    """How long this account or address must wait before trying again, or None.

    A sliding window: after `limit` failures within the window, the next attempt is allowed
    once the oldest of them leaves it. Waiting is always temporary, and a throttled account or
    address never affects any other.
    """
    account_limit, ip_limit, window = throttle_limits()
    scopes = [({"username": throttle_username(username)}, account_limit)]
    if throttle_ip(ip):
        scopes.append(({"ip": throttle_ip(ip)}, ip_limit))
    return _sliding_window_wait(FailedLogin, scopes, window, now or timezone.now())


def reset_limits() -> tuple[int, int, timedelta]:
    """(requests per typed address, requests per client address, window), from settings."""
    return (
        int(getattr(settings, "MICROCRED_RESET_EMAIL_LIMIT", 3)),
        int(getattr(settings, "MICROCRED_RESET_IP_LIMIT", 10)),
        timedelta(seconds=int(getattr(settings, "MICROCRED_RESET_WINDOW_SECONDS", 3600))),
    )


def throttle_email(email: str) -> str:
    return email.strip().lower()[:254]


def password_reset_wait(
    email: str, ip: str | None, now: datetime | None = None
) -> timedelta | None:
    """How long before this typed address or client address may ask for another reset link.

    The same sliding window as sign-in, with its own counters: it caps the mail one address
    receives and the addresses one client can probe, and depends only on what was typed.
    """
    email_limit, ip_limit, window = reset_limits()
    scopes = [({"email": throttle_email(email)}, email_limit)]
    if throttle_ip(ip):
        scopes.append(({"ip": throttle_ip(ip)}, ip_limit))
    return _sliding_window_wait(PasswordResetRequest, scopes, window, now or timezone.now())


def user_for_password_reset(email: str) -> User | None:
    """The account a reset link may be sent for: active, with a usable password (an account
    without one, e.g. an erased learner's, must not gain one by e-mail)."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.has_usable_password():
        return None
    return user


def confirmed_device(user: User) -> TOTPDevice | None:
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=True).first()


def unused_recovery_code_count(user: User) -> int:
    return user.recovery_codes.filter(used_at__isnull=True).count()
