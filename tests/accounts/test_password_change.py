"""Changing the password while signed in: the current password is required (and guessing it is
throttled like sign-in), the other sessions end, this one stays, and the owner is told."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from microcred.accounts import queries, services
from microcred.accounts.models import FailedLogin, User

from .personas import PASSWORD

pytestmark = pytest.mark.django_db

CHANGE = "/accounts/password/change/"
SECURITY = "/accounts/two-factor/"
NEW_PASSWORD = "a fresh and unusual passphrase"
CaptureOnCommit = Callable[..., Any]


def change(
    client: Client,
    capture: CaptureOnCommit,
    current: str = PASSWORD,
    new: str = NEW_PASSWORD,
    again: str | None = None,
    ip: str = "203.0.113.7",
) -> Any:
    with capture(execute=True):
        return client.post(
            CHANGE,
            {"current_password": current, "new_password1": new, "new_password2": again or new},
            REMOTE_ADDR=ip,
        )


def test_the_security_page_links_to_the_change_form(
    client_for: Callable[[User], Client], learner: User
) -> None:
    client = client_for(learner)
    page = client.get(SECURITY).content.decode()
    assert f'href="{CHANGE}"' in page
    form = client.get(CHANGE)
    assert form.status_code == 200
    assert 'autocomplete="current-password"' in form.content.decode()


def test_changing_needs_a_signed_in_person(client: Client) -> None:
    for response in (client.get(CHANGE), client.post(CHANGE, {})):
        assert response.status_code == 302
        assert response["Location"].startswith(f"/accounts/login/?next={CHANGE}")


def test_the_right_current_password_changes_it(
    client_for: Callable[[User], Client],
    learner: User,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    client = client_for(learner)
    response = change(client, django_capture_on_commit_callbacks)
    assert (response.status_code, response["Location"]) == (302, SECURITY)
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    page = client.get(SECURITY).content.decode()
    assert "Your password was changed. Your other sessions are signed out." in page


def test_a_wrong_current_password_is_refused_and_counted(
    client_for: Callable[[User], Client],
    learner: User,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    client = client_for(learner)
    response = change(client, django_capture_on_commit_callbacks, current="not my password")
    assert response.status_code == 200
    assert "This is not your current password." in response.content.decode()
    assert User.objects.get(pk=learner.pk).check_password(PASSWORD)
    assert FailedLogin.objects.filter(username=learner.username).count() == 1
    assert mail.outbox == []


def test_guessing_the_current_password_is_throttled_like_signing_in(
    client_for: Callable[[User], Client],
    learner: User,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    """A borrowed or stolen session cannot be used to find the password by trying."""
    client = client_for(learner)
    for n in range(5):
        change(client, django_capture_on_commit_callbacks, current=f"guess {n}")
    assert queries.sign_in_wait(learner.username, "198.51.100.1") is not None
    # Even the right password is not checked while throttled.
    response = change(client, django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert "Too many failed attempts. Try again in 15 minutes." in response.content.decode()
    assert User.objects.get(pk=learner.pk).check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new", "again", "message"),
    [
        ("short", "short", "This password is too short. It must contain at least 10 characters."),
        ("password1234", "password1234", "This password is too common."),
        (NEW_PASSWORD, "something else entirely", "The two passwords differ."),
    ],
)
def test_the_validators_errors_are_shown_on_the_form(
    client_for: Callable[[User], Client],
    learner: User,
    django_capture_on_commit_callbacks: CaptureOnCommit,
    new: str,
    again: str,
    message: str,
) -> None:
    client = client_for(learner)
    response = change(client, django_capture_on_commit_callbacks, new=new, again=again)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.get(pk=learner.pk).check_password(PASSWORD)


def test_other_sessions_end_and_this_one_stays(
    client_for: Callable[[User], Client],
    learner: User,
    other_learner: User,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    here, elsewhere, someone_else = (
        client_for(learner),
        client_for(learner),
        client_for(other_learner),
    )
    change(here, django_capture_on_commit_callbacks)
    assert here.get("/dashboard/").status_code == 200
    gone = elsewhere.get("/dashboard/")
    assert gone.status_code == 302
    assert gone["Location"].startswith("/accounts/login/")
    assert someone_else.get("/dashboard/").status_code == 200


def test_the_owner_is_told_the_password_changed(
    client_for: Callable[[User], Client],
    learner: User,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    change(client_for(learner), django_capture_on_commit_callbacks)
    (notice,) = mail.outbox
    assert notice.to == [learner.email]
    assert notice.subject == "Your microcred password was changed"
    assert "If it was not you" in notice.body
    assert "http://testserver/accounts/password/forgot/" in notice.body


def test_the_service_refuses_a_weak_new_password_without_counting_a_failure(
    learner: User,
) -> None:
    with pytest.raises(ValidationError):
        services.change_password(
            learner, current_password=PASSWORD, new_password="short", ip=None, base_url=""
        )
    assert not FailedLogin.objects.exists()
    assert User.objects.get(pk=learner.pk).check_password(PASSWORD)
