"""Journey (a): a new learner signs up, verifies the address, turns on 2FA, applies with
evidence, is approved by an instructor in another browser, completes a first lesson, then passes
every graded component in the browser: the seven labs (the reference solutions pasted into the
editor, graded by the task worker, the grade arriving through the page's polling), the timed
exam (every drawn question answered from `exam.yaml`), the capstone (report and code) with its
AI Act ethics assessment. The instructor grades the capstone on its rubric and accepts the
ethics assessment; the credential is issued automatically; the learner finds it on "My
credentials", downloads the Open Badge, and its public verification page passes every check."""

from __future__ import annotations

import hashlib
import json
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
from microcred.assessment.models import CapstoneSubmission, EthicsAssessment, QuizAttempt
from microcred.credentials.models import IssuedCredential
from microcred.curriculum.models import AssessmentItem, Lesson
from microcred.gradebook.models import Award
from microcred.learning.models import Enrolment, LessonProgress

from . import steps
from .conftest import PASSWORD, PDF, Shots, Site

pytestmark = pytest.mark.e2e
JOURNEY = "a-learner"  # screenshots: test-artifacts/e2e/a-learner/

USERNAME = "mireille"
EMAIL = "mireille.e2e@example.org"
FIRST_LESSON = "01-foundations-of-deep-learning/01-neural-network-fundamentals"
INSTRUCTOR = "ines-e2e"

# The instructor's marks: levels and scores that agree (Excellent is 85-100 %, Good 65-84 %).
MARKS = {
    "problem-and-model-selection": steps.Mark("Excellent", 90, "Baselines compared fairly."),
    "architecture-and-implementation": steps.Mark("Good", 80, "Tests cover the tokeniser."),
    "training-and-evaluation": steps.Mark("Excellent", 88, "Per-language slices: well done."),
    "deployment-and-mlops": steps.Mark("Good", 75, "Rollback is described, not shown."),
    "ethics-and-risk": steps.Mark("Excellent", 92, "Measured and mitigated."),
    "report-and-presentation": steps.Mark("Good", 82, "Clear; a little long."),
}


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


def english(text: Any) -> str:
    return str(text["en"] if isinstance(text, dict) else text)


def test_a_new_learner_signs_up_learns_passes_every_assessment_and_gets_a_verified_credential(
    site: Site,
    new_page: Callable[..., Any],
    make_account: Callable[..., User],
    shots: Shots,
    task_worker: Callable[[], list[Any]],
) -> None:
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url(""))
    sign_up_verify_and_secure_the_account(site, page, shots)
    staff = apply_and_be_approved(site, page, new_page, make_account, shots)
    complete_the_first_lesson(site, page, shots)
    pass_every_lab(site, page, shots, task_worker)
    pass_the_exam(site, page, shots)
    hand_in_the_capstone_and_the_ethics_assessment(site, page, shots)
    grade_the_capstone_and_accept_the_ethics_assessment(site, staff, shots)
    issue_the_credential(task_worker)
    find_download_and_verify_the_credential(site, page, shots)


# ------------------------------------------------------------- sign-up, e-mail, two factors


def sign_up_verify_and_secure_the_account(site: Site, page: Any, shots: Shots) -> None:
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


# ------------------------------------------------------------------- admission, first lesson


def apply_and_be_approved(
    site: Site,
    page: Any,
    new_page: Callable[..., Any],
    make_account: Callable[..., User],
    shots: Shots,
) -> Any:
    """Returns the instructor's page (signed in in their own browser context)."""
    title = site.programme.title["en"]

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
    instructor = make_account(INSTRUCTOR, User.Role.INSTRUCTOR)
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
    return staff


def complete_the_first_lesson(site: Site, page: Any, shots: Shots) -> None:
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


# ------------------------------------------------------------------------ graded components


def pass_every_lab(
    site: Site, page: Any, shots: Shots, task_worker: Callable[[], list[Any]]
) -> None:
    """Each lab: open it from the Assessments panel, paste the reference solution over the
    starter code, submit it, see it queued. The learner watches the first one until its grade
    arrives (the page polls); the other six are submitted one after another, the worker grades
    them together, and the learner comes back to each to read its grade and feedback."""
    labs = list(
        AssessmentItem.objects.filter(
            programme=site.programme, kind="lab", retired_at__isnull=True
        ).order_by("slug")
    )
    assert len(labs) == 7
    steps.open_assessments(page, site.programme.title["en"])
    shots(page, "assessments before any work")

    def open_lab(lab: AssessmentItem) -> None:
        title = english(lab.title)
        steps.assessment_list(page).get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)

    def back_to_assessments() -> None:
        breadcrumbs = page.get_by_role("navigation", name="Breadcrumbs")
        breadcrumbs.get_by_role("link", name="Assessments").click()

    for position, lab in enumerate(labs):
        open_lab(lab)
        expect(page.get_by_text("Nothing submitted yet.")).to_be_visible()
        # The editor opens on the starter code (CodeMirror may draw long lines lazily).
        starter = steps.lab_solution(site.course_dir, lab.slug, "starter")
        first_line = starter.strip().splitlines()[0]
        expect(page.get_by_role("textbox", name="Your code")).to_contain_text(first_line)
        solution = steps.lab_solution(site.course_dir, lab.slug)
        if position == 0:
            result = steps.submit_lab_and_see_it_graded(page, task_worker, solution)
            result.scroll_into_view_if_needed()
            shots(page, f"lab {lab.slug} graded while watching", full_page=False)
        else:
            steps.submit_lab(page, solution)
            if position == 1:
                shots(page, f"lab {lab.slug} queued", full_page=False)
        back_to_assessments()
    for lab in labs[1:]:
        row = steps.assessment_list(page).locator("li", has_text=english(lab.title))
        expect(row).to_contain_text("in progress")
    shots(page, "assessments six labs waiting")

    done = task_worker()  # the worker catches up with the queue
    assert [t.task_path for t in done] == ["microcred.assessment.tasks.grade_lab_submission"] * 6
    assert {t.return_value for t in done} == {"graded"}
    page.reload()
    for lab in labs:
        row = steps.assessment_list(page).locator("li", has_text=english(lab.title))
        expect(row).to_contain_text("best 100 %")
    shots(page, "assessments every lab passed")
    for lab in labs[1:]:
        open_lab(lab)
        result = page.locator("#latest .lab-result")
        steps.expect_graded_in_full(result)
        result.scroll_into_view_if_needed()
        shots(page, f"lab {lab.slug} graded", full_page=False)
        back_to_assessments()


def pass_the_exam(site: Site, page: Any, shots: Shots) -> None:
    """Start the timed exam, answer every drawn question correctly (autosaved), submit."""
    key = steps.exam_answer_key(site.course_dir)
    exam = AssessmentItem.objects.get(programme=site.programme, kind="exam")
    title = english(exam.title)
    steps.assessment_list(page).get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("dl.facts")).to_contain_text("90 minutes")
    expect(page.locator("dl.facts")).to_contain_text("1 of 1 left")
    shots(page, "exam instructions")
    page.get_by_role("button", name="Start the examination now").click()
    expect(page.get_by_role("timer")).to_contain_text("Time left:")
    expect(page.locator(".katex").first).to_be_visible()  # the formulae are typeset
    shots(page, "exam paper", full_page=False)
    answered = steps.answer_every_question(page, key)
    assert answered == exam.spec["questions_per_attempt"] == 30
    expect(page.locator("#autosave")).to_contain_text("Saved at")
    shots(page, "exam answered and saved", full_page=False)
    page.once("dialog", lambda dialog: dialog.accept())  # "Submit now? You cannot change..."
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Submitted.")).to_be_visible()
    result = page.get_by_role("region", name="Result")
    expect(result).to_contain_text("100 %")
    expect(result).to_contain_text("30 of 30 points")
    shots(page, "exam result")
    attempt = QuizAttempt.objects.get(enrolment__learner__username=USERNAME, item=exam)
    assert attempt.score == 1.0
    assert attempt.two_factor_verified
    assert not attempt.auto_submitted
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role("link", name=title).click()
    expect(page.locator("dl.facts")).to_contain_text("0 of 1 left")
    expect(page.get_by_role("button", name="Start the examination now")).to_have_count(0)


def hand_in_the_capstone_and_the_ethics_assessment(site: Site, page: Any, shots: Shots) -> None:
    steps.open_assessments(page, site.programme.title["en"])
    capstone = AssessmentItem.objects.get(programme=site.programme, kind="capstone")
    steps.assessment_list(page).get_by_role("link", name=english(capstone.title)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(english(capstone.title))
    shots(page, "capstone page")
    steps.submit_capstone(
        page, PDF, report_name="mireille-capstone-report.pdf", code_name="mireille-code.zip"
    )
    submission = page.get_by_role("region", name="Your submission")
    expect(submission).to_contain_text("Version 1, submitted on")
    expect(submission.get_by_role("link", name="mireille-capstone-report.pdf")).to_be_visible()
    expect(submission.get_by_role("link", name="mireille-code.zip")).to_be_visible()
    steps.fill_ethics(page, steps.ETHICS)
    shots(page, "capstone submitted ethics assessment filled in")
    page.get_by_role("button", name="Submit for review").click()
    expect(
        page.get_by_text("Your ethics and risk assessment is submitted for review.")
    ).to_be_visible()
    ethics = page.get_by_role("region", name="AI ethics and risk assessment")
    expect(ethics).to_contain_text("Version 1:")
    expect(ethics).to_contain_text("Waiting for review")
    shots(page, "ethics assessment waiting for review")
    stored = EthicsAssessment.objects.get(enrolment__learner__username=USERNAME)
    assert stored.risk_category == "limited"
    assert stored.transparency_measures == steps.ETHICS["transparency_measures"]


# ------------------------------------------------------------------------- the instructor


def grade_the_capstone_and_accept_the_ethics_assessment(
    site: Site, staff: Any, shots: Shots
) -> None:
    """The instructor who approved the application, still signed in in their own browser. The
    grading pages ask staff for their role only, not for a second factor (journey (e) signs an
    instructor in with one all the same)."""
    capstone = AssessmentItem.objects.get(programme=site.programme, kind="capstone")
    rubric = capstone.spec["rubric"]
    steps.open_grading_queue(staff)
    capstones = staff.get_by_role("region", name="Capstones to grade")
    row = capstones.get_by_role("row", name=re.compile(USERNAME))
    expect(row).to_contain_text("waiting for review")  # its ethics assessment
    shots(staff, "grading queue")
    row.get_by_role("link", name=USERNAME).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Capstone of {USERNAME}")
    with staff.expect_download() as download:
        staff.get_by_role("link", name="mireille-capstone-report.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF
    steps.grade_rubric(staff, rubric, MARKS)
    staff.get_by_label("Overall comment").fill("A convincing, well-measured project.")
    shots(staff, "rubric filled in")
    staff.get_by_role("button", name="Save the grade").click()
    expect(staff.get_by_text("The capstone is graded.")).to_be_visible()
    expect(capstones).to_contain_text("No capstone is waiting for a grade.")

    waiting = staff.get_by_role("region", name="Ethics and risk assessments to review")
    waiting.get_by_role("link", name=USERNAME).click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text(
        f"Ethics and risk assessment of {USERNAME} (version 1)"
    )
    expect(staff.locator("dl.ethics")).to_contain_text(steps.ETHICS["bias_analysis"])
    shots(staff, "ethics assessment to review")
    staff.get_by_role("button", name="Accept").click()
    expect(staff.get_by_text("Your review is recorded.")).to_be_visible()
    expect(waiting).to_contain_text("No assessment is waiting for review.")
    shots(staff, "capstone graded and ethics accepted")


def issue_the_credential(task_worker: Callable[[], list[Any]]) -> None:
    """Accepting the ethics assessment was the last grading event: the learner now passes, so
    the award task is queued (nothing else is); the worker issues the credential once."""
    enrolment = Enrolment.objects.get(learner__username=USERNAME)
    assert Award.objects.filter(enrolment=enrolment).count() == 0
    done = task_worker()
    assert [(t.task_path, t.return_value) for t in done] == [
        ("microcred.gradebook.tasks.award_credential", "issued")
    ]
    award = Award.objects.get(enrolment=enrolment)
    assert award.status == Award.Status.ISSUED
    assert task_worker() == []  # nothing more to do: exactly once


# ------------------------------------------------------------------------- the credential


def find_download_and_verify_the_credential(site: Site, page: Any, shots: Shots) -> None:
    capstone = AssessmentItem.objects.get(programme=site.programme, kind="capstone")
    rubric_percent = steps.weighted_percent(capstone.spec["rubric"], MARKS)  # 83.8
    weights = {c["id"]: c["weight"] for c in site.programme.description["assessment"]["components"]}
    final = round(
        (
            weights["programming-assignments"] * 100
            + weights["final-project"] * rubric_percent
            + weights["written-exam"] * 100
        )
        / 100,
        2,
    )
    assert final == 92.71

    # --- the e-mail ------------------------------------------------------------------------
    row = IssuedCredential.objects.get()
    message = mail.outbox[-1]
    assert message.to == [EMAIL]
    assert message.subject == f"Your credential for {site.programme.title['en']} is ready"
    assert site.url(f"/verify/{row.uuid}/") in message.body

    # --- the capstone page now shows the grade that counts ---------------------------------
    steps.open_assessments(page, site.programme.title["en"])
    capstone_row = steps.assessment_list(page).locator("li", has_text=english(capstone.title))
    expect(capstone_row).to_contain_text("best 83.8 %")
    expect(capstone_row).not_to_contain_text("waiting for your ethics assessment")
    capstone_row.get_by_role("link", name=english(capstone.title)).click()
    expect(page.get_by_text("Instructor's grade: 83.8 %")).to_be_visible()
    expect(page.get_by_text("It counts once your ethics")).to_have_count(0)
    expect(page.get_by_role("region", name="AI ethics and risk assessment")).to_contain_text(
        "Accepted"
    )
    shots(page, "capstone grade counts")
    assert CapstoneSubmission.objects.get(enrolment__learner__username=USERNAME).version == 1

    # --- My credentials --------------------------------------------------------------------
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My credentials").click()
    card = page.locator(f"#credential-{row.uuid}")
    expect(card.get_by_role("heading", level=2)).to_have_text(site.programme.title["en"])
    # The status label is the credentials app's raw, untranslated state name ("valid").
    expect(card.locator(".tag.status-valid")).to_have_text(re.compile("^valid$", re.I))
    expect(card).to_contain_text(f"Grade: {final:g} %")
    shots(page, "my credentials")
    with page.expect_download() as download:
        card.get_by_role("link", name="Open Badge 3.0 (JSON)").click()
    assert download.value.suggested_filename == f"{row.uuid}.json"
    badge = json.loads(Path(download.value.path()).read_text("utf-8"))
    shots.write_json("open-badge.json", badge)
    assert badge == row.openbadge
    assert "OpenBadgeCredential" in badge["type"]
    assert badge["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    subject = badge["credentialSubject"]
    assert {"identityType": "name", "identityHash": USERNAME}.items() <= subject["identifier"][
        0
    ].items()
    components = {
        c["id"]: c["uuid"] for c in site.programme.description["assessment"]["components"]
    }
    results = {r["resultDescription"]: r["value"] for r in subject["result"]}
    assert results == {
        f"urn:uuid:{components['programming-assignments']}": "100",
        f"urn:uuid:{components['final-project']}": "83.8",
        f"urn:uuid:{components['written-exam']}": "100",
        f"urn:uuid:{site.programme.uuid}:final-grade": f"{final:g}",
    }
    # The evidence is the work done in this browser: each lab's digest is that of the pasted
    # reference solution, so exactly what was pasted was graded and is now credentialed.
    evidence = {e["assessmentId"]: e for e in badge["evidence"]}
    labs = AssessmentItem.objects.filter(programme=site.programme, kind="lab")
    assert sorted(evidence) == sorted([f"lab:{lab.slug}" for lab in labs] + ["capstone", "exam"])
    for lab in labs:
        solution = steps.lab_solution(site.course_dir, lab.slug)
        digest = hashlib.sha256(solution.encode()).hexdigest()
        assert evidence[f"lab:{lab.slug}"]["submissionSha256"] == digest, lab.slug
    assert evidence["capstone"]["assessmentScore"] == "83.8"

    # --- the share link: the public verification page --------------------------------------
    share = card.get_by_label("Anyone with this link can check your credential:")
    expect(share).to_have_value(site.url(f"/verify/{row.uuid}/"))
    card.get_by_role("link", name="Open the verification page").click()
    expect(page).to_have_url(site.url(f"/verify/{row.uuid}/"))
    expect(page.get_by_role("heading", name="This credential is valid.")).to_be_visible()
    assert steps.check_labels(page, "passed") == steps.VERIFICATION_CHECKS
    assert steps.check_labels(page, "failed") == steps.check_labels(page, "skipped") == []
    expect(page.get_by_text(f"Awarded to {USERNAME}")).to_be_visible()
    shots(page, "public verification page")
