"""Journey (d): axe-core, served from the repository (never a CDN), finds no serious or critical
violation on the main pages, signed out and signed in, with and without form errors.

Every page's full axe result (all impacts) is kept next to its screenshot under
test-artifacts/e2e/accessibility-<page>/; the test fails on `serious` and `critical` only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from microcred.accounts.models import User
from microcred.credentials.core.record import Learner
from microcred.credentials.services import issue_credential
from microcred.curriculum.models import Lesson
from microcred.learning.models import Enrolment, LessonProgress

from .conftest import AXE_JS, PDF, Shots, Site, sign_in_as

pytestmark = pytest.mark.e2e
JOURNEY = "d-accessibility"  # screenshots: test-artifacts/e2e/d-accessibility/

BLOCKING = ("serious", "critical")
FIRST_LESSON = "01-foundations-of-deep-learning/01-neural-network-fundamentals"
UNTRANSLATED_LESSON = "02-computer-vision-with-cnns/01-convolution-and-pooling"

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
    nodes: v.nodes.map((n) => ({
      target: n.target, html: n.html, impact: n.impact, summary: n.failureSummary,
    })),
  }));
}"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE_JS))
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return violations


def describe(page_name: str, url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{page_name} ({url}):"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"      {' '.join(node['target'])}: {node['html'][:160]}")
        if len(v["nodes"]) > 5:
            lines.append(f"      ... and {len(v['nodes']) - 5} more elements")
    return "\n".join(lines)


@dataclass
class World:
    """Everything the pages show: an enrolled learner with progress, an applicant waiting for
    review, an instructor and an issued credential."""

    site: Site
    learner: User
    newcomer: User
    instructor: User
    credential_uuid: str = ""


@pytest.fixture
def world(site: Site, make_account: Callable[..., User], settings: Any) -> World:
    # Nobody types these passwords but one wrong one: a fast hasher keeps 15 set-ups quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    learner = make_account("amara", first_name="Amara", last_name="Okafor")
    newcomer = make_account("bruno")
    applicant = make_account("chiara")
    instructor = make_account("ines-a11y", User.Role.INSTRUCTOR)
    now = timezone.now()
    active = Enrolment.objects.create(
        learner=learner,
        programme=site.programme,
        status=Enrolment.Status.ACTIVE,
        declaration_text="I declare.",
        declaration_accepted_at=now,
    )
    first = Lesson.objects.get(module__programme=site.programme, slug=FIRST_LESSON.split("/")[1])
    LessonProgress.objects.create(
        learner=learner, lesson=first, last_opened_at=now, completed_at=now
    )
    pending = Enrolment(
        learner=applicant,
        programme=site.programme,
        status=Enrolment.Status.PENDING,
        declaration_text="I declare.",
        declaration_accepted_at=now,
        evidence_name="chiara-diploma.pdf",
        evidence_content_type="application/pdf",
        evidence_size=len(PDF),
    )
    pending.evidence.save("chiara-diploma.pdf", ContentFile(PDF), save=False)
    pending.save()
    assert active.is_active
    return World(site=site, learner=learner, newcomer=newcomer, instructor=instructor)


def issue(world: World) -> str:
    row = issue_credential(
        world.site.course_dir,
        Learner("Amara Okafor", world.learner.email),
        88,
        component_percents={"written-exam": 91},
    ).credential
    return str(row.uuid)


def submit_empty_sign_up(page: Any) -> None:
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".errorlist").first).to_be_visible()


def submit_wrong_password(page: Any) -> None:
    page.get_by_label("Username").fill("amara")
    page.get_by_label("Password").fill("not the password")
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The username or the password is not correct.")).to_be_visible()


def submit_empty_password_change(page: Any) -> None:
    page.locator("main").get_by_role("button", name="Change password").click()
    expect(page.locator(".errorlist").first).to_be_visible()


def start_two_factor(page: Any) -> None:
    page.get_by_role("button", name="Set up two-factor authentication").click()
    expect(page.locator("code.secret")).to_be_visible()


def expect_english_body(page: Any) -> None:
    expect(page.locator("div.lesson-body[lang='en']")).to_be_visible()
    expect(page.locator("h1 > span[lang='en']")).to_have_text("Convolution and pooling")


@dataclass(frozen=True)
class PageCase:
    path: str | Callable[[World], str]
    persona: str | None = None  # attribute of World, or None for a signed-out visitor
    action: Callable[[Any], None] | None = None
    language: str | None = None  # the UI language (cookie); None for the default, English


def lesson_path(world: World) -> str:
    return f"/learn/{world.site.programme.slug}/{FIRST_LESSON}/"


def untranslated_lesson_path(world: World) -> str:
    """Module 2 is English only: on a French page its text carries lang="en"."""
    return f"/learn/{world.site.programme.slug}/{UNTRANSLATED_LESSON}/"


PAGES: dict[str, PageCase] = {
    "home": PageCase("/"),
    "course-page": PageCase(lambda w: w.site.course_path),
    "sign-in": PageCase("/accounts/login/"),
    "sign-in-with-error": PageCase("/accounts/login/", action=submit_wrong_password),
    "sign-up": PageCase("/accounts/signup/"),
    "sign-up-with-errors": PageCase("/accounts/signup/", action=submit_empty_sign_up),
    "verify": PageCase("/verify/"),
    "verify-result": PageCase(lambda w: f"/verify/{issue(w)}/"),
    "dashboard": PageCase("/dashboard/", "learner"),
    "lesson": PageCase(lesson_path, "learner"),
    "course-outline": PageCase(lambda w: f"/learn/{w.site.programme.slug}/", "learner"),
    "enrol": PageCase(lambda w: f"/courses/{w.site.programme.slug}/enrol/", "newcomer"),
    "two-factor-set-up": PageCase("/accounts/two-factor/", "learner", start_two_factor),
    "change-password-with-errors": PageCase(
        "/accounts/password/change/", "learner", submit_empty_password_change
    ),
    "staff-dashboard": PageCase("/dashboard/", "instructor"),
    "review-queue": PageCase("/instructor/enrolments/", "instructor"),
    "course-page-french": PageCase(lambda w: w.site.course_path, language="fr"),
    "course-outline-french": PageCase(
        lambda w: f"/learn/{w.site.programme.slug}/", "learner", language="fr"
    ),
    "lesson-untranslated-french": PageCase(
        untranslated_lesson_path, "learner", expect_english_body, language="fr"
    ),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_accessibility_violations(
    world: World, new_page: Callable[..., Any], shots: Shots, name: str
) -> None:
    case = PAGES[name]
    page = new_page()
    if case.persona:
        sign_in_as(page.context, world.site.live_server, getattr(world, case.persona))
    if case.language:
        cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": case.language}
        page.context.add_cookies([{**cookie, "url": world.site.live_server.url}])
    path = case.path(world) if callable(case.path) else case.path
    response = page.goto(world.site.url(path))
    assert response is not None, path
    assert response.status == 200, (path, response.status)
    if case.language:
        expect(page.locator("html")).to_have_attribute("lang", case.language)
    if case.action:
        case.action(page)
    page.wait_for_load_state("load")
    shots(page, name)
    violations = axe_violations(page)
    shots.write_json("axe-violations.json", {"url": page.url, "violations": violations})
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, describe(name, page.url, blocking)
