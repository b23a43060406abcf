"""The accounts services: sign-up and verification, throttling, and the second factor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from microcred.accounts import queries, services, totp
from microcred.accounts.models import FailedLogin, RecoveryCode, TOTPDevice, User
from microcred.web import settings as shipped_settings

from .personas import PASSWORD

pytestmark = pytest.mark.django_db
BASE = "https://learn.example.org"


def register(**overrides: str) -> User:
    values = {
        "username": "newbie",
        "email": "Newbie@Example.org",
        "password": "a long and unusual passphrase",
        "language": "fr",
        "base_url": BASE,
    }
    values.update(overrides)
    return services.register_learner(**values)


# ----------------------------------------------------------------------- sign-up, e-mail


def test_shipped_settings_hash_with_argon2_first_and_validate_passwords() -> None:
    assert shipped_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    names = [v["NAME"].rsplit(".", 1)[1] for v in shipped_settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    assert shipped_settings.EMAIL_BACKEND.endswith("filebased.EmailBackend")
    assert shipped_settings.EMAIL_FILE_PATH == shipped_settings.DATA_DIR / "mail"


def test_register_learner_stores_an_argon2_hash(settings: SettingsWrapper) -> None:
    settings.PASSWORD_HASHERS = shipped_settings.PASSWORD_HASHERS
    user = register()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("a long and unusual passphrase")


def test_register_learner_creates_an_unverified_learner_and_mails_the_link(
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        user = register()
    assert user.role == User.Role.LEARNER
    assert user.email == "Newbie@example.org"
    assert user.preferred_language == "fr"
    assert not user.email_verified
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Newbie@example.org"]
    assert "Confirmez" in message.subject or "Confirm" in message.subject
    assert f"{BASE}/accounts/verify-email/" in message.body


def test_no_mail_is_sent_when_the_sign_up_is_rolled_back(
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    def sign_up_then_fail() -> None:
        with transaction.atomic():
            register()
            raise RuntimeError("something later failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,  # type: ignore[attr-defined]
        pytest.raises(RuntimeError),
    ):
        sign_up_then_fail()
    assert callbacks == []
    assert mail.outbox == []
    assert not User.objects.filter(username="newbie").exists()


def test_register_refuses_a_taken_address_whatever_its_case(learner: User) -> None:
    with pytest.raises(services.AccountError, match="already exists"):
        register(email=learner.email.upper())


def test_register_refuses_a_taken_username_whatever_its_case(learner: User) -> None:
    with pytest.raises(services.AccountError, match="taken"):
        register(username=learner.username.upper(), email="other@example.org")


@pytest.mark.parametrize("password", ["short", "password123456", "12345678901234", "newbie1234"])
def test_register_applies_the_password_validators(password: str) -> None:
    with pytest.raises(ValidationError):
        register(password=password)


def test_verification_link_verifies_once() -> None:
    user = register()
    link = services.verification_link(user, BASE)
    uidb64, token = link.rstrip("/").split("/")[-2:]
    verified = services.verify_email(uidb64, token)
    assert verified.pk == user.pk
    assert verified.email_verified_at is not None
    with pytest.raises(services.AccountError, match="invalid or has expired"):
        services.verify_email(uidb64, token)


def test_a_link_for_another_address_does_not_verify_the_new_one() -> None:
    user = register()
    uidb64, token = services.verification_link(user, BASE).rstrip("/").split("/")[-2:]
    user.email = "changed@example.org"
    user.save()
    with pytest.raises(services.AccountError):
        services.verify_email(uidb64, token)


@pytest.mark.parametrize(("uidb64", "token"), [("!!", "x"), ("MTIzNDU2", "abc-def"), ("", "")])
def test_garbage_links_are_refused(uidb64: str, token: str) -> None:
    with pytest.raises(services.AccountError):
        services.verify_email(uidb64, token)


def test_resend_refuses_verified_accounts(learner: User) -> None:
    with pytest.raises(services.AccountError, match="already verified"):
        services.resend_verification_email(learner, BASE)


# -------------------------------------------------------------------------------- throttling


def sign_in(username: str, password: str, ip: str = "192.0.2.1") -> services.SignInAttempt:
    request = RequestFactory().post("/accounts/login/")
    return services.attempt_sign_in(request, username=username, password=password, ip=ip)


def test_a_correct_password_signs_in_and_clears_the_account_failures(learner: User) -> None:
    assert not sign_in("ada", "wrong").ok
    attempt = sign_in("ada", PASSWORD)
    assert attempt.ok
    assert attempt.user == learner
    assert not attempt.needs_second_factor
    assert not FailedLogin.objects.filter(username="ada").exists()


def test_five_failures_make_the_account_wait_without_checking_the_password(
    learner: User, other_learner: User
) -> None:
    for _n in range(4):
        assert sign_in("Ada", "wrong").retry_after is None
    fifth = sign_in("ada", "wrong")
    assert fifth.retry_after is not None
    assert timedelta(minutes=14) < fifth.retry_after <= timedelta(minutes=15)
    # Even the right password is refused now, from any address.
    refused = sign_in("ada", PASSWORD, ip="198.51.100.7")
    assert not refused.ok
    assert refused.retry_after is not None
    # Nobody else is affected, even from the same address.
    assert sign_in("grace", PASSWORD).ok


def test_the_account_wait_ends_when_the_failures_leave_the_window(learner: User) -> None:
    old = timezone.now() - timedelta(minutes=16)
    FailedLogin.objects.bulk_create(
        FailedLogin(username="ada", ip="192.0.2.1", at=old) for _n in range(10)
    )
    assert queries.sign_in_wait("ada", "192.0.2.1") is None
    assert sign_in("ada", PASSWORD).ok


def test_an_address_spraying_many_accounts_is_throttled_but_not_the_accounts(
    learner: User,
) -> None:
    for n in range(20):
        sign_in(f"victim{n}", "guess", ip="203.0.113.9")
    assert sign_in("ada", PASSWORD, ip="203.0.113.9").retry_after is not None
    assert sign_in("ada", PASSWORD, ip="192.0.2.50").ok


def test_ipv6_clients_are_throttled_per_64_network() -> None:
    assert queries.throttle_ip("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert queries.throttle_ip("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert queries.throttle_ip("192.0.2.1") == "192.0.2.1"
    assert queries.throttle_ip("not an address") == ""


def test_limits_come_from_settings(learner: User, settings: SettingsWrapper) -> None:
    settings.MICROCRED_LOGIN_ACCOUNT_LIMIT = 2
    settings.MICROCRED_LOGIN_WINDOW_SECONDS = 60
    sign_in("ada", "wrong")
    attempt = sign_in("ada", "wrong")
    assert attempt.retry_after is not None
    assert attempt.retry_after <= timedelta(seconds=60)


def test_retry_message_rounds_the_wait_up() -> None:
    assert services.retry_message(timedelta(seconds=61)).endswith("in 2 minutes.")
    assert services.retry_message(timedelta(seconds=5)).endswith("in 1 minute.")


def test_failures_older_than_the_window_are_pruned() -> None:
    FailedLogin.objects.create(username="old", ip="", at=timezone.now() - timedelta(hours=1))
    services.record_failed_login("new", "192.0.2.1")
    assert list(FailedLogin.objects.values_list("username", flat=True)) == ["new"]


# ---------------------------------------------------------------------------- second factor


def enable(user: User) -> tuple[TOTPDevice, list[str]]:
    device = services.start_two_factor_setup(user)
    codes = services.enable_two_factor(user, totp.totp(device.secret))
    device.refresh_from_db()
    return device, codes


def test_two_factor_is_off_until_a_code_confirms_the_device(learner: User) -> None:
    device = services.start_two_factor_setup(learner)
    assert queries.confirmed_device(learner) is None
    with pytest.raises(services.AccountError, match="not valid"):
        services.enable_two_factor(
            learner, "000000" if totp.totp(device.secret) != "000000" else "1"
        )
    codes = services.enable_two_factor(learner, totp.totp(device.secret))
    assert queries.confirmed_device(learner) is not None
    assert len(codes) == services.RECOVERY_CODE_COUNT == len(set(codes))
    assert all(len(code) == 19 for code in codes)
    stored = set(RecoveryCode.objects.filter(user=learner).values_list("code_hash", flat=True))
    assert not stored & set(codes)  # only hashes are stored


def test_starting_again_replaces_an_unfinished_set_up_but_not_a_working_one(
    learner: User,
) -> None:
    first = services.start_two_factor_setup(learner)
    second = services.start_two_factor_setup(learner)
    assert first.secret != second.secret
    assert TOTPDevice.objects.filter(user=learner).count() == 1
    services.enable_two_factor(learner, totp.totp(second.secret))
    with pytest.raises(services.AccountError, match="already on"):
        services.start_two_factor_setup(learner)


def test_a_code_is_accepted_once(learner: User) -> None:
    device, _codes = enable(learner)
    # The set-up code is spent; the same code cannot be replayed at sign-in.
    assert not services.check_second_factor(learner, totp.totp(device.secret))
    next_code = totp.totp(device.secret, at=timezone.now().timestamp() + totp.PERIOD)
    assert services.check_second_factor(learner, next_code)
    assert not services.check_second_factor(learner, next_code)


def test_a_recovery_code_works_once_in_any_spelling(learner: User) -> None:
    _device, codes = enable(learner)
    sloppy = codes[0].lower().replace("-", " ")
    assert services.check_second_factor(learner, sloppy)
    assert not services.check_second_factor(learner, codes[0])
    assert queries.unused_recovery_code_count(learner) == services.RECOVERY_CODE_COUNT - 1


def test_someone_elses_recovery_code_does_not_work(learner: User, other_learner: User) -> None:
    _device, codes = enable(learner)
    enable(other_learner)
    assert not services.check_second_factor(other_learner, codes[0])


def test_sign_in_with_a_device_asks_for_the_second_factor(learner: User) -> None:
    enable(learner)
    attempt = sign_in("ada", PASSWORD)
    assert attempt.ok
    assert attempt.needs_second_factor


def test_wrong_second_factor_codes_are_throttled_like_passwords(learner: User) -> None:
    device, _codes = enable(learner)
    for _n in range(5):
        attempt = services.attempt_second_factor(learner, code="not-a-code", ip="192.0.2.1")
        assert not attempt.ok
    assert attempt.retry_after is not None
    later = totp.totp(device.secret, at=timezone.now().timestamp() + totp.PERIOD)
    blocked = services.attempt_second_factor(learner, code=later, ip="192.0.2.1")
    assert not blocked.ok
    assert blocked.retry_after is not None


def test_disabling_needs_a_valid_code_and_removes_everything(learner: User) -> None:
    _device, codes = enable(learner)
    with pytest.raises(services.AccountError, match="not valid"):
        services.disable_two_factor(learner, code="123", ip=None)
    assert FailedLogin.objects.filter(username="ada").count() == 1  # the failure was kept
    services.disable_two_factor(learner, code=codes[1], ip=None)
    assert not TOTPDevice.objects.filter(user=learner).exists()
    assert not RecoveryCode.objects.filter(user=learner).exists()


def test_new_recovery_codes_replace_the_old_ones(learner: User) -> None:
    _device, codes = enable(learner)
    fresh = services.regenerate_recovery_codes(learner, code=codes[0], ip=None)
    assert not set(fresh) & set(codes)
    assert not services.check_second_factor(learner, codes[1])
    assert services.check_second_factor(learner, fresh[0])


def test_users_have_roles() -> None:
    assert User(role=User.Role.INSTRUCTOR).has_role(User.Role.INSTRUCTOR, User.Role.ADMINISTRATOR)
    assert not User(role=User.Role.LEARNER).has_role(User.Role.INSTRUCTOR)
