"""Enrolment, review, delivery and dashboards through HTTP, for each persona."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from microcred.accounts.models import User
from microcred.curriculum.models import Lesson, Module, Programme
from microcred.learning.models import Enrolment, LessonProgress

from .conftest import PDF

pytestmark = pytest.mark.django_db

Enrol = Callable[..., Enrolment]
ClientFor = Callable[[User], Client]
LESSON = "/learn/minimal/01-first-steps/02-maths-and-code/"
FIRST = "/learn/minimal/01-first-steps/01-what-is-learning/"
NOT_TRANSLATED = "This text is not translated yet; it is shown in English."


def page(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------- enrolment


def test_anonymous_people_are_asked_to_sign_in_to_enrol(
    client: Client, programme: Programme
) -> None:
    response = client.get("/courses/minimal/enrol/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/courses/minimal/enrol/"


def test_a_learner_enrols_by_accepting_the_declaration(
    client_for: ClientFor, learner: User, programme: Programme
) -> None:
    client = client_for(learner)
    form = page(client.get("/courses/minimal/enrol/"))
    assert "I declare that I hold a Bachelor&#x27;s degree (EQF level 6)" in form
    assert 'type="file"' not in form  # no evidence asked for this course
    refused = client.post("/courses/minimal/enrol/", {})
    assert refused.status_code == 400
    assert not Enrolment.objects.exists()
    response = client.post("/courses/minimal/enrol/", {"accept_declaration": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/learn/minimal/"
    enrolment = Enrolment.objects.get(learner=learner)
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert "Bachelor's degree" in enrolment.declaration_text
    assert "You are enrolled in this course." in page(client.get("/courses/minimal/enrol/"))


def test_the_enrol_page_tells_unverified_learners_and_staff_why_they_cannot(
    client_for: ClientFor, make_user: Callable[..., User], instructor: User, programme: Programme
) -> None:
    unverified = page(
        client_for(make_user("newbie", verified=False)).get("/courses/minimal/enrol/")
    )
    assert "Verify your e-mail address before enrolling" in unverified
    assert 'name="accept_declaration"' not in unverified
    staff = page(client_for(instructor).get("/courses/minimal/enrol/"))
    assert "Only learner accounts can enrol." in staff


def test_an_unknown_course_is_404(client_for: ClientFor, learner: User, db: None) -> None:
    assert client_for(learner).get("/courses/nope/enrol/").status_code == 404
    assert client_for(learner).get("/learn/nope/").status_code == 404


def test_evidence_upload_makes_a_pending_application(
    client_for: ClientFor, learner: User, evidence_required: Programme
) -> None:
    client = client_for(learner)
    assert 'type="file"' in page(client.get("/courses/minimal/enrol/"))
    missing = client.post("/courses/minimal/enrol/", {"accept_declaration": "on"})
    assert missing.status_code == 400
    bad = client.post(
        "/courses/minimal/enrol/",
        {"accept_declaration": "on", "evidence": SimpleUploadedFile("x.pdf", b"GIF89a")},
    )
    assert bad.status_code == 400
    assert "does not match its type" in page(bad)
    response = client.post(
        "/courses/minimal/enrol/",
        {"accept_declaration": "on", "evidence": SimpleUploadedFile("diploma.pdf", PDF)},
        follow=True,
    )
    assert "An instructor will review your application." in page(response)
    assert Enrolment.objects.get(learner=learner).status == Enrolment.Status.PENDING
    # Not yet in: the course material sends the applicant back to the enrolment page.
    outline = client.get("/learn/minimal/")
    assert outline.status_code == 302
    assert outline["Location"] == "/courses/minimal/enrol/"


def test_withdrawing(
    client_for: ClientFor, learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(learner, programme)
    client = client_for(learner)
    assert client.get("/learn/minimal/withdraw/").status_code == 405
    response = client.post("/learn/minimal/withdraw/", follow=True)
    assert "You have withdrawn from the course." in page(response)
    assert Enrolment.objects.get(learner=learner).status == Enrolment.Status.WITHDRAWN


# ---------------------------------------------------------------------------------- review


@pytest.fixture
def applications(
    make_user: Callable[..., User], evidence_required: Programme, enrol: Enrol
) -> list[Enrolment]:
    made = []
    for n in range(3):
        enrolment = enrol(make_user(f"applicant{n}"), evidence_required, Enrolment.Status.PENDING)
        enrolment.evidence_name = f"diploma{n}.pdf"
        enrolment.evidence_content_type = "application/pdf"
        enrolment.evidence_size = len(PDF)
        enrolment.evidence.save(f"d{n}.pdf", SimpleUploadedFile("d.pdf", PDF))
        made.append(enrolment)
    return made


def test_learners_and_anonymous_people_cannot_see_the_review_queue(
    client: Client, client_for: ClientFor, learner: User, applications: list[Enrolment]
) -> None:
    assert client.get("/instructor/enrolments/")["Location"].startswith("/accounts/login/")
    assert client_for(learner).get("/instructor/enrolments/").status_code == 403
    review = client_for(learner).post(
        f"/instructor/enrolments/{applications[0].pk}/review/", {"decision": "approve"}
    )
    assert review.status_code == 403
    applications[0].refresh_from_db()
    assert applications[0].status == Enrolment.Status.PENDING


@pytest.mark.parametrize("persona", ["instructor", "administrator"])
def test_staff_see_every_pending_application_in_constant_queries(
    persona: str,
    request: pytest.FixtureRequest,
    client_for: ClientFor,
    applications: list[Enrolment],
) -> None:
    client = client_for(request.getfixturevalue(persona))
    with CaptureQueriesContext(connection) as three:
        response = client.get("/instructor/enrolments/")
    text = page(response)
    for n in range(3):
        assert f"applicant{n}" in text
        assert f"diploma{n}.pdf" in text
    applications[0].status = Enrolment.Status.ACTIVE
    applications[0].save()
    with CaptureQueriesContext(connection) as two:
        client.get("/instructor/enrolments/")
    assert len(three) == len(two) <= 4, [q["sql"] for q in three]


def test_approving_and_rejecting_from_the_queue(
    client_for: ClientFor, instructor: User, applications: list[Enrolment]
) -> None:
    client = client_for(instructor)
    first, second = applications[0], applications[1]
    approved = client.post(
        f"/instructor/enrolments/{first.pk}/review/", {"decision": "approve"}, follow=True
    )
    assert "applicant0 is enrolled." in page(approved)
    no_reason = client.post(
        f"/instructor/enrolments/{second.pk}/review/", {"decision": "reject"}, follow=True
    )
    assert "Give the applicant a reason" in page(no_reason)
    client.post(
        f"/instructor/enrolments/{second.pk}/review/",
        {"decision": "reject", "reason": "Not a Bachelor's degree."},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.reviewer) == (Enrolment.Status.ACTIVE, instructor)
    assert second.status == Enrolment.Status.REJECTED
    assert second.review_reason == "Not a Bachelor's degree."
    assert "applicant0" not in page(client.get("/instructor/enrolments/"))


def test_a_rejected_learner_sees_the_reason_and_may_apply_again(
    client_for: ClientFor,
    make_user: Callable[..., User],
    evidence_required: Programme,
    enrol: Enrol,
) -> None:
    applicant = make_user("applicant")
    enrolment = enrol(applicant, evidence_required, Enrolment.Status.REJECTED)
    enrolment.review_reason = "The scan is unreadable."
    enrolment.save()
    client = client_for(applicant)
    assert "The scan is unreadable." in page(client.get("/dashboard/"))
    form = page(client.get("/courses/minimal/enrol/"))
    assert "You may apply again." in form
    assert 'name="accept_declaration"' in form


def test_evidence_is_private_to_the_applicant_and_staff(
    client: Client,
    client_for: ClientFor,
    instructor: User,
    other_learner: User,
    applications: list[Enrolment],
) -> None:
    url = f"/enrolments/{applications[0].pk}/evidence/"
    assert client.get(url)["Location"].startswith("/accounts/login/")
    assert client_for(other_learner).get(url).status_code == 404
    for viewer in (applications[0].learner, instructor):
        response = client_for(viewer).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="diploma0.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]


# -------------------------------------------------------------------------------- delivery


def test_the_outline_shows_modules_lessons_and_planned_ones(
    client_for: ClientFor, learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(learner, programme)
    text = page(client_for(learner).get("/learn/minimal/"))
    assert "First steps" in text
    assert f'href="{FIRST}"' in text
    assert f'href="{LESSON}"' in text
    assert "Coming later" in text
    assert "coming soon" in text
    assert "/learn/minimal/01-first-steps/03-later/" not in text
    assert f'href="{FIRST}">' in text  # resume points at the first lesson


def test_people_without_an_active_enrolment_cannot_read_lessons(
    client: Client, client_for: ClientFor, other_learner: User, programme: Programme
) -> None:
    assert client.get(LESSON)["Location"].startswith("/accounts/login/")
    response = client_for(other_learner).get(LESSON)
    assert response.status_code == 302
    assert response["Location"] == "/courses/minimal/enrol/"
    assert not LessonProgress.objects.exists()


def test_the_lesson_page_renders_safe_notes_with_maths_and_code(
    client_for: ClientFor, learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(learner, programme)
    response = client_for(learner).get(LESSON)
    text = page(response)
    assert response.status_code == 200
    assert "<h1>Maths and code</h1>" in text
    assert '<span class="math inline">' in text
    assert '<span class="k">def</span>' in text
    assert '<script>alert("owned")</script>' not in text
    assert "/static/microcred/vendor/katex/katex.min.js" in text
    assert "cdn" not in text.lower()
    assert "?tab=slides" in text
    assert 'aria-current="page">Notes' in text
    assert "Mark as completed" in text
    assert NOT_TRANSLATED not in text
    assert 'rel="next"' not in text  # the only later lesson is planned
    assert f'rel="prev" href="{FIRST}"' in text


def test_tabs_show_the_other_resources(
    client_for: ClientFor, learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(learner, programme)
    text = page(client_for(learner).get(f"{LESSON}?tab=slides"))
    assert "Second slide" in text
    assert 'aria-current="page">Slides' in text
    unknown = page(client_for(learner).get(f"{LESSON}?tab=nope"))
    assert 'aria-current="page">Notes' in unknown


def test_french_readers_get_the_french_notes(
    client_for: ClientFor, learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(learner, programme)
    text = page(client_for(learner).get(LESSON, headers={"accept-language": "fr"}))
    assert "Mathématiques et code" in text
    assert "La perte est" in text
    assert NOT_TRANSLATED not in text
    assert '<div class="lesson-body resource-notes">' in text  # French: the page's language
    # The slides have no French file: English, with the note.
    slides = page(
        client_for(learner).get(f"{LESSON}?tab=slides", headers={"accept-language": "fr"})
    )
    assert "Second slide" in slides
    assert '<div class="lesson-body resource-slides" lang="en">' in slides
    assert "pas encore traduit" in slides or NOT_TRANSLATED in slides


def test_german_readers_get_english_notes_with_the_note(
    client_for: ClientFor, learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(learner, programme)
    response = client_for(learner).get(LESSON, headers={"accept-language": "de"})
    text = page(response)
    assert response.status_code == 200
    # English on a German page is marked as English (WCAG 2.1 SC 3.1.2), title and body alike
    assert '<h1><span lang="en">Maths and code</span></h1>' in text
    assert '<div class="lesson-body resource-notes" lang="en">' in text
    assert text.count('role="note"') >= 2  # the title and the notes are untranslated


def test_opening_a_lesson_records_progress(
    client_for: ClientFor,
    learner: User,
    programme: Programme,
    enrol: Enrol,
    lessons: dict[str, Lesson],
) -> None:
    enrol(learner, programme)
    client_for(learner).get(LESSON)
    progress = LessonProgress.objects.get(learner=learner)
    assert progress.lesson == lessons["02-maths-and-code"]
    assert progress.last_opened_at is not None
    assert not progress.completed


def test_planned_and_unknown_lessons_are_404(
    client_for: ClientFor, learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(learner, programme)
    client = client_for(learner)
    assert client.get("/learn/minimal/01-first-steps/03-later/").status_code == 404
    assert client.get("/learn/minimal/01-first-steps/nope/").status_code == 404
    assert client.get("/learn/minimal/other-module/02-maths-and-code/").status_code == 404


def test_staff_preview_without_progress(
    client_for: ClientFor, instructor: User, programme: Programme
) -> None:
    client = client_for(instructor)
    outline = page(client.get("/learn/minimal/"))
    assert "You are previewing this course" in outline
    text = page(client.get(LESSON))
    assert "<h1>Maths and code</h1>" in text
    assert "Mark as completed" not in text
    assert client.post(f"{LESSON}complete/", {"completed": "on"}).status_code == 403
    assert not LessonProgress.objects.exists()


def test_marking_complete_without_javascript(
    client_for: ClientFor, learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(learner, programme)
    client = client_for(learner)
    response = client.post(f"{LESSON}complete/", {"completed": "on"})
    assert response.status_code == 302
    assert response["Location"] == LESSON
    assert LessonProgress.objects.get(learner=learner).completed
    assert "Mark as not completed" in page(client.get(LESSON))
    client.post(f"{LESSON}complete/", {"completed": ""})
    assert not LessonProgress.objects.get(learner=learner).completed


def test_marking_complete_with_htmx_returns_the_partial(
    client_for: ClientFor, learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(learner, programme)
    response = client_for(learner).post(
        f"{LESSON}complete/", {"completed": "on"}, headers={"hx-request": "true"}
    )
    text = page(response)
    assert response.status_code == 200
    assert text.startswith('<form id="lesson-completion"')
    assert "<html" not in text
    assert "Mark as not completed" in text
    assert 'hx-post="/learn/minimal/01-first-steps/02-maths-and-code/complete/"' in text


def test_completion_needs_a_post_and_an_enrolment(
    client_for: ClientFor, learner: User, other_learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(learner, programme)
    assert client_for(learner).get(f"{LESSON}complete/").status_code == 405
    response = client_for(other_learner).post(f"{LESSON}complete/", {"completed": "on"})
    assert response.status_code == 302
    assert not LessonProgress.objects.exists()


# ------------------------------------------------------------------------------- dashboard


def other_programme(programme: Programme, slug: str) -> Programme:
    """A second course with two published lessons, written directly (no folder needed)."""
    row = Programme.objects.create(
        uuid=uuid.uuid4(),
        slug=slug,
        title={"en": f"Course {slug}"},
        source_path="/nonexistent",
        source_digest="0" * 64,
        description=programme.description,
        eqf_level=7,
        ects=1,
        synced_at=timezone.now(),
    )
    module = Module.objects.create(
        uuid=uuid.uuid4(),
        programme=row,
        slug="m",
        position=0,
        title={"en": "M"},
        summary={},
        hours=1,
    )
    for position in range(2):
        Lesson.objects.create(
            uuid=uuid.uuid4(),
            module=module,
            slug=f"l{position}",
            position=position,
            title={"en": f"Lesson {position}"},
            status="published",
            duration_minutes=10,
        )
    return row


def test_dashboard_needs_a_signed_in_person(client: Client) -> None:
    assert client.get("/dashboard/")["Location"] == "/accounts/login/?next=/dashboard/"


def test_the_learner_dashboard_shows_progress_and_resumes_where_they_left_off(
    client_for: ClientFor, learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(learner, programme)
    client = client_for(learner)
    assert "0 of 2 lessons completed" in page(client.get("/dashboard/"))
    client.get(LESSON)  # opened, not completed: resume there
    text = page(client.get("/dashboard/"))
    assert f'href="{LESSON}">Resume: Maths and code' in text
    client.post(f"{LESSON}complete/", {"completed": "on"})
    text = page(client.get("/dashboard/"))
    assert "1 of 2 lessons completed" in text
    # The last lesson opened is done: resume at the first unfinished one.
    assert f'href="{FIRST}">Resume: What is learning?' in text
    client.post(f"{FIRST}complete/", {"completed": "on"})
    assert "All lessons completed." in page(client.get("/dashboard/"))


def test_a_learner_sees_only_their_own_enrolments(
    client_for: ClientFor, learner: User, other_learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(other_learner, programme)
    text = page(client_for(learner).get("/dashboard/"))
    assert "You are not enrolled in any course yet." in text
    assert "lessons completed" not in text
    assert "Courses you can join" in text
    assert 'href="/courses/minimal/enrol/">Enrol</a>' in text


def test_courses_already_joined_are_not_offered_again(
    client_for: ClientFor, learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(learner, programme)
    assert "/courses/minimal/enrol/" not in page(client_for(learner).get("/dashboard/"))


def test_the_learner_dashboard_query_count_does_not_grow_with_enrolments(
    client_for: ClientFor, learner: User, programme: Programme, enrol: Enrol
) -> None:
    enrol(learner, programme)
    client = client_for(learner)
    client.get(LESSON)
    with CaptureQueriesContext(connection) as one:
        client.get("/dashboard/")
    for slug in ("second", "third"):
        enrol(learner, other_programme(programme, slug))
    with CaptureQueriesContext(connection) as three:
        text = page(client.get("/dashboard/"))
    assert "Course second" in text
    assert "Course third" in text
    assert len(one) == len(three) <= 6, [q["sql"] for q in three]


def test_unverified_learners_are_reminded_on_the_dashboard(
    client_for: ClientFor, make_user: Callable[..., User]
) -> None:
    text = page(client_for(make_user("newbie", verified=False)).get("/dashboard/"))
    assert "Please confirm your e-mail address" in text


@pytest.mark.parametrize("persona", ["instructor", "administrator"])
def test_the_staff_dashboard_counts_learners_and_applications(
    persona: str,
    request: pytest.FixtureRequest,
    client_for: ClientFor,
    learner: User,
    applications: list[Enrolment],
    enrol: Enrol,
) -> None:
    enrol(learner, applications[0].programme)
    client = client_for(request.getfixturevalue(persona))
    with CaptureQueriesContext(connection) as queries:
        text = page(client.get("/dashboard/"))
    assert "Teaching dashboard" in text
    assert "3 applications are waiting for review." in text
    assert "<td>1</td>\n      <td>3</td>" in text  # active learners, then pending applications
    assert len(queries) <= 4, [q["sql"] for q in queries]


def test_the_navigation_follows_the_role(
    client: Client, client_for: ClientFor, learner: User, instructor: User, db: None
) -> None:
    anonymous = page(client.get("/"))
    assert "/accounts/login/" in anonymous
    assert "/dashboard/" not in anonymous
    mine = page(client_for(learner).get("/"))
    assert "/dashboard/" in mine
    assert "/instructor/enrolments/" not in mine
    assert "/instructor/enrolments/" in page(client_for(instructor).get("/"))
