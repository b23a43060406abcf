"""Enrolment, admission review, withdrawal and lesson progress: who may do what."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings as SettingsWrapper

from microcred.accounts.models import User
from microcred.curriculum.models import Lesson, Programme
from microcred.learning import services
from microcred.learning.models import Enrolment, LessonProgress

from .conftest import PDF

pytestmark = pytest.mark.django_db


def enrol(
    user: User, programme: Programme, evidence: SimpleUploadedFile | None = None, **kw: object
) -> Enrolment:
    options: dict[str, object] = {"declaration_accepted": True, "language": "en"}
    options.update(kw)
    return services.enrol_learner(user, programme, evidence=evidence, **options)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------- enrolment


def test_without_evidence_required_enrolment_is_active_at_once(
    learner: User, programme: Programme
) -> None:
    enrolment = enrol(learner, programme)
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.declaration_accepted_at is not None
    assert "a Bachelor's degree (EQF level 6)" in enrolment.declaration_text
    assert not enrolment.evidence


def test_the_declaration_uses_the_course_text_of_the_language_it_was_shown_in(
    learner: User, programme: Programme
) -> None:
    programme.description["admission"]["technical_skills"] = [
        {"en": "Python programming", "fr": "Programmation en Python"},
        "Linear algebra",
    ]
    programme.save()
    enrolment = enrol(learner, programme, language="fr")
    assert "Programmation en Python; Linear algebra" in enrolment.declaration_text
    assert "Python programming" not in enrolment.declaration_text


@pytest.mark.parametrize(
    ("persona", "message"),
    [("instructor", "Only learner accounts"), ("administrator", "Only learner accounts")],
)
def test_staff_cannot_enrol(
    persona: str, message: str, request: pytest.FixtureRequest, programme: Programme
) -> None:
    with pytest.raises(services.LearningError, match=message):
        enrol(request.getfixturevalue(persona), programme)


def test_an_unverified_address_cannot_enrol(
    make_user: Callable[..., User], programme: Programme
) -> None:
    with pytest.raises(services.LearningError, match="Verify your e-mail"):
        enrol(make_user("newbie", verified=False), programme)
    assert not Enrolment.objects.exists()


def test_the_declaration_must_be_accepted(learner: User, programme: Programme) -> None:
    with pytest.raises(services.LearningError, match="accept the declaration"):
        enrol(learner, programme, declaration_accepted=False)


def test_enrolling_twice_is_refused(learner: User, programme: Programme) -> None:
    enrol(learner, programme)
    with pytest.raises(services.LearningError, match="already enrolled"):
        enrol(learner, programme)


def test_a_retired_course_takes_no_enrolments(learner: User, programme: Programme) -> None:
    from django.utils import timezone

    programme.retired_at = timezone.now()
    programme.save()
    with pytest.raises(services.LearningError, match="no longer offered"):
        enrol(learner, programme)


def test_withdrawing_and_coming_back_reuses_the_row(learner: User, programme: Programme) -> None:
    first = enrol(learner, programme)
    withdrawn = services.withdraw_enrolment(learner, programme)
    assert withdrawn.status == Enrolment.Status.WITHDRAWN
    with pytest.raises(services.LearningError, match="not enrolled"):
        services.withdraw_enrolment(learner, programme)
    again = enrol(learner, programme)
    assert again.pk == first.pk
    assert again.status == Enrolment.Status.ACTIVE


def test_evidence_is_required_when_the_course_asks_for_it(
    learner: User, evidence_required: Programme
) -> None:
    with pytest.raises(services.LearningError, match="evidence of your qualification"):
        enrol(learner, evidence_required)


def test_evidence_makes_a_pending_application_stored_under_a_random_name(
    learner: User, evidence_required: Programme, pdf: SimpleUploadedFile, private_media: Path
) -> None:
    enrolment = enrol(learner, evidence_required, pdf)
    assert enrolment.status == Enrolment.Status.PENDING
    assert enrolment.evidence_name == "my diploma.pdf"
    assert enrolment.evidence_content_type == "application/pdf"
    assert enrolment.evidence_size == len(PDF)
    stored = Path(enrolment.evidence.path)
    assert stored.is_relative_to(private_media / "evidence" / str(evidence_required.uuid))
    assert "diploma" not in stored.name
    assert stored.suffix == ".pdf"
    assert stored.read_bytes() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("diploma.exe", PDF, "PDF, PNG or JPEG"),
        ("diploma", PDF, "PDF, PNG or JPEG"),
        ("diploma.pdf", b"MZ\x90\x00 not a pdf at all", "does not match"),
        ("diploma.png", PDF, "does not match"),
        ("diploma.jpg", b"", "empty"),
    ],
)
def test_evidence_type_is_checked_by_name_and_content(
    learner: User, evidence_required: Programme, name: str, content: bytes, message: str
) -> None:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(services.LearningError, match=message):
        enrol(learner, evidence_required, upload)
    assert not Enrolment.objects.exists()


def test_evidence_size_is_limited(
    learner: User, evidence_required: Programme, settings: SettingsWrapper
) -> None:
    settings.MICROCRED_EVIDENCE_MAX_BYTES = 32
    upload = SimpleUploadedFile("diploma.pdf", PDF + b"x" * 64)
    with pytest.raises(services.LearningError, match="too large"):
        enrol(learner, evidence_required, upload)


def test_png_and_jpeg_evidence_are_accepted(
    learner: User, other_learner: User, evidence_required: Programme
) -> None:
    png = SimpleUploadedFile("scan.PNG", b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    jpeg = SimpleUploadedFile("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\0" * 16)
    assert enrol(learner, evidence_required, png).evidence_content_type == "image/png"
    assert enrol(other_learner, evidence_required, jpeg).evidence_content_type == "image/jpeg"


def test_re_applying_replaces_the_old_evidence_file(
    learner: User,
    instructor: User,
    evidence_required: Programme,
    pdf: SimpleUploadedFile,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    first = enrol(learner, evidence_required, pdf)
    old_path = Path(first.evidence.path)
    services.review_admission_evidence(instructor, first.pk, approve=False, reason="Unreadable")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        again = enrol(learner, evidence_required, SimpleUploadedFile("new.pdf", PDF))
    assert again.pk == first.pk
    assert again.status == Enrolment.Status.PENDING
    assert again.review_reason == ""
    assert again.reviewer is None
    assert not old_path.exists()
    assert Path(again.evidence.path).exists()


# ------------------------------------------------------------------------------------ review


@pytest.fixture
def application(learner: User, evidence_required: Programme, pdf: SimpleUploadedFile) -> Enrolment:
    return enrol(learner, evidence_required, pdf)


@pytest.mark.parametrize("persona", ["instructor", "administrator"])
def test_staff_approve_and_the_learner_is_told_after_commit(
    persona: str,
    request: pytest.FixtureRequest,
    application: Enrolment,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    reviewer = request.getfixturevalue(persona)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        enrolment = services.review_admission_evidence(reviewer, application.pk, approve=True)
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.reviewer == reviewer
    assert enrolment.reviewed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert "You are enrolled" in mail.outbox[0].subject


def test_a_rejection_needs_a_reason_that_the_learner_receives(
    instructor: User,
    application: Enrolment,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    with pytest.raises(services.LearningError, match="reason"):
        services.review_admission_evidence(instructor, application.pk, approve=False, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        enrolment = services.review_admission_evidence(
            instructor, application.pk, approve=False, reason="The scan is unreadable."
        )
    assert enrolment.status == Enrolment.Status.REJECTED
    assert "The scan is unreadable." in mail.outbox[0].body


def test_learners_cannot_review(other_learner: User, application: Enrolment) -> None:
    with pytest.raises(services.LearningError, match="Only instructors"):
        services.review_admission_evidence(other_learner, application.pk, approve=True)
    application.refresh_from_db()
    assert application.status == Enrolment.Status.PENDING


def test_only_pending_applications_are_reviewed(
    instructor: User, administrator: User, application: Enrolment
) -> None:
    services.review_admission_evidence(instructor, application.pk, approve=True)
    with pytest.raises(services.LearningError, match="no longer waiting"):
        services.review_admission_evidence(administrator, application.pk, approve=False, reason="x")
    with pytest.raises(services.LearningError, match="no longer waiting"):
        services.review_admission_evidence(instructor, 999_999, approve=True)


# ---------------------------------------------------------------------------------- progress


def test_progress_needs_an_active_enrolment(
    learner: User, programme: Programme, lessons: dict[str, Lesson]
) -> None:
    with pytest.raises(services.LearningError, match="not enrolled"):
        services.record_lesson_progress(learner, lessons["01-what-is-learning"], opened=True)
    enrol(learner, programme)
    progress = services.record_lesson_progress(learner, lessons["01-what-is-learning"], opened=True)
    assert progress.first_opened_at is not None
    assert progress.last_opened_at == progress.first_opened_at
    assert not progress.completed


def test_opening_again_keeps_the_first_visit(
    learner: User, programme: Programme, lessons: dict[str, Lesson]
) -> None:
    enrol(learner, programme)
    lesson = lessons["01-what-is-learning"]
    first = services.record_lesson_progress(learner, lesson, opened=True)
    second = services.record_lesson_progress(learner, lesson, opened=True)
    assert second.pk == first.pk
    assert second.first_opened_at == first.first_opened_at
    assert second.last_opened_at >= first.last_opened_at  # type: ignore[operator]


def test_completing_and_un_completing(
    learner: User, programme: Programme, lessons: dict[str, Lesson]
) -> None:
    enrol(learner, programme)
    lesson = lessons["02-maths-and-code"]
    done = services.record_lesson_progress(learner, lesson, completed=True)
    assert done.completed
    assert done.first_opened_at is not None  # completing counts as having opened it
    undone = services.record_lesson_progress(learner, lesson, completed=False)
    assert not undone.completed
    assert LessonProgress.objects.filter(learner=learner).count() == 1


def test_planned_lessons_have_no_progress(
    learner: User, programme: Programme, lessons: dict[str, Lesson]
) -> None:
    enrol(learner, programme)
    with pytest.raises(services.LearningError, match="not available"):
        services.record_lesson_progress(learner, lessons["03-later"], opened=True)


def test_a_pending_application_has_no_progress(
    application: Enrolment, learner: User, lessons: dict[str, Lesson]
) -> None:
    with pytest.raises(services.LearningError, match="not enrolled"):
        services.record_lesson_progress(learner, lessons["01-what-is-learning"], opened=True)
