"""Forgotten password: asking for a link (no account enumeration, throttled), the one-use and
time-limited link, the new-password form, and what a reset does to sessions, throttling, the
second factor, an unverified address and the owner's mailbox."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_tasks import task_backends
from pytest_django.fixtures import Settings as SettingsWrapper

from microcred.accounts import queries, services, totp
from microcred.accounts.models import FailedLogin, PasswordResetRequest, User
from microcred.accounts.tokens import password_reset_token

from .personas import PASSWORD

pytestmark = pytest.mark.django_db

FORGOT = "/accounts/password/forgot/"
SENT = "/accounts/password/forgot/sent/"
SIGN_IN = "/accounts/login/"
NEW_PASSWORD = "a fresh and unusual passphrase"
LINK = re.compile(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)")
CaptureOnCommit = Callable[..., Any]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: SettingsWrapper) -> None:
    """The reset e-mail is sent by a task; here it runs as soon as it is queued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def ask(client: Client, django_capture_on_commit_callbacks: CaptureOnCommit) -> Callable[..., Any]:
    """POST the forgot-password form, running what the request queued after commit."""

    def post(email: str, *, ip: str = "203.0.113.7", on: Client | None = None) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return (on or client).post(FORGOT, {"email": email}, REMOTE_ADDR=ip)

    return post


def reset_path(message: mail.EmailMessage) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def set_password_path(path: str) -> str:
    return path.rsplit("/", 2)[0] + "/set-password/"


def choose_password(
    client: Client,
    path: str,
    capture: CaptureOnCommit,
    password: str = NEW_PASSWORD,
    again: str | None = None,
) -> Any:
    """Open the e-mailed link, then post the new password on the page it leads to."""
    opened = client.get(path)
    assert opened.status_code == 302, opened.content.decode()
    with capture(execute=True):
        return client.post(
            opened["Location"], {"new_password1": password, "new_password2": again or password}
        )


def reset_by_mail(
    client: Client, ask: Callable[..., Any], user: User, capture: CaptureOnCommit
) -> Any:
    ask(user.email)
    return choose_password(client, reset_path(mail.outbox[-1]), capture)


# ----------------------------------------------------------------------- asking for a link


def test_the_sign_in_page_links_to_the_forgot_password_page(client: Client) -> None:
    page = client.get(SIGN_IN).content.decode()
    assert f'href="{FORGOT}"' in page
    assert "Forgot your password?" in page
    assert client.get(FORGOT).status_code == 200


def test_a_known_and_an_unknown_address_get_the_same_answer(
    client: Client, learner: User, ask: Callable[..., Any]
) -> None:
    known = ask(learner.email)
    unknown = ask("nobody-here@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert (known.status_code, known["Location"]) == (302, SENT)
    assert known.content == unknown.content == b""
    assert set(known.headers) == set(unknown.headers)
    page = client.get(SENT).content.decode()
    assert "If an account has this address" in page
    assert "1 hour" in page
    # Only the real account's owner receives anything.
    assert [message.to for message in mail.outbox] == [[learner.email]]


def test_the_request_does_the_same_work_for_a_known_and_an_unknown_address(
    settings: SettingsWrapper, learner: User, ask: Callable[..., Any]
) -> None:
    """Same timing class: the request counts the attempt and queues one task either way; finding
    the account and sending the mail happen in the worker, off the request path."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    queued = task_backends["default"].results  # type: ignore[attr-defined]
    ask(learner.email.upper())
    ask("nobody-here@example.org")
    assert [(result.task.name, result.args) for result in queued] == [
        ("send_password_reset", [learner.email.upper(), "http://testserver"]),
        ("send_password_reset", ["nobody-here@example.org", "http://testserver"]),
    ]
    assert mail.outbox == []
    assert PasswordResetRequest.objects.count() == 2
    assert services.send_password_reset_email(learner.email.upper(), "http://testserver")
    assert not services.send_password_reset_email("nobody-here@example.org", "http://testserver")
    assert [message.to for message in mail.outbox] == [[learner.email]]


def test_the_reset_mail_has_a_link_on_the_public_address_and_states_its_lifetime(
    settings: SettingsWrapper, learner: User, ask: Callable[..., Any]
) -> None:
    settings.PUBLIC_BASE_URL = "https://learn.example.org"
    settings.MICROCRED_PASSWORD_RESET_TIMEOUT_SECONDS = 2 * 3600
    ask(learner.email)
    (message,) = mail.outbox
    assert message.subject == "Reset your microcred password"
    assert message.to == [learner.email]
    assert "https://learn.example.org/accounts/password/reset/" in message.body
    assert "valid for 2 hours and works only once" in message.body
    assert "If you did not ask for this, ignore this message" in message.body
    assert "two-factor" not in message.body  # the learner has no second factor


@pytest.mark.parametrize("kind", ["inactive", "unusable password"])
def test_no_mail_for_an_account_that_cannot_sign_in(
    learner: User, ask: Callable[..., Any], kind: str
) -> None:
    """An erased or disabled account must not get a password back by e-mail."""
    if kind == "inactive":
        learner.is_active = False
    else:
        learner.set_unusable_password()
    learner.save()
    response = ask(learner.email)
    assert response["Location"] == SENT
    assert mail.outbox == []


def test_a_malformed_address_is_refused_with_a_clear_error(client: Client) -> None:
    response = client.post(FORGOT, {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert PasswordResetRequest.objects.count() == 0


# ---------------------------------------------------------------------------------- throttling


@pytest.fixture
def tight_limits(settings: SettingsWrapper) -> None:
    settings.MICROCRED_RESET_EMAIL_LIMIT = 2
    settings.MICROCRED_RESET_IP_LIMIT = 4
    settings.MICROCRED_RESET_WINDOW_SECONDS = 600


@pytest.mark.usefixtures("tight_limits")
@pytest.mark.parametrize("address", ["ada@example.org", "nobody-here@example.org"])
def test_requests_are_throttled_per_address_whether_or_not_it_has_an_account(
    learner: User, ask: Callable[..., Any], address: str
) -> None:
    assert ask(address, ip="203.0.113.1").status_code == 302
    assert ask(address, ip="203.0.113.2").status_code == 302
    refused = ask(address, ip="203.0.113.3")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many requests for a reset link. Try again in 10 minutes." in page
    assert len(mail.outbox) == (2 if address == learner.email else 0)
    # Another address from the same client is not affected.
    assert ask("someone-else@example.org", ip="203.0.113.3").status_code == 302


@pytest.mark.usefixtures("tight_limits")
def test_requests_are_throttled_per_client_address(ask: Callable[..., Any]) -> None:
    for n in range(4):
        assert ask(f"probe{n}@example.org", ip="198.51.100.9").status_code == 302
    assert ask("probe9@example.org", ip="198.51.100.9").status_code == 429
    assert ask("probe9@example.org", ip="198.51.100.10").status_code == 302


@pytest.mark.usefixtures("tight_limits")
def test_the_throttle_window_slides(learner: User, ask: Callable[..., Any]) -> None:
    ask(learner.email)
    ask(learner.email)
    assert ask(learner.email).status_code == 429
    PasswordResetRequest.objects.update(at=timezone.now() - timedelta(seconds=601))
    assert ask(learner.email).status_code == 302
    assert len(mail.outbox) == 3


def test_reset_requests_do_not_lock_the_account_out_of_signing_in(
    client: Client, learner: User, ask: Callable[..., Any]
) -> None:
    """Anyone can ask for links for any address: that must not count as failed sign-ins."""
    for _n in range(5):
        ask(learner.email)
    assert queries.sign_in_wait(learner.username, "203.0.113.7") is None
    response = client.post(
        SIGN_IN, {"username": learner.username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302


# ------------------------------------------------------------------------------------ the link


def test_the_link_leads_to_a_form_at_an_address_without_the_token(
    client: Client, learner: User, ask: Callable[..., Any]
) -> None:
    ask(learner.email)
    path = reset_path(mail.outbox[0])
    opened = client.get(path)
    assert opened.status_code == 302
    assert opened["Location"] == set_password_path(path)
    token = path.rstrip("/").rsplit("/", 1)[1]
    form = client.get(opened["Location"])
    assert form.status_code == 200
    assert form["Cache-Control"] == "no-store"
    page = form.content.decode()
    assert "Choose a new password" in page
    assert token not in page
    # Opening the link (as a mail scanner would) changed nothing.
    assert User.objects.get(pk=learner.pk).check_password(PASSWORD)


def test_a_reset_sets_the_password_and_sends_the_owner_to_sign_in(
    client: Client,
    learner: User,
    ask: Callable[..., Any],
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    done = reset_by_mail(client, ask, learner, django_capture_on_commit_callbacks)
    assert (done.status_code, done["Location"]) == (302, SIGN_IN)
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    assert not learner.check_password(PASSWORD)
    page = client.get(SIGN_IN).content.decode()
    assert "Your password was changed. Sign in with your new password." in page
    response = client.post(SIGN_IN, {"username": learner.username, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == learner.pk


def test_the_link_works_once(
    client: Client,
    learner: User,
    ask: Callable[..., Any],
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    ask(learner.email)
    path = reset_path(mail.outbox[0])
    choose_password(client, path, django_capture_on_commit_callbacks)
    again = client.get(path)
    assert again.status_code == 400
    assert "This password reset link is invalid or has expired." in again.content.decode()
    assert f'href="{FORGOT}"' in again.content.decode()
    # Nor can a second browser that opened the link before the reset still use it.
    learner.refresh_from_db()
    uidb64, token = path.strip("/").split("/")[-2:]
    with pytest.raises(services.AccountError):
        services.reset_password(uidb64, token, "yet another passphrase 9", base_url="")
    assert User.objects.get(pk=learner.pk).check_password(NEW_PASSWORD)


def test_a_form_opened_before_the_reset_cannot_change_the_password_again(
    learner: User,
    ask: Callable[..., Any],
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    ask(learner.email)
    path = reset_path(mail.outbox[0])
    first, second = Client(), Client()
    assert second.get(path).status_code == 302  # both tabs hold the token in their session
    choose_password(first, path, django_capture_on_commit_callbacks)
    late = second.post(
        set_password_path(path),
        {
            "new_password1": "the attacker's passphrase",
            "new_password2": "the attacker's passphrase",
        },
    )
    assert late.status_code == 400
    assert User.objects.get(pk=learner.pk).check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("age", "valid"), [(timedelta(minutes=59), True), (timedelta(minutes=61), False)]
)
def test_the_link_expires_after_the_configured_time(
    monkeypatch: pytest.MonkeyPatch,
    client: Client,
    learner: User,
    ask: Callable[..., Any],
    age: timedelta,
    valid: bool,
) -> None:
    ask(learner.email)
    path = reset_path(mail.outbox[0])
    later = password_reset_token._now() + age
    monkeypatch.setattr(password_reset_token, "_now", lambda: later)
    assert client.get(path).status_code == (302 if valid else 400)


def test_the_timeout_is_a_setting(
    settings: SettingsWrapper,
    monkeypatch: pytest.MonkeyPatch,
    client: Client,
    learner: User,
    ask: Callable[..., Any],
) -> None:
    settings.MICROCRED_PASSWORD_RESET_TIMEOUT_SECONDS = 600
    ask(learner.email)
    assert "valid for 10 minutes" in mail.outbox[0].body
    later = password_reset_token._now() + timedelta(minutes=11)
    monkeypatch.setattr(password_reset_token, "_now", lambda: later)
    assert client.get(reset_path(mail.outbox[0])).status_code == 400


def test_a_sign_in_after_the_request_ends_the_link(
    client: Client, learner: User, ask: Callable[..., Any]
) -> None:
    """The owner remembered the password after all: the link they no longer need dies."""
    ask(learner.email)
    path = reset_path(mail.outbox[0])
    Client().post(SIGN_IN, {"username": learner.username, "password": PASSWORD})
    assert client.get(path).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password/reset/Mg/cz5xyz-0123456789abcdef0123456789abcdef/",
        "/accounts/password/reset/not-base64!/abc/",
        "/accounts/password/reset/OTg3NjU0/set-password/",
    ],
)
def test_forged_or_incomplete_links_are_refused(client: Client, learner: User, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert "This password reset link is invalid or has expired." in response.content.decode()
    assert client.post(path, {"new_password1": "x", "new_password2": "x"}).status_code == 400


def test_the_form_page_without_a_token_in_the_session_is_refused(
    client: Client, learner: User, ask: Callable[..., Any]
) -> None:
    ask(learner.email)
    path = reset_path(mail.outbox[0])
    assert Client().get(set_password_path(path)).status_code == 400


# ------------------------------------------------------------------------- the new password


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("short", "short", "This password is too short. It must contain at least 10 characters."),
        ("1234567890123", "1234567890123", "This password is entirely numeric."),
        ("password1234", "password1234", "This password is too common."),
        (NEW_PASSWORD, "something else entirely", "The two passwords differ."),
    ],
)
def test_the_validators_errors_are_shown_on_the_form(
    client: Client,
    learner: User,
    ask: Callable[..., Any],
    django_capture_on_commit_callbacks: CaptureOnCommit,
    password: str,
    again: str,
    message: str,
) -> None:
    ask(learner.email)
    path = reset_path(mail.outbox[0])
    response = choose_password(client, path, django_capture_on_commit_callbacks, password, again)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.get(pk=learner.pk).check_password(PASSWORD)
    assert len(mail.outbox) == 1  # no "password changed" notice
    # The link still works for a second try.
    retry = choose_password(client, path, django_capture_on_commit_callbacks)
    assert retry["Location"] == SIGN_IN


def test_a_password_like_the_username_is_refused(
    client: Client,
    make_user: Callable[..., User],
    ask: Callable[..., Any],
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    user = make_user("marguerite-yourcenar")
    ask(user.email)
    response = choose_password(
        client,
        reset_path(mail.outbox[0]),
        django_capture_on_commit_callbacks,
        "marguerite-yourcenar",
    )
    assert "The password is too similar to the username." in response.content.decode()


# ------------------------------------------------------------------- what a reset changes


def test_every_session_of_the_user_is_signed_out(
    client: Client,
    learner: User,
    ask: Callable[..., Any],
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    laptop, phone = client_for(learner), client_for(learner)
    assert laptop.get("/dashboard/").status_code == 200
    reset_by_mail(client, ask, learner, django_capture_on_commit_callbacks)
    for device in (laptop, phone):
        response = device.get("/dashboard/")
        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN)
    # The browser that reset the password is not signed in either.
    assert SESSION_KEY not in client.session


def test_a_reset_clears_the_sign_in_lockout(
    client: Client,
    learner: User,
    ask: Callable[..., Any],
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    for _n in range(5):
        services.record_failed_login(learner.username, "192.0.2.50")
    assert queries.sign_in_wait(learner.username, "198.51.100.1") is not None
    reset_by_mail(client, ask, learner, django_capture_on_commit_callbacks)
    assert not FailedLogin.objects.filter(username=learner.username).exists()
    response = client.post(
        SIGN_IN,
        {"username": learner.username, "password": NEW_PASSWORD},
        REMOTE_ADDR="198.51.100.1",
    )
    assert response.status_code == 302


def test_the_second_factor_is_still_required_after_a_reset(
    client: Client,
    learner: User,
    ask: Callable[..., Any],
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    device = services.start_two_factor_setup(learner)
    services.enable_two_factor(learner, totp.totp(device.secret))
    ask(learner.email)
    assert "you still sign in with a code from your authenticator app" in mail.outbox[0].body
    done = choose_password(client, reset_path(mail.outbox[0]), django_capture_on_commit_callbacks)
    assert done["Location"] == SIGN_IN
    assert SESSION_KEY not in client.session
    response = client.post(SIGN_IN, {"username": learner.username, "password": NEW_PASSWORD})
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    assert SESSION_KEY not in client.session
    assert client.get("/dashboard/")["Location"].startswith(SIGN_IN)
    code = totp.totp(device.secret, timezone.now().timestamp() + totp.PERIOD)
    response = client.post("/accounts/two-factor/verify/", {"code": code})
    assert response["Location"] == "/dashboard/"
    assert int(client.session[SESSION_KEY]) == learner.pk


def test_a_pending_second_factor_sign_in_ends_when_the_password_changes(
    client: Client,
    learner: User,
    ask: Callable[..., Any],
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    """Someone who typed the old password and waits at the code prompt gets no further."""
    device = services.start_two_factor_setup(learner)
    services.enable_two_factor(learner, totp.totp(device.secret))
    intruder = Client()
    intruder.post(SIGN_IN, {"username": learner.username, "password": PASSWORD})
    reset_by_mail(client, ask, learner, django_capture_on_commit_callbacks)
    code = totp.totp(device.secret, timezone.now().timestamp() + totp.PERIOD)
    response = intruder.post("/accounts/two-factor/verify/", {"code": code})
    assert response["Location"] == SIGN_IN
    assert SESSION_KEY not in intruder.session


def test_the_owner_is_told_the_password_changed(
    client: Client,
    learner: User,
    ask: Callable[..., Any],
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    reset_by_mail(client, ask, learner, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    notice = mail.outbox[1]
    assert notice.to == [learner.email]
    assert notice.subject == "Your microcred password was changed"
    assert "(UTC)" in notice.body
    assert "If it was not you" in notice.body
    assert f"http://testserver{FORGOT}" in notice.body
    assert reset_path(mail.outbox[0]) not in notice.body


def test_a_reset_verifies_an_unverified_address(
    client: Client,
    make_user: Callable[..., User],
    ask: Callable[..., Any],
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    """The link reached the account's mailbox: that is what verification proves too."""
    user = make_user("newcomer", verified=False)
    reset_by_mail(client, ask, user, django_capture_on_commit_callbacks)
    user.refresh_from_db()
    assert user.email_verified
    assert user.check_password(NEW_PASSWORD)


def test_a_reset_keeps_an_earlier_verification_date(
    client: Client,
    learner: User,
    ask: Callable[..., Any],
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    verified_at = learner.email_verified_at
    reset_by_mail(client, ask, learner, django_capture_on_commit_callbacks)
    learner.refresh_from_db()
    assert learner.email_verified_at == verified_at


def test_the_service_refuses_a_weak_password_without_spending_the_link(
    learner: User, ask: Callable[..., Any]
) -> None:
    ask(learner.email)
    uidb64, token = reset_path(mail.outbox[0]).strip("/").split("/")[-2:]
    with pytest.raises(ValidationError):
        services.reset_password(uidb64, token, "short", base_url="http://testserver")
    assert services.user_for_password_reset_link(uidb64, token) == learner
