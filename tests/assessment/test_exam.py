"""The timed exam: one attempt, a server-side deadline, autosave, late answers refused,
automatic submission, the course's supervision level and second factor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks import task_backends
from pytest_django.fixtures import Settings as SettingsWrapper

from microcred.accounts.models import User
from microcred.assessment import papers, services, tasks
from microcred.assessment.models import QuizAnswer, QuizAttempt
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.learning.models import Enrolment

from .conftest import ClientFor, page, require_two_factor, verified_client

pytestmark = pytest.mark.django_db

EXAM = "/assessment/minimal/exam/"


@pytest.fixture
def exam(items: dict[str, AssessmentItem]) -> AssessmentItem:
    return items["exam"]


def right(answer: QuizAnswer) -> list[str]:
    return sorted(papers.correct_ids(answer.question))


def wrong(answer: QuizAnswer) -> list[str]:
    return [next(o for o in papers.option_ids(answer.question) if o not in right(answer))]


def url(attempt: QuizAttempt, suffix: str = "") -> str:
    return f"/assessment/minimal/attempts/{attempt.pk}/{suffix}"


def expire(attempt: QuizAttempt, seconds: int = 1) -> None:
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=seconds)
    )


def test_the_exam_gets_a_deadline_and_records_the_supervision_promised(
    learner: User, enrolled: Enrolment, exam: AssessmentItem
) -> None:
    before = timezone.now()
    attempt = services.start_attempt(learner, exam)
    assert attempt.mode == QuizAttempt.Mode.EXAM
    assert attempt.deadline is not None
    assert attempt.deadline - attempt.started_at == timedelta(minutes=30)
    assert attempt.started_at >= before
    assert attempt.answers.count() == 2  # questions_per_attempt of a pool of three
    assert (attempt.supervision, attempt.identity_verification) == ("none", "none")
    assert attempt.two_factor_verified is False


def test_a_supervised_course_records_its_level_and_needs_a_second_factor(
    learner: User, enrolled: Enrolment, programme: Programme, exam: AssessmentItem
) -> None:
    require_two_factor(programme)
    exam.programme.refresh_from_db()
    with pytest.raises(services.AssessmentError, match="two-factor"):
        services.start_attempt(learner, exam)
    assert not QuizAttempt.objects.exists()
    attempt = services.start_attempt(learner, exam, two_factor_verified=True)
    assert (attempt.supervision, attempt.identity_verification) == ("supervised-online", "online")
    assert attempt.two_factor_verified is True


def test_the_exam_pages_ask_for_two_factor_first(
    client_for: ClientFor, learner: User, enrolled: Enrolment, programme: Programme
) -> None:
    require_two_factor(programme)
    no_device = client_for(learner).get(EXAM)
    assert no_device.status_code == 302
    assert no_device["Location"] == "/accounts/two-factor/?next=%2Fassessment%2Fminimal%2Fexam%2F"
    assert client_for(learner).post(f"{EXAM}start/").status_code == 302
    assert not QuizAttempt.objects.exists()
    client = verified_client(learner)
    landing = page(client.get(EXAM))
    assert "Supervised online" in landing or "supervised" in landing.lower()
    response = client.post(f"{EXAM}start/")
    attempt = QuizAttempt.objects.get()
    assert response["Location"] == url(attempt)
    assert attempt.two_factor_verified is True
    # A session that has not proved the second factor is sent to the code prompt.
    unproved = Client()
    unproved.force_login(learner)
    prompt = unproved.get(url(attempt))
    assert prompt["Location"].startswith("/accounts/two-factor/verify/?next=")


def test_there_is_only_one_attempt(
    learner: User, enrolled: Enrolment, exam: AssessmentItem
) -> None:
    attempt = services.start_attempt(learner, exam)
    assert services.start_attempt(learner, exam).pk == attempt.pk  # resumed
    services.submit_attempt(learner, attempt.pk)
    with pytest.raises(services.AssessmentError, match="used all your attempts"):
        services.start_attempt(learner, exam)
    assert QuizAttempt.objects.count() == 1


def test_the_score_is_the_share_of_points(
    learner: User, enrolled: Enrolment, exam: AssessmentItem
) -> None:
    exam.spec["questions_per_attempt"] = 3  # the whole pool, so the paper is known
    for question in exam.spec["items"]:
        question["points"] = 3 if question["id"] == "q-exam-2" else 1
    exam.save()
    attempt = services.start_attempt(learner, exam)
    answers = list(attempt.answers.all())
    chosen = {
        str(a.question_uuid): right(a) if a.question_code == "q-exam-2" else wrong(a)
        for a in answers
    }
    result = services.submit_attempt(learner, attempt.pk, chosen)
    assert result.accepted
    scored = result.attempt
    assert (scored.points, scored.max_points) == (3.0, 5.0)
    assert scored.score == pytest.approx(0.6)
    assert scored.answers_sha256
    assert not scored.auto_submitted
    marks = dict(attempt.answers.values_list("question_code", "correct"))
    assert marks == {"q-exam-1": False, "q-exam-2": True, "q-exam-3": False}


def test_autosave_stores_answers_and_says_when(
    client_for: ClientFor, learner: User, enrolled: Enrolment, exam: AssessmentItem
) -> None:
    client = client_for(learner)
    client.post(f"{EXAM}start/")
    attempt = QuizAttempt.objects.get()
    first, second = attempt.answers.all()
    paper = page(client.get(url(attempt)))
    assert f'hx-post="{url(attempt, "save/")}" hx-trigger="change"' in paper
    assert 'class="timer"' in paper
    assert "The test set is kept for the final" not in paper  # no explanations in an exam
    response = client.post(
        url(attempt, "save/"), {f"q-{first.question_uuid}": right(first)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Saved at" in page(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.selected == right(first)
    assert first.answered_at is not None
    assert (second.selected, first.correct) == ([], None)  # marked only on submission
    reloaded = page(client.get(url(attempt)))
    assert f'value="{right(first)[0]}" checked' in reloaded
    # Without JavaScript the same form saves and comes back.
    plain = client.post(url(attempt, "save/"), {f"q-{second.question_uuid}": wrong(second)})
    assert plain.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.selected == wrong(second)
    assert first.selected == []  # the full form is the truth: unticked means no answer


def test_answers_that_do_not_fit_are_refused(
    learner: User, enrolled: Enrolment, exam: AssessmentItem
) -> None:
    attempt = services.start_attempt(learner, exam)
    first = attempt.answers.first()
    assert first is not None
    with pytest.raises(services.AssessmentError, match="does not fit"):
        services.save_answers(learner, attempt.pk, {str(first.question_uuid): ["zz"]})
    with pytest.raises(services.AssessmentError, match="not part of your attempt"):
        services.save_answers(learner, attempt.pk, {"11eedad5-1b24-4fb9-9343-5755ae74ef6e": []})


def test_late_answers_are_refused_and_the_exam_is_submitted_with_what_was_saved(
    client_for: ClientFor, learner: User, enrolled: Enrolment, exam: AssessmentItem
) -> None:
    client = client_for(learner)
    client.post(f"{EXAM}start/")
    attempt = QuizAttempt.objects.get()
    first, second = attempt.answers.all()
    client.post(url(attempt, "save/"), {f"q-{first.question_uuid}": right(first)})
    expire(attempt)
    late = client.post(
        url(attempt, "save/"),
        {f"q-{first.question_uuid}": wrong(first), f"q-{second.question_uuid}": right(second)},
        HTTP_HX_REQUEST="true",
    )
    assert late.status_code == 204
    assert late["HX-Redirect"] == url(attempt)
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert attempt.auto_submitted is True
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.selected, first.correct) == (right(first), True)
    assert (second.selected, second.correct) == ([], False)
    assert attempt.score == pytest.approx(0.5)
    refused = client.post(url(attempt, "submit/"), {f"q-{second.question_uuid}": right(second)})
    assert refused.status_code == 302
    second.refresh_from_db()
    assert second.selected == []
    result = page(client.get(url(attempt)))
    assert "submitted automatically" in result
    assert "50 %" in result


def test_an_expired_exam_is_submitted_when_next_opened(
    client_for: ClientFor, learner: User, enrolled: Enrolment, exam: AssessmentItem
) -> None:
    attempt = services.start_attempt(learner, exam)
    expire(attempt)
    attempt.refresh_from_db()
    assert attempt.in_progress  # nothing happens until someone touches it
    response = client_for(learner).get(url(attempt))
    assert "submitted automatically" in page(response)
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert attempt.auto_submitted
    assert attempt.score == 0.0


def test_starting_again_after_the_deadline_closes_the_old_attempt_first(
    learner: User, enrolled: Enrolment, exam: AssessmentItem
) -> None:
    attempt = services.start_attempt(learner, exam)
    expire(attempt)
    with pytest.raises(services.AssessmentError, match="used all your attempts"):
        services.start_attempt(learner, exam)
    attempt.refresh_from_db()
    assert attempt.auto_submitted


def test_a_grace_period_can_be_configured(
    settings: SettingsWrapper, learner: User, enrolled: Enrolment, exam: AssessmentItem
) -> None:
    settings.MICROCRED_EXAM_GRACE_SECONDS = 30
    attempt = services.start_attempt(learner, exam)
    first = attempt.answers.first()
    assert first is not None
    assert attempt.deadline is not None
    inside = services.save_answers(
        learner,
        attempt.pk,
        {str(first.question_uuid): right(first)},
        now=attempt.deadline + timedelta(seconds=20),
    )
    assert inside.accepted
    outside = services.save_answers(
        learner, attempt.pk, {}, now=attempt.deadline + timedelta(seconds=31)
    )
    assert not outside.accepted
    assert outside.attempt.auto_submitted


def test_a_deferring_backend_closes_the_exam_at_its_deadline(
    settings: SettingsWrapper,
    learner: User,
    enrolled: Enrolment,
    exam: AssessmentItem,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        attempt = services.start_attempt(learner, exam)
    scheduled = task_backends["default"].results  # type: ignore[attr-defined]
    assert len(scheduled) == 1
    assert scheduled[0].task.name == "close_expired_attempt"
    assert scheduled[0].args == [attempt.pk]
    assert attempt.deadline is not None
    assert scheduled[0].task.run_after == attempt.deadline + timedelta(seconds=1)
    assert tasks.close_expired_attempt.call(attempt.pk) == "in_progress"  # too early: no-op
    expire(attempt)
    assert tasks.close_expired_attempt.call(attempt.pk) == "submitted"
    assert tasks.close_expired_attempt.call(attempt.pk) == "submitted"  # idempotent
    attempt.refresh_from_db()
    assert attempt.auto_submitted


def test_the_landing_page_shows_the_rules_and_attempts_left(
    client_for: ClientFor, learner: User, enrolled: Enrolment, exam: AssessmentItem
) -> None:
    client = client_for(learner)
    landing = page(client.get(EXAM))
    assert "30 minutes" in landing
    assert "1 of 1 left" in landing
    assert "Start the examination now" in landing
    attempt = services.start_attempt(learner, exam)
    services.submit_attempt(learner, attempt.pk)
    after = page(client.get(EXAM))
    assert "0 of 1 left" in after
    assert "Start the examination now" not in after
    assert f'href="{url(attempt)}"' in after
