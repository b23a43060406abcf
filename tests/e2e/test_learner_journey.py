"""Journey (a): a new learner signs up, verifies the address, turns on 2FA, applies with
evidence, is approved by an instructor in another browser, and completes a first lesson."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from microcred.accounts import totp
from microcred.accounts.models import User
from microcred.curriculum.models import Lesson
from microcred.learning.models import Enrolment, LessonProgress

from .conftest import PASSWORD, PDF, Shots, Site

pytestmark = pytest.mark.e2e
JOURNEY = "a-learner"  # screenshots: test-artifacts/e2e/a-learner/

USERNAME = "mireille"
EMAIL = "mireille.e2e@example.org"
FIRST_LESSON = "01-foundations-of-deep-learning/01-neural-network-fundamentals"


def sign_in(page: Any, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def wrong_code(secret: str) -> str:
    """Six digits that no step in the accepted drift window produces."""
    now = time.time()
    valid = {totp.totp(secret, now + step * totp.PERIOD) for step in (-2, -1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def test_a_new_learner_signs_up_secures_the_account_enrols_and_learns(
    site: Site, new_page: Callable[..., Any], make_account: Callable[..., User], shots: Shots
) -> None:
    lessons = list(
        Lesson.objects.filter(
            module__programme=site.programme,
            module__retired_at__isnull=True,
            status="published",
            retired_at__isnull=True,
        ).order_by("module__position", "position")
    )
    total = len(lessons)
    assert lessons[0].slug == FIRST_LESSON.split("/")[1]
    first_title, second_title = lessons[0].title["en"], lessons[1].title["en"]
    title = site.programme.title["en"]
    page = new_page()

    # --- sign up --------------------------------------------------------------------------
    page.goto(site.url("/"))
    shots(page, "home page")
    page.get_by_role("link", name="Create an account").first.click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    page.locator("#id_username").fill(USERNAME)
    page.locator("#id_email").fill(EMAIL)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    shots(page, "sign-up form filled in")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    expect(page.get_by_text(EMAIL)).to_be_visible()
    shots(page, "check your e-mail")

    # --- the verification e-mail -----------------------------------------------------------
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    assert message.subject == "Confirm your e-mail address for microcred"
    found = re.search(r"(http://\S+/accounts/verify-email/\S+/\S+/)", message.body)
    assert found, message.body
    link = found.group(1)
    assert link.startswith(site.live_server.url)

    # Open it as from a mail client: signed out, so the journey also signs in with the form.
    sign_out(page)
    page.goto(link)
    expect(page.get_by_role("heading", name="Verify your e-mail address")).to_be_visible()
    shots(page, "verification link opened")
    page.get_by_role("button", name="Confirm my e-mail address").click()
    expect(page).to_have_url(site.url("/accounts/login/"))
    expect(page.get_by_text("Thank you, your e-mail address is verified.")).to_be_visible()
    assert User.objects.get(username=USERNAME).email_verified

    # --- sign in ---------------------------------------------------------------------------
    sign_in(page, USERNAME, PASSWORD)
    expect(page).to_have_url(site.url("/dashboard/"))
    expect(page.get_by_role("heading", name="Your learning")).to_be_visible()
    expect(page.get_by_text("Please confirm your e-mail address")).to_have_count(0)
    shots(page, "signed in dashboard")

    # --- turn on two-factor authentication ------------------------------------------------
    page.get_by_role("link", name="Security").click()
    page.get_by_role("button", name="Set up two-factor authentication").click()
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    expect(page.locator("figure.qr svg")).to_be_visible()
    shots(page, "two-factor QR code and key")
    page.get_by_label("6-digit code").fill(wrong_code(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("That code is not valid")).to_be_visible()
    shots(page, "two-factor wrong code refused")
    page.get_by_label("6-digit code").fill(totp.totp(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Two-factor authentication is on")).to_be_visible()
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)
    shots(page, "recovery codes")
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_text("Two-factor authentication is on.")).to_be_visible()

    # --- sign out and back in with the second factor ---------------------------------------
    sign_out(page)
    page.get_by_role("link", name="Sign in").click()
    sign_in(page, USERNAME, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    shots(page, "second factor prompt")
    # The code used to turn 2FA on may not be replayed: take the next time step's code, which
    # the server accepts within its one-step drift window.
    page.get_by_label("Code").fill(totp.totp(secret, time.time() + totp.PERIOD))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(site.url("/dashboard/"))
    shots(page, "signed in with second factor")

    # --- apply: declaration and evidence --------------------------------------------------
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    page.get_by_role("link", name="Enrol in this microcredential").click()
    expect(page.locator("blockquote.declaration")).to_contain_text("I declare")
    page.get_by_label("I accept the declaration above.").check()
    page.get_by_label("Evidence of your qualification").set_input_files(
        files=[{"name": "mireille-diploma.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    shots(page, "application with evidence")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(site.url("/dashboard/"))
    expect(page.get_by_text("An instructor will review your application.")).to_be_visible()
    expect(page.get_by_text("Pending review")).to_be_visible()
    shots(page, "application pending")
    enrolment = Enrolment.objects.get(learner__username=USERNAME)
    assert enrolment.status == Enrolment.Status.PENDING
    assert enrolment.evidence_name == "mireille-diploma.pdf"

    # --- an instructor approves, in a second browser --------------------------------------
    instructor = make_account("ines-e2e", User.Role.INSTRUCTOR)
    staff = new_page()
    staff.goto(site.url("/accounts/login/"))
    sign_in(staff, instructor.username, PASSWORD)
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Applications").click()
    card = staff.locator("li.card", has_text=USERNAME)
    expect(card).to_contain_text(EMAIL)
    shots(staff, "instructor review queue")
    with staff.expect_download() as download:
        card.get_by_role("link", name=re.compile(r"^Download evidence: mireille-diploma")).click()
    assert download.value.suggested_filename == "mireille-diploma.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    card.get_by_role("button", name="Approve").click()
    expect(staff.get_by_text(f"{USERNAME} is enrolled.")).to_be_visible()
    expect(staff.get_by_text("No applications are waiting.")).to_be_visible()
    shots(staff, "instructor approved")
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.reviewer) == (Enrolment.Status.ACTIVE, instructor)
    decision = mail.outbox[-1]
    assert decision.to == [EMAIL]
    assert "is approved" in decision.body

    # --- the learner opens the first lesson and completes it ------------------------------
    page.reload()
    card = page.locator("li.card", has_text=title)
    expect(card).to_contain_text("Active")
    expect(card).to_contain_text(f"0 of {total} lessons completed")
    shots(page, "dashboard enrolled")
    card.get_by_role("link", name=f"Resume: {first_title}").click()
    expect(page).to_have_url(site.url(f"/learn/{site.programme.slug}/{FIRST_LESSON}/"))
    expect(page.locator("article.lesson > h1")).to_have_text(first_title)
    expect(page.locator(".lesson-body .katex").first).to_be_visible()  # local KaTeX typeset
    shots(page, "first lesson")
    page.get_by_role("button", name="Mark as completed").click()  # htmx swaps the form
    expect(page.locator("#lesson-completion")).to_contain_text("Completed")
    expect(page.get_by_role("button", name="Mark as not completed")).to_be_visible()
    shots(page, "lesson marked complete")
    progress = LessonProgress.objects.get(learner__username=USERNAME)
    assert progress.completed
    assert progress.lesson.slug == FIRST_LESSON.split("/")[1]

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    card = page.locator("li.card", has_text=title)
    expect(card).to_contain_text(f"1 of {total} lessons completed")
    expect(card.locator("progress")).to_have_attribute("value", str(round(100 / total)))
    expect(card.get_by_role("link", name=f"Resume: {second_title}")).to_be_visible()
    shots(page, "dashboard shows progress")
