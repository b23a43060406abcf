"""Practice quizzes: a paper per learner and attempt, immediate feedback, stored correctness."""

from __future__ import annotations

import pytest
from django.test import Client

from microcred.accounts.models import User
from microcred.assessment import services
from microcred.assessment.models import QuizAnswer, QuizAttempt
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.learning.models import Enrolment

from .conftest import ClientFor, Enrol, page

pytestmark = pytest.mark.django_db

QUIZ = "/assessment/minimal/quizzes/01-first-steps-quiz/"
Q1, Q2, Q3 = (
    "11eedad5-1b24-4fb9-9343-5755ae74ef6e",
    "2f6d0a47-4b0f-4f43-9d43-6a4f1c1f2b01",
    "5a0b0e1c-9b8e-4c43-a6b5-1f0f3c2d4e02",
)
RIGHT = {Q1: ["a"], Q2: ["a", "b"], Q3: ["b"]}
WRONG = {Q1: ["b"], Q2: ["a"], Q3: ["a"]}


@pytest.fixture
def quiz(items: dict[str, AssessmentItem]) -> AssessmentItem:
    return items["01-first-steps-quiz"]


def test_starting_draws_a_stored_paper_with_every_question(
    learner: User, enrolled: Enrolment, quiz: AssessmentItem
) -> None:
    attempt = services.start_attempt(learner, quiz)
    assert attempt.mode == QuizAttempt.Mode.PRACTICE
    assert attempt.number == 1
    assert attempt.deadline is None
    answers = list(attempt.answers.all())
    assert sorted(str(a.question_uuid) for a in answers) == sorted([Q1, Q2, Q3])
    assert [a.position for a in answers] == [0, 1, 2]
    assert all(a.correct is None and a.selected == [] for a in answers)
    snapshot = next(a for a in answers if str(a.question_uuid) == Q2).question
    assert sorted(o["id"] for o in snapshot["options"]) == ["a", "b", "c"]
    assert snapshot["explanation"] == {"en": "Clustering has no labels; it is unsupervised."}


def test_an_attempt_in_progress_is_resumed_not_duplicated(
    learner: User, enrolled: Enrolment, quiz: AssessmentItem
) -> None:
    first = services.start_attempt(learner, quiz)
    assert services.start_attempt(learner, quiz).pk == first.pk
    assert QuizAttempt.objects.count() == 1


def test_papers_depend_on_learner_and_attempt(
    learner: User,
    other_learner: User,
    programme: Programme,
    enrol: Enrol,
    quiz: AssessmentItem,
) -> None:
    enrol(learner, programme)
    enrol(other_learner, programme)
    mine = services.start_attempt(learner, quiz)
    theirs = services.start_attempt(other_learner, quiz)
    assert mine.seed != theirs.seed
    services.submit_attempt(learner, mine.pk)
    retake = services.start_attempt(learner, quiz)
    assert retake.number == 2
    assert retake.seed not in (mine.seed, theirs.seed)

    def order(attempt: QuizAttempt) -> list[tuple[str, list[str]]]:
        return [
            (str(a.question_uuid), [o["id"] for o in a.question["options"]])
            for a in attempt.answers.all()
        ]

    assert len({str(order(a)) for a in (mine, theirs, retake)}) > 1


def test_checking_an_answer_marks_it_once_and_the_last_one_scores_the_attempt(
    learner: User, enrolled: Enrolment, quiz: AssessmentItem
) -> None:
    attempt = services.start_attempt(learner, quiz)
    first = services.check_practice_answer(learner, attempt.pk, Q1, ["a"])
    assert (first.correct, first.points, first.selected) == (True, 1.0, ["a"])
    again = services.check_practice_answer(learner, attempt.pk, Q1, ["b"])
    assert (again.correct, again.selected) == (True, ["a"])  # the first try stands
    services.check_practice_answer(learner, attempt.pk, Q2, ["a"])  # incomplete: wrong
    attempt.refresh_from_db()
    assert attempt.in_progress
    services.check_practice_answer(learner, attempt.pk, Q3, ["b"])
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert attempt.score == pytest.approx(2 / 3)
    assert (attempt.points, attempt.max_points) == (2.0, 3.0)
    assert len(attempt.answers_sha256) == 64
    correctness = dict(
        QuizAnswer.objects.filter(attempt=attempt).values_list("question_code", "correct")
    )
    assert correctness == {"q-practice-1": True, "q-practice-2": False, "q-practice-3": True}


def test_refused_answers_say_why(learner: User, enrolled: Enrolment, quiz: AssessmentItem) -> None:
    attempt = services.start_attempt(learner, quiz)
    with pytest.raises(services.AssessmentError, match="Choose an answer"):
        services.check_practice_answer(learner, attempt.pk, Q1, [])
    with pytest.raises(services.AssessmentError, match="does not fit"):
        services.check_practice_answer(learner, attempt.pk, Q1, ["a", "b"])
    with pytest.raises(services.AssessmentError, match="not part of your attempt"):
        services.check_practice_answer(learner, attempt.pk, "not-a-uuid", ["a"])
    with pytest.raises(services.AssessmentError, match="checked one by one"):
        services.save_answers(learner, attempt.pk, {Q1: ["a"]})
    assert not QuizAnswer.objects.filter(answered_at__isnull=False).exists()


def test_finishing_early_counts_unchecked_questions_as_wrong(
    learner: User, enrolled: Enrolment, quiz: AssessmentItem
) -> None:
    attempt = services.start_attempt(learner, quiz)
    services.check_practice_answer(learner, attempt.pk, Q1, ["a"])
    result = services.submit_attempt(learner, attempt.pk)
    assert result.accepted
    assert result.attempt.score == pytest.approx(1 / 3)
    unanswered = QuizAnswer.objects.filter(attempt=attempt, answered_at__isnull=True)
    assert unanswered.count() == 2
    assert set(unanswered.values_list("correct", flat=True)) == {False}
    again = services.submit_attempt(learner, attempt.pk)
    assert not again.accepted
    assert again.attempt.submitted_at == result.attempt.submitted_at


def test_only_active_learners_take_quizzes(
    learner: User, instructor: User, programme: Programme, enrol: Enrol, quiz: AssessmentItem
) -> None:
    with pytest.raises(services.AssessmentError, match="not enrolled"):
        services.start_attempt(learner, quiz)
    enrol(learner, programme, Enrolment.Status.WITHDRAWN)
    with pytest.raises(services.AssessmentError, match="not enrolled"):
        services.start_attempt(learner, quiz)
    with pytest.raises(services.AssessmentError, match="Only enrolled learners"):
        services.start_attempt(instructor, quiz)
    assert not QuizAttempt.objects.exists()


# ------------------------------------------------------------------------------------ HTTP


def test_a_learner_takes_a_practice_quiz_with_immediate_feedback(
    client_for: ClientFor, learner: User, enrolled: Enrolment
) -> None:
    client = client_for(learner)
    landing = page(client.get(QUIZ))
    assert "Each attempt has 3 questions" in landing
    started = client.post(f"{QUIZ}start/")
    attempt = QuizAttempt.objects.get()
    url = f"/assessment/minimal/attempts/{attempt.pk}/"
    assert started["Location"] == url
    paper = page(client.get(url))
    assert "Which of these are supervised tasks?" in paper
    assert "Clustering has no labels" not in paper  # no explanation before answering
    assert "right answer" not in paper
    assert f'hx-post="{url}check/{Q2}/"' in paper
    feedback = client.post(f"{url}check/{Q2}/", {f"q-{Q2}": ["a", "c"]}, HTTP_HX_REQUEST="true")
    assert feedback.status_code == 200
    fragment = page(feedback)
    assert fragment.startswith('<section class="question"')
    assert "Not quite." in fragment
    assert "Clustering has no labels; it is unsupervised." in fragment
    assert fragment.count("right answer") == 2  # a and b are shown as the right ones
    right = client.post(f"{url}check/{Q1}/", {f"q-{Q1}": "a"}, HTTP_HX_REQUEST="true")
    assert "Correct." in page(right)
    last = client.post(f"{url}check/{Q3}/", {f"q-{Q3}": "a"}, HTTP_HX_REQUEST="true")
    assert "All questions answered: your score is 33.3 %." in page(last)
    result = page(client.get(url))
    assert "33.3 %" in result
    assert "1 of 3 points" in result


def test_without_javascript_checking_redirects_back_to_the_question(
    client_for: ClientFor, learner: User, enrolled: Enrolment, quiz: AssessmentItem
) -> None:
    client = client_for(learner)
    attempt = services.start_attempt(learner, quiz)
    url = f"/assessment/minimal/attempts/{attempt.pk}/"
    response = client.post(f"{url}check/{Q1}/", {f"q-{Q1}": "a"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}#q-{Q1}"
    refused = client.post(f"{url}check/{Q3}/", {}, follow=True)
    assert "Choose an answer first." in page(refused)


def test_a_learner_never_sees_another_learners_attempt(
    client_for: ClientFor,
    learner: User,
    other_learner: User,
    programme: Programme,
    enrol: Enrol,
    quiz: AssessmentItem,
) -> None:
    enrol(learner, programme)
    enrol(other_learner, programme)
    attempt = services.start_attempt(learner, quiz)
    intruder = client_for(other_learner)
    url = f"/assessment/minimal/attempts/{attempt.pk}/"
    assert intruder.get(url).status_code == 404
    assert intruder.post(f"{url}check/{Q1}/", {f"q-{Q1}": "a"}).status_code == 404
    assert intruder.post(f"{url}submit/").status_code == 404
    with pytest.raises(services.AssessmentError, match="No such attempt"):
        services.check_practice_answer(other_learner, attempt.pk, Q1, ["a"])
    assert not QuizAnswer.objects.filter(answered_at__isnull=False).exists()


def test_staff_preview_quizzes_but_cannot_start_them(
    client_for: ClientFor, instructor: User, programme: Programme
) -> None:
    client = client_for(instructor)
    landing = page(client.get(QUIZ))
    assert "only enrolled learners take quizzes" in landing
    assert client.post(f"{QUIZ}start/").status_code == 403
    assert not QuizAttempt.objects.exists()


def test_people_not_enrolled_are_sent_to_enrol(
    client: Client, client_for: ClientFor, learner: User, programme: Programme
) -> None:
    assert client.get(QUIZ)["Location"].startswith("/accounts/login/")
    response = client_for(learner).get(QUIZ)
    assert response["Location"] == "/courses/minimal/enrol/"
    assert client_for(learner).get("/assessment/nope/quizzes/x/").status_code == 404


def test_the_outline_lists_the_assessments_with_the_learners_standing(
    client_for: ClientFor, learner: User, enrolled: Enrolment, quiz: AssessmentItem
) -> None:
    attempt = services.start_attempt(learner, quiz)
    services.check_practice_answer(learner, attempt.pk, Q1, ["a"])
    services.submit_attempt(learner, attempt.pk)
    outline = page(client_for(learner).get("/learn/minimal/"))
    assert 'href="/assessment/minimal/quizzes/01-first-steps-quiz/"' in outline
    assert 'href="/assessment/minimal/labs/mlp-backprop/"' in outline
    assert 'href="/assessment/minimal/capstone/"' in outline
    assert 'href="/assessment/minimal/exam/"' in outline
    assert "best 33.3 %" in outline
    assert "Grading queue" not in outline
