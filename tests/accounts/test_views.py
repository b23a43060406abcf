"""Sign-up, verification, sign-in (throttled, with a second factor), sign-out, 2FA pages, roles
and the two-factor requirement of courses, as the five personas see them."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from microcred.accounts import services, totp
from microcred.accounts.decorators import RoleRequiredMixin, role_required
from microcred.accounts.models import STAFF_ROLES, User
from microcred.accounts.two_factor import (
    SESSION_KEY as TWO_FACTOR_KEY,
)
from microcred.accounts.two_factor import (
    TwoFactorRequired,
    TwoFactorRequiredMiddleware,
    require_two_factor_for,
)

from .personas import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "username": "newbie",
    "email": "newbie@example.org",
    "password1": "a long and unusual passphrase",
    "password2": "a long and unusual passphrase",
}


def enable_two_factor(user: User) -> tuple[str, list[str]]:
    device = services.start_two_factor_setup(user)
    codes = services.enable_two_factor(user, totp.totp(device.secret))
    return device.secret, codes


def next_code(secret: str, steps: int = 1) -> str:
    return totp.totp(secret, at=timezone.now().timestamp() + steps * totp.PERIOD)


# ---------------------------------------------------------------------------------- sign-up


def test_anonymous_can_sign_up_and_is_signed_in_unverified(
    client: Client, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        response = client.post("/accounts/signup/", SIGN_UP)
    assert response.status_code == 200
    assert "newbie@example.org" in response.content.decode()
    user = User.objects.get(username="newbie")
    assert int(client.session[SESSION_KEY]) == user.pk
    assert not user.email_verified
    assert len(mail.outbox) == 1
    assert "http://testserver/accounts/verify-email/" in mail.outbox[0].body


def test_sign_up_shows_the_validator_messages(client: Client) -> None:
    response = client.post(
        "/accounts/signup/", {**SIGN_UP, "password1": "short", "password2": "short"}
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_sign_up_refuses_different_passwords(client: Client) -> None:
    response = client.post("/accounts/signup/", {**SIGN_UP, "password2": "something else entirely"})
    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_refuses_a_taken_address(client: Client, learner: User) -> None:
    response = client.post("/accounts/signup/", {**SIGN_UP, "email": learner.email.upper()})
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_signed_in_people_are_sent_from_sign_up_to_their_dashboard(
    client_for: Callable[[User], Client], learner: User
) -> None:
    response = client_for(learner).get("/accounts/signup/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_the_verification_link_asks_first_and_verifies_on_post(
    client: Client, make_user: Callable[..., User]
) -> None:
    user = make_user("newbie", verified=False)
    path = services.verification_link(user, "")  # no base URL: just the path
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my e-mail address" in page.content.decode()
    user.refresh_from_db()
    assert not user.email_verified  # a prefetching mail scanner changes nothing
    response = client.post(path)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified


def test_a_bad_verification_link_says_so(client: Client) -> None:
    response = client.get("/accounts/verify-email/MQ/not-a-token/")
    assert response.status_code == 400
    assert "invalid or has expired" in response.content.decode()
    assert client.post("/accounts/verify-email/MQ/not-a-token/").status_code == 400


def test_unverified_learners_can_ask_for_a_new_link(
    client_for: Callable[[User], Client],
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    client = client_for(make_user("newbie", verified=False))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        response = client.post("/accounts/verify-email/resend/")
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_resending_needs_a_signed_in_post(client: Client, learner: User) -> None:
    assert client.post("/accounts/verify-email/resend/").status_code == 302
    assert mail.outbox == []
    # GET is refused outright.
    client.force_login(learner)
    assert client.get("/accounts/verify-email/resend/").status_code == 405


# ---------------------------------------------------------------------------------- sign-in


def test_sign_in_and_out(client: Client, learner: User) -> None:
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert int(client.session[SESSION_KEY]) == learner.pk
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_sign_in_follows_only_local_next_urls(client: Client, learner: User) -> None:
    data = {"username": "ada", "password": PASSWORD}
    assert client.post("/accounts/login/?next=/learn/x/", data)["Location"] == "/learn/x/"
    client.post("/accounts/logout/")
    evil = client.post("/accounts/login/?next=https://evil.example/", data)
    assert evil["Location"] == "/dashboard/"


def test_a_wrong_password_is_reported_without_saying_which_part(
    client: Client, learner: User
) -> None:
    for username in ("ada", "nobody"):
        response = client.post("/accounts/login/", {"username": username, "password": "nope"})
        assert response.status_code == 200
        assert "The username or the password is not correct." in response.content.decode()


def test_repeated_failures_show_the_wait_and_refuse_even_the_right_password(
    client: Client, learner: User, other_learner: User
) -> None:
    for _n in range(4):
        client.post("/accounts/login/", {"username": "ada", "password": "nope"})
    response = client.post("/accounts/login/", {"username": "ada", "password": "nope"})
    assert response.status_code == 429
    assert "Too many failed attempts. Try again in 15 minutes." in response.content.decode()
    again = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert again.status_code == 429
    assert SESSION_KEY not in client.session
    # Another person at the same address is not locked out.
    other = Client()
    response = other.post("/accounts/login/", {"username": "grace", "password": PASSWORD})
    assert response.status_code == 302


def test_sign_in_with_two_factor_needs_the_code(client: Client, learner: User) -> None:
    secret, _codes = enable_two_factor(learner)
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    assert SESSION_KEY not in client.session  # not signed in yet
    assert client.get("/dashboard/").status_code == 302
    wrong = client.post("/accounts/two-factor/verify/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "That code is not valid." in wrong.content.decode()
    response = client.post("/accounts/two-factor/verify/", {"code": next_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert int(client.session[SESSION_KEY]) == learner.pk
    assert client.session[TWO_FACTOR_KEY]


def test_a_recovery_code_signs_in_once(client: Client, learner: User) -> None:
    _secret, codes = enable_two_factor(learner)
    client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert client.post("/accounts/two-factor/verify/", {"code": codes[0]}).status_code == 302
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    reused = client.post("/accounts/two-factor/verify/", {"code": codes[0]})
    assert reused.status_code == 200
    assert SESSION_KEY not in client.session


def test_the_code_prompt_without_a_password_step_sends_back_to_sign_in(client: Client) -> None:
    response = client.get("/accounts/two-factor/verify/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


# ----------------------------------------------------------------------------- 2FA set-up


def test_setting_up_two_factor_shows_a_qr_code_then_recovery_codes(
    client_for: Callable[[User], Client], learner: User
) -> None:
    client = client_for(learner)
    page = client.get("/accounts/two-factor/").content.decode()
    assert "Set up two-factor authentication" in page
    client.post("/accounts/two-factor/start/")
    page = client.get("/accounts/two-factor/").content.decode()
    assert "<svg" in page
    assert "QR code to scan" in page
    secret = learner.totp_device.secret
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page
    response = client.post("/accounts/two-factor/confirm/", {"code": totp.totp(secret)})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    codes = re.findall(r"<code>([A-Z2-9]{4}(?:-[A-Z2-9]{4}){3})</code>", response.content.decode())
    assert len(codes) == 10
    assert client.session[TWO_FACTOR_KEY]
    assert (
        "Two-factor authentication is on." in client.get("/accounts/two-factor/").content.decode()
    )


def test_a_wrong_set_up_code_leaves_two_factor_off(
    client_for: Callable[[User], Client], learner: User
) -> None:
    client = client_for(learner)
    client.post("/accounts/two-factor/start/")
    response = client.post("/accounts/two-factor/confirm/", {"code": "abc"}, follow=True)
    assert "That code is not valid." in response.content.decode()
    learner.totp_device.refresh_from_db()
    assert not learner.totp_device.confirmed


def test_turning_two_factor_off_and_new_codes(
    client_for: Callable[[User], Client], learner: User
) -> None:
    secret, codes = enable_two_factor(learner)
    client = client_for(learner)
    response = client.post("/accounts/two-factor/recovery-codes/", {"code": codes[0]})
    assert response.status_code == 200
    assert len(re.findall(r"<code>", response.content.decode())) == 10
    bad = client.post("/accounts/two-factor/disable/", {"code": "nope"}, follow=True)
    assert "That code is not valid." in bad.content.decode()
    client.post("/accounts/two-factor/disable/", {"code": next_code(secret)})
    assert not hasattr(User.objects.get(pk=learner.pk), "totp_device")


def test_two_factor_pages_need_a_signed_in_person(client: Client) -> None:
    for path in ("/accounts/two-factor/",):
        assert client.get(path)["Location"].startswith("/accounts/login/")
    for path in ("/accounts/two-factor/start/", "/accounts/two-factor/confirm/"):
        assert client.post(path)["Location"].startswith("/accounts/login/")


# ------------------------------------------------------------------------------------- roles


@role_required(*STAFF_ROLES)
def staff_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


class Base:
    def dispatch(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")


class AdminView(RoleRequiredMixin, Base):
    allowed_roles = (User.Role.ADMINISTRATOR,)


def request_as(user: object) -> HttpRequest:
    request = RequestFactory().get("/somewhere/")
    request.user = user  # type: ignore[assignment]
    return request


def test_role_required_lets_listed_roles_in(
    instructor: User, administrator: User, learner: User
) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    assert staff_only(request_as(instructor)).status_code == 200
    assert staff_only(request_as(administrator)).status_code == 200
    with pytest.raises(PermissionDenied):
        staff_only(request_as(learner))
    anonymous = staff_only(request_as(AnonymousUser()))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=/somewhere/")
    assert AdminView().dispatch(request_as(administrator)).status_code == 200
    with pytest.raises(PermissionDenied):
        AdminView().dispatch(request_as(instructor))


def test_role_required_needs_a_role() -> None:
    with pytest.raises(ValueError, match="at least one role"):
        role_required()


# ---------------------------------------------------------- two factor required by a course


def course(required: bool) -> SimpleNamespace:
    return SimpleNamespace(
        description={"supervision_and_identity_verification": {"two_factor_required": required}}
    )


def session_request(user: object, path: str = "/assessments/exam/", **headers: str) -> HttpRequest:
    request = RequestFactory().get(path, **headers)
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    request.user = user  # type: ignore[assignment]
    return request


def handle(request: HttpRequest, programme: SimpleNamespace) -> HttpResponse | None:
    middleware = TwoFactorRequiredMiddleware(lambda r: HttpResponse())
    try:
        require_two_factor_for(programme, request)
    except TwoFactorRequired as exc:
        return middleware.process_exception(request, exc)
    return None


def test_courses_without_the_requirement_pass(learner: User) -> None:
    assert handle(session_request(learner), course(False)) is None
    assert handle(session_request(learner), SimpleNamespace(description={})) is None


def test_without_an_authenticator_the_learner_is_sent_to_set_one_up(learner: User) -> None:
    response = handle(session_request(learner), course(True))
    assert response is not None
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/?next=%2Fassessments%2Fexam%2F"


def test_a_session_that_has_not_proved_the_second_factor_is_asked_for_a_code(
    learner: User,
) -> None:
    enable_two_factor(learner)
    response = handle(session_request(learner), course(True))
    assert response is not None
    assert response["Location"] == "/accounts/two-factor/verify/?next=%2Fassessments%2Fexam%2F"


def test_a_verified_session_passes(learner: User) -> None:
    enable_two_factor(learner)
    request = session_request(learner)
    request.session[TWO_FACTOR_KEY] = 1
    assert handle(request, course(True)) is None


def test_anonymous_people_are_sent_to_sign_in() -> None:
    from django.contrib.auth.models import AnonymousUser

    response = handle(session_request(AnonymousUser()), course(True))
    assert response is not None
    assert response["Location"].startswith("/accounts/login/?next=/assessments/exam/")


def test_htmx_requests_get_a_client_side_redirect(learner: User) -> None:
    response = handle(session_request(learner, HTTP_HX_REQUEST="true"), course(True))
    assert response is not None
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/two-factor/?next=")


def test_other_exceptions_are_left_alone(learner: User) -> None:
    middleware = TwoFactorRequiredMiddleware(lambda r: HttpResponse())
    assert middleware.process_exception(session_request(learner), ValueError()) is None


def test_step_up_for_a_signed_in_session(
    client_for: Callable[[User], Client], learner: User
) -> None:
    secret, _codes = enable_two_factor(learner)
    client = client_for(learner)
    page = client.get("/accounts/two-factor/verify/?next=/assessments/exam/")
    assert page.status_code == 200
    assert "before graded work" in page.content.decode()
    response = client.post(
        "/accounts/two-factor/verify/?next=/assessments/exam/", {"code": next_code(secret)}
    )
    assert response["Location"] == "/assessments/exam/"
    assert client.session[TWO_FACTOR_KEY]


def test_step_up_without_an_authenticator_goes_to_set_up(
    client_for: Callable[[User], Client], learner: User
) -> None:
    response = client_for(learner).get("/accounts/two-factor/verify/?next=/x/")
    assert response["Location"] == "/accounts/two-factor/?next=%2Fx%2F"
