"""Journey (e): a learner with two-factor authentication forgets the password, follows the
e-mailed link, is refused a too-short password, sets a good one, and signs in with it and the
second factor; the browser left signed in on another device is signed out. Then a demo visitor
signs up and verifies the address through the demo mailbox.

The new pages are checked with axe-core on the way (no serious or critical violation)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from playwright.sync_api import expect
from pytest_django.fixtures import Settings as SettingsWrapper

from microcred.accounts import services, totp
from microcred.accounts.models import User

from .conftest import PASSWORD, Shots, Site, shots_folder, sign_in_as
from .test_accessibility import BLOCKING, axe_violations, describe

pytestmark = pytest.mark.e2e
JOURNEY = "e-password-reset"  # screenshots: test-artifacts/e2e/e-password-reset/

NEW_PASSWORD = "a brand new and unguessable passphrase 7"
LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/[^/\s]+/[^/\s]+/)")


def no_blocking_violations(page: Any, name: str, shots: Shots) -> None:
    violations = axe_violations(page)
    shots.write_json(f"axe-{name}.json", {"url": page.url, "violations": violations})
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, describe(name, page.url, blocking)


def sign_in(page: Any, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()


def test_a_learner_resets_a_forgotten_password_and_still_needs_the_second_factor(
    site: Site,
    settings: SettingsWrapper,
    new_page: Callable[..., Any],
    make_account: Callable[..., User],
    shots: Shots,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    user = make_account("hedy")
    device = services.start_two_factor_setup(user)
    services.enable_two_factor(user, totp.totp(device.secret))

    # Signed in on another device, which the reset must sign out.
    laptop = new_page()
    sign_in_as(laptop.context, site.live_server, user)
    laptop.goto(site.url("/dashboard/"))
    expect(laptop.get_by_role("heading", name="Your learning")).to_be_visible()

    # --- forgot the password --------------------------------------------------------------
    page = new_page()
    page.goto(site.url("/accounts/login/"))
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    no_blocking_violations(page, "forgot-password", shots)
    page.get_by_label("E-mail address").fill(user.email)
    shots(page, "forgot password form")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    expect(page.get_by_text("The link is valid for 1 hour")).to_be_visible()
    no_blocking_violations(page, "reset-link-sent", shots)
    shots(page, "reset link sent")

    # --- the e-mailed link ------------------------------------------------------------------
    (message,) = mail.outbox
    assert message.to == [user.email]
    found = LINK.search(message.body)
    assert found, message.body
    link = site.url(found.group(1))
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert page.url.endswith("/set-password/"), page.url  # the token left the address bar
    page.get_by_label(re.compile(r"^New password:?$")).fill("too short")
    page.get_by_label("New password again").fill("too short")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_text("This password is too short.")).to_be_visible()
    no_blocking_violations(page, "new-password-with-errors", shots)
    shots(page, "too short password refused")
    page.get_by_label(re.compile(r"^New password:?$")).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the new password").click()
    expect(page).to_have_url(site.url("/accounts/login/"))
    expect(
        page.get_by_text("Your password was changed. Sign in with your new password.")
    ).to_be_visible()
    shots(page, "password changed, sign in")

    # The owner is told, and the link is spent.
    assert [m.subject for m in mail.outbox] == [
        "Reset your microcred password",
        "Your microcred password was changed",
    ]
    assert Client().get(found.group(1)).status_code == 400

    # --- the old password no longer works; the new one needs the second factor ------------
    sign_in(page, "hedy", PASSWORD)
    expect(page.get_by_text("The username or the password is not correct.")).to_be_visible()
    sign_in(page, "hedy", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    shots(page, "second factor still asked")
    page.get_by_label("Code").fill(totp.totp(device.secret, time.time() + totp.PERIOD))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(site.url("/dashboard/"))
    expect(page.get_by_role("heading", name="Your learning")).to_be_visible()
    shots(page, "signed in with the new password")

    # --- the other device was signed out ----------------------------------------------------
    laptop.reload()
    expect(laptop).to_have_url(re.compile(r"/accounts/login/\?next="))
    shots(laptop, "other device signed out")


@shots_folder("e-demo-mailbox")
def test_a_demo_visitor_reads_the_verification_mail_in_the_demo_mailbox(
    site: Site,
    settings: SettingsWrapper,
    new_page: Callable[..., Any],
    shots: Shots,
    tmp_path: Path,
) -> None:
    settings.MICROCRED_DEMO = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    page = new_page()
    page.goto(site.url("/accounts/signup/"))
    page.get_by_label("Username").fill("visitor")
    page.get_by_label("E-mail address").fill("visitor@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    shots(page, "sign-up done with a mailbox link")
    page.get_by_role("link", name="Open the demo mailbox").click()
    expect(page.get_by_role("heading", name="Demo mailbox", level=1)).to_be_visible()
    expect(
        page.get_by_role("heading", name="Confirm your e-mail address for microcred")
    ).to_be_visible()
    no_blocking_violations(page, "demo-mailbox", shots)
    shots(page, "demo mailbox")
    page.locator("pre.mail-body a").first.click()
    expect(page.get_by_role("heading", name="Verify your e-mail address")).to_be_visible()
    page.get_by_role("button", name="Confirm my e-mail address").click()
    expect(page.get_by_text("Thank you, your e-mail address is verified.")).to_be_visible()
    shots(page, "address verified")
    assert User.objects.get(username="visitor").email_verified
