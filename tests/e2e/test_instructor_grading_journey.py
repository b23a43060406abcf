"""Journey (e): an instructor grades a capstone. Signed in with a second factor, the instructor
opens the grading queue, downloads the learner's report and code, grades every rubric criterion
with a level, a score and a comment, and asks for changes to the AI ethics and risk
assessment. The learner sees the grade (not counting yet) and the comment, revises the
assessment from the previous version and resubmits; the instructor accepts version 2; the
learner's grade now counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from microcred.accounts.models import User
from microcred.assessment import services
from microcred.assessment.models import CapstoneSubmission, EthicsAssessment, RubricGrade
from microcred.curriculum.models import AssessmentItem
from microcred.learning.models import Enrolment

from . import steps
from .conftest import (
    PASSWORD,
    PDF,
    BrowserProblems,
    Shots,
    Site,
    next_code,
    sign_in_as,
    turn_on_two_factor,
)

pytestmark = pytest.mark.e2e
JOURNEY = "e-instructor-grading"  # screenshots: test-artifacts/e2e/e-instructor-grading/

LEARNER = "Tomás Novák"
MARKS = {
    "problem-and-model-selection": steps.Mark("Good", 78, "Compare the baselines on one split."),
    "architecture-and-implementation": steps.Mark("Excellent", 90, "Clean LoRA adapter, tested."),
    "training-and-evaluation": steps.Mark("Satisfactory", 60, "The test set chose the model."),
    "deployment-and-mlops": steps.Mark("Good", 72, "The image builds in CI; add a rollback."),
    "ethics-and-risk": steps.Mark("Satisfactory", 56, "Right category; bias not measured."),
    "report-and-presentation": steps.Mark("Good", 80, "Clear, with honest limitations."),
}
OVERALL = "Solid engineering. Measure before you claim fairness."
CHANGES = "Measure the bias: error rates per ticket language, with confidence intervals."
# Version 1 of the assessment asserts fairness instead of measuring it.
FIRST_VERSION = {**steps.ETHICS, "bias_analysis": "We believe the model treats everyone fairly."}
REVISED_BIAS = (
    "Factual-error rate per ticket language on 2,000 held-out tickets with bootstrap 95 % "
    "intervals: English 4.1 % (3.2-5.0), Romanian 8.3 % (6.1-10.4)."
)
REVISED_MITIGATIONS = "Added 3,000 Romanian tickets; the Romanian error rate fell to 4.9 %."


@dataclass
class Handed:
    learner: User
    instructor: User
    instructor_secret: str
    capstone: AssessmentItem
    submission: CapstoneSubmission


@pytest.fixture
def handed_in(site: Site, make_account: Callable[..., User]) -> Handed:
    """An enrolled learner (with 2FA, as the course requires) who handed in a capstone and a
    first ethics assessment, and an instructor who has turned 2FA on."""
    learner = make_account("tomas", first_name="Tomás", last_name="Novák")
    turn_on_two_factor(learner)
    Enrolment.objects.create(
        learner=learner,
        programme=site.programme,
        status=Enrolment.Status.ACTIVE,
        declaration_text="I declare.",
        declaration_accepted_at=timezone.now(),
    )
    capstone = AssessmentItem.objects.get(programme=site.programme, kind="capstone")
    submission = services.submit_capstone(
        learner,
        capstone,
        report=SimpleUploadedFile("tomas-report.pdf", PDF, "application/pdf"),
        code=SimpleUploadedFile("tomas-code.zip", steps.code_archive(), "application/zip"),
    )
    services.submit_ethics_assessment(learner, capstone, FIRST_VERSION)
    instructor = make_account("ines", User.Role.INSTRUCTOR, first_name="Inès", last_name="Roy")
    secret = turn_on_two_factor(instructor)
    return Handed(learner, instructor, secret, capstone, submission)


def test_an_instructor_grades_a_capstone_and_gets_the_ethics_assessment_revised(
    site: Site,
    new_page: Callable[..., Any],
    problems: BrowserProblems,
    shots: Shots,
    handed_in: Handed,
) -> None:
    rubric = handed_in.capstone.spec["rubric"]
    expected = steps.weighted_percent(rubric, MARKS)
    assert expected == 73.5
    staff = new_page()

    # --- the instructor signs in, with the second factor -----------------------------------
    staff.goto(site.url("/accounts/login/"))
    staff.get_by_label("Username").fill(handed_in.instructor.username)
    staff.get_by_label("Password").fill(PASSWORD)
    staff.locator("main").get_by_role("button", name="Sign in").click()
    expect(staff).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    staff.get_by_label("Code").fill(next_code(handed_in.instructor_secret))
    staff.get_by_role("button", name="Verify").click()
    expect(staff.get_by_role("heading", name="Teaching dashboard")).to_be_visible()

    # --- the queue -------------------------------------------------------------------------
    steps.open_grading_queue(staff)
    capstones = staff.get_by_role("region", name="Capstones to grade")
    row = capstones.get_by_role("row", name=re.compile(LEARNER))
    expect(row).to_contain_text(site.programme.title["en"])
    expect(row).to_contain_text("waiting for review")  # the ethics assessment's state
    waiting = staff.get_by_role("region", name="Ethics and risk assessments to review")
    expect(waiting.get_by_role("listitem")).to_have_count(1)
    expect(waiting).to_contain_text("version 1")
    shots(staff, "grading queue")

    # --- the grading page: the work, then the rubric ---------------------------------------
    row.get_by_role("link", name=LEARNER).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Capstone of {LEARNER}")
    expect(staff.get_by_text("version 1, submitted on")).to_be_visible()
    with staff.expect_download() as report:
        staff.get_by_role("link", name="tomas-report.pdf").click()
    assert Path(report.value.path()).read_bytes() == PDF
    with staff.expect_download() as code:
        staff.get_by_role("link", name="tomas-code.zip").click()
    assert Path(code.value.path()).read_bytes() == steps.code_archive()
    expect(staff.get_by_role("link", name="Waiting for review")).to_be_visible()  # ethics
    shots(staff, "grading page")

    # Every criterion but the last: the browser will not send the form without its level.
    expect(staff.locator("table.rubric tbody tr")).to_have_count(len(rubric))
    steps.grade_rubric(staff, rubric[:-1], MARKS)
    staff.get_by_label("Overall comment").fill(OVERALL)
    staff.get_by_role("button", name="Save the grade").click()
    last_level = steps.rubric_row(staff, rubric[-1]).get_by_role("radio").first
    assert last_level.evaluate("radio => radio.validity.valueMissing")
    expect(staff).to_have_url(re.compile(r"/instructor/assessment/capstones/\d+/$"))
    assert not RubricGrade.objects.exists()
    steps.grade_rubric(staff, rubric, MARKS)
    shots(staff, "rubric complete")
    staff.get_by_role("button", name="Save the grade").click()
    expect(staff.get_by_text("The capstone is graded.")).to_be_visible()
    expect(capstones).to_contain_text("No capstone is waiting for a grade.")
    grade = RubricGrade.objects.get()
    assert (grade.grader, grade.comment) == (handed_in.instructor, OVERALL)
    assert grade.score == pytest.approx(expected / 100)
    for criterion in rubric:
        mark, given = MARKS[criterion["id"]], grade.criteria[criterion["id"]]
        level = str(criterion["levels"][given["level"]]["en"])
        assert level.startswith(mark.level), (criterion["id"], level)
        assert (given["percent"], given["comment"]) == (mark.percent, mark.comment)

    # --- the ethics assessment: changes requested ------------------------------------------
    first_version = EthicsAssessment.objects.get(enrolment__learner=handed_in.learner)
    waiting.get_by_role("link", name=LEARNER).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        f"Ethics and risk assessment of {LEARNER} (version 1)"
    )
    sections = staff.locator("dl.ethics")
    expect(sections).to_contain_text("Limited risk: transparency obligations (Article 50)")
    expect(sections).to_contain_text(FIRST_VERSION["bias_analysis"])
    # Asking for changes without saying which is refused (400), and says so.
    problems.provoke("POST", f"/instructor/assessment/ethics/{first_version.pk}/", 400)
    staff.get_by_role("button", name="Ask for changes").click()
    expect(staff.get_by_text("Tell the learner what to change.")).to_be_visible()
    staff.get_by_label("Comment for the learner").fill(CHANGES)
    shots(staff, "asking for changes")
    staff.get_by_role("button", name="Ask for changes").click()
    expect(staff.get_by_text("Your review is recorded.")).to_be_visible()
    expect(waiting).to_contain_text("No assessment is waiting for review.")

    # --- the learner sees the grade, not counting yet, and what to change -----------------
    page = new_page()
    sign_in_as(page.context, site.live_server, handed_in.learner, second_factor=True)
    page.goto(site.url("/dashboard/"))
    steps.open_assessments(page, site.programme.title["en"])
    title = handed_in.capstone.title["en"]
    item = steps.assessment_list(page).locator("li", has_text=title)
    expect(item).to_contain_text("waiting for your ethics assessment to be accepted")
    item.get_by_role("link", name=title).click()
    expect(page.get_by_text("Instructor's grade: 73.5 %")).to_be_visible()
    expect(
        page.get_by_text("It counts once your ethics and risk assessment is accepted.")
    ).to_be_visible()
    scores = page.get_by_role("region", name="Your submission").locator("table.rubric")
    for criterion in rubric:
        mark = MARKS[criterion["id"]]
        row = scores.locator("tbody tr").filter(
            has=page.get_by_role("rowheader", name=criterion["criterion"]["en"].split(":")[0])
        )
        expect(row).to_contain_text(mark.level)
        expect(row).to_contain_text(f"{mark.percent} %")
        expect(row).to_contain_text(mark.comment)
    expect(page.get_by_text(OVERALL)).to_be_visible()
    ethics = page.get_by_role("region", name="AI ethics and risk assessment")
    expect(ethics).to_contain_text("Version 1:")
    expect(ethics).to_contain_text("Changes requested")
    expect(ethics.locator("blockquote")).to_have_text(CHANGES)
    shots(page, "learner sees grade and requested changes")

    # --- the learner revises version 1 (the form starts from it) and resubmits --------------
    form = ethics.locator("form.ethics-form")
    bias = form.get_by_role("textbox", name="Bias and fairness analysis")
    expect(bias).to_have_value(FIRST_VERSION["bias_analysis"])
    expect(form.get_by_role("textbox", name="System description")).to_have_value(
        FIRST_VERSION["system_description"]
    )
    expect(
        form.get_by_role("group", name="Risk category").get_by_role("radio", checked=True)
    ).to_have_accessible_name(re.compile("^Limited risk"))
    steps.fill_ethics(page, {"bias_analysis": REVISED_BIAS, "mitigations": REVISED_MITIGATIONS})
    shots(page, "learner revises the ethics assessment")
    page.get_by_role("button", name="Submit for review").click()
    expect(
        page.get_by_text("Your ethics and risk assessment is submitted for review.")
    ).to_be_visible()
    expect(ethics).to_contain_text("Version 2:")
    expect(ethics).to_contain_text("Waiting for review")
    expect(ethics.locator("form.ethics-form")).to_have_count(0)  # one version waits at a time

    # --- the instructor accepts version 2 --------------------------------------------------
    steps.open_grading_queue(staff)
    expect(waiting).to_contain_text("version 2")
    waiting.get_by_role("link", name=LEARNER).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        f"Ethics and risk assessment of {LEARNER} (version 2)"
    )
    expect(sections).to_contain_text(REVISED_BIAS)
    expect(sections).to_contain_text(REVISED_MITIGATIONS)
    earlier = staff.get_by_role("heading", name="Earlier versions").locator(
        "xpath=following-sibling::ul[1]"
    )
    expect(earlier).to_contain_text(f"Version 1: Changes requested — {CHANGES}")
    shots(staff, "version 2 to review")
    staff.get_by_role("button", name="Accept").click()
    expect(staff.get_by_text("Your review is recorded.")).to_be_visible()
    expect(waiting).to_contain_text("No assessment is waiting for review.")
    versions = EthicsAssessment.objects.filter(enrolment__learner=handed_in.learner)
    assert dict(versions.values_list("version", "status")) == {
        1: EthicsAssessment.Status.NEEDS_CHANGES,
        2: EthicsAssessment.Status.ACCEPTED,
    }

    # --- the learner's grade now counts ----------------------------------------------------
    page.reload()
    expect(page.get_by_text("Instructor's grade: 73.5 %")).to_be_visible()
    expect(page.get_by_text("It counts once your ethics")).to_have_count(0)
    expect(ethics).to_contain_text("Version 2:")
    expect(ethics).to_contain_text("Accepted")
    shots(page, "learner's grade counts")
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role(
        "link", name="Assessments"
    ).click()
    item = steps.assessment_list(page).locator("li", has_text=title)
    expect(item).to_contain_text("best 73.5 %")
    expect(item).not_to_contain_text("waiting for your ethics assessment")
    shots(page, "assessments with the capstone grade")
