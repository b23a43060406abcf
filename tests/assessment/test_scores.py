"""`component_scores(enrolment)`: the score that counts per assessment item, for a gradebook."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from microcred.accounts.models import User
from microcred.assessment import papers, queries, services
from microcred.assessment.models import LabSubmission, QuizAttempt
from microcred.curriculum.models import AssessmentComponent, AssessmentItem, Programme
from microcred.learning.models import Enrolment

from .conftest import ClientFor, page
from .test_capstone import ETHICS, files, scores

pytestmark = pytest.mark.django_db


def by_slug(enrolment: Enrolment) -> dict[str, queries.ItemScore]:
    return {score.item.slug: score for score in queries.component_scores(enrolment)}


def graded_lab(enrolment: Enrolment, lab: AssessmentItem, attempt: int, score: float) -> Any:
    submission = LabSubmission.objects.create(
        enrolment=enrolment,
        item=lab,
        attempt=attempt,
        source=f"# {attempt}",
        sha256=f"{attempt}" * 64,
    )
    services.record_lab_result(
        submission.pk, {"gradable": True, "score": score, "points": 10 * score, "max_points": 10}
    )
    submission.refresh_from_db()
    return submission


def test_nothing_done_yet_lists_every_component_item(
    enrolled: Enrolment, items: dict[str, AssessmentItem]
) -> None:
    found = by_slug(enrolled)
    assert set(found) == {"mlp-backprop", "01-mean-baseline", "capstone", "exam"}  # no practice
    assert {s.status for s in found.values()} == {"not_attempted"}
    assert found["exam"].component == "exam"
    assert found["exam"].weight == Decimal("20.00")
    assert found["mlp-backprop"].component == "programming-assignments"
    assert found["capstone"].outcomes == ["LO1"]


def test_labs_count_their_best_graded_submission(
    enrolled: Enrolment, items: dict[str, AssessmentItem]
) -> None:
    lab = items["mlp-backprop"]
    graded_lab(enrolled, lab, 1, 0.4)
    best = graded_lab(enrolled, lab, 2, 0.9)
    graded_lab(enrolled, lab, 3, 0.9)  # a tie: the first time counts
    graded_lab(enrolled, lab, 4, 0.5)
    score = by_slug(enrolled)["mlp-backprop"]
    assert (score.status, score.score) == ("graded", 0.9)
    assert score.evidence.pk == best.pk
    assert score.submission_sha256 == best.sha256
    assert score.assessed_at == best.graded_at


def test_ungradable_and_pending_labs_have_no_score(
    learner: User, enrolled: Enrolment, items: dict[str, AssessmentItem]
) -> None:
    lab = items["mlp-backprop"]
    queued = services.submit_lab(learner, lab, "print(1)\n")
    assert by_slug(enrolled)["mlp-backprop"].status == "pending"
    services.record_lab_result(queued.pk, {"gradable": False, "error_class": "system"})
    found = by_slug(enrolled)["mlp-backprop"]
    assert (found.status, found.score) == ("not_graded", None)


def test_the_exam_counts_once_submitted(
    learner: User, enrolled: Enrolment, items: dict[str, AssessmentItem]
) -> None:
    attempt = services.start_attempt(learner, items["exam"])
    assert by_slug(enrolled)["exam"].status == "pending"
    answers = {
        str(a.question_uuid): sorted(papers.correct_ids(a.question)) for a in attempt.answers.all()
    }
    services.submit_attempt(learner, attempt.pk, answers)
    found = by_slug(enrolled)["exam"]
    assert (found.status, found.score) == ("graded", 1.0)
    assert found.submission_sha256 == QuizAttempt.objects.get().answers_sha256


def test_graded_quizzes_count_their_best_attempt(
    learner: User, enrolled: Enrolment, programme: Programme, items: dict[str, AssessmentItem]
) -> None:
    component = AssessmentComponent.objects.create(
        programme=programme,
        uuid=uuid.uuid4(),
        code="quizzes",
        kind="quizzes",
        title={"en": "Quizzes"},
        weight=Decimal("0"),
        position=9,
    )
    quiz = items["01-first-steps-quiz"]
    quiz.spec["mode"] = "graded"
    quiz.component = component
    quiz.save()
    first = services.start_attempt(learner, quiz)
    assert first.mode == QuizAttempt.Mode.GRADED
    with pytest.raises(services.AssessmentError, match="marked when you submit"):
        services.check_practice_answer(
            learner, first.pk, str(first.answers.first().question_uuid), ["a"]
        )  # type: ignore[union-attr]
    services.submit_attempt(learner, first.pk)  # nothing answered: 0
    second = services.start_attempt(learner, quiz)
    right = {
        str(a.question_uuid): sorted(papers.correct_ids(a.question)) for a in second.answers.all()
    }
    services.submit_attempt(learner, second.pk, right)
    third = services.start_attempt(learner, quiz)
    services.submit_attempt(learner, third.pk)
    found = by_slug(enrolled)["01-first-steps-quiz"]
    assert (found.status, found.score, found.component) == ("graded", 1.0, "quizzes")
    assert found.evidence.pk == second.pk


def test_the_capstone_counts_only_once_the_ethics_assessment_is_accepted(
    learner: User, enrolled: Enrolment, items: dict[str, AssessmentItem], instructor: User
) -> None:
    capstone = items["capstone"]
    submission = services.submit_capstone(learner, capstone, **files())
    assert by_slug(enrolled)["capstone"].status == "pending"
    services.grade_capstone(instructor, submission.pk, scores(capstone, 80))
    waiting = by_slug(enrolled)["capstone"]
    assert (waiting.status, waiting.score, waiting.provisional_score) == (
        "awaiting_ethics",
        None,
        pytest.approx(0.8),
    )
    ethics = services.submit_ethics_assessment(learner, capstone, ETHICS)
    services.review_ethics_assessment(instructor, ethics.pk, accept=False, comment="More bias.")
    assert by_slug(enrolled)["capstone"].status == "awaiting_ethics"
    again = services.submit_ethics_assessment(learner, capstone, ETHICS)
    services.review_ethics_assessment(instructor, again.pk, accept=True)
    counted = by_slug(enrolled)["capstone"]
    assert (counted.status, counted.score) == ("graded", pytest.approx(0.8))
    assert counted.submission_sha256 == submission.sha256
    services.grade_capstone(instructor, submission.pk, scores(capstone, 60))  # a regrade
    assert by_slug(enrolled)["capstone"].score == pytest.approx(0.6)


def test_without_a_required_ethics_assessment_the_grade_counts_at_once(
    learner: User, enrolled: Enrolment, items: dict[str, AssessmentItem], instructor: User
) -> None:
    capstone = items["capstone"]
    capstone.spec["ethics_assessment"]["required"] = False
    capstone.save()
    programme = capstone.programme
    programme.description["quality_assurance"]["ai_ethics_risk_assessment"]["required"] = False
    programme.save()
    submission = services.submit_capstone(learner, capstone, **files())
    services.grade_capstone(instructor, submission.pk, scores(capstone, 70))
    assert by_slug(enrolled)["capstone"].score == pytest.approx(0.7)


def test_scores_are_per_enrolment(
    learner: User,
    other_learner: User,
    programme: Programme,
    enrol: Any,
    items: dict[str, AssessmentItem],
) -> None:
    mine = enrol(learner, programme)
    theirs = enrol(other_learner, programme)
    graded_lab(theirs, items["mlp-backprop"], 1, 1.0)
    assert by_slug(mine)["mlp-backprop"].status == "not_attempted"
    assert queries.my_component_scores(learner, programme)[0].item.programme == programme
    assert by_slug(theirs)["mlp-backprop"].score == 1.0


def test_six_queries_whatever_was_submitted(
    learner: User,
    enrolled: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    django_assert_num_queries: Any,
) -> None:
    for attempt in range(1, 6):
        graded_lab(enrolled, items["mlp-backprop"], attempt, attempt / 10)
    services.submit_capstone(learner, items["capstone"], **files())
    with django_assert_num_queries(6):
        queries.component_scores(enrolled)


def test_retired_items_no_longer_count(
    enrolled: Enrolment, items: dict[str, AssessmentItem]
) -> None:
    lab = items["mlp-backprop"]
    graded_lab(enrolled, lab, 1, 1.0)
    AssessmentItem.objects.filter(pk=lab.pk).update(retired_at=timezone.now() - timedelta(days=1))
    assert "mlp-backprop" not in by_slug(enrolled)
    assert LabSubmission.objects.filter(item=lab).count() == 1  # the history stays


def test_the_overview_shows_the_best_scores(
    client_for: ClientFor, learner: User, enrolled: Enrolment, items: dict[str, AssessmentItem]
) -> None:
    graded_lab(enrolled, items["mlp-backprop"], 1, 0.75)
    html = page(client_for(learner).get("/assessment/minimal/"))
    assert "best 75 %" in html
