"""Labs: an editor page, stored submissions, background grading in the real sandbox, live
status through htmx polling, and a grading task that is idempotent."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from microcred.accounts.models import User
from microcred.assessment import services, tasks
from microcred.assessment.models import LabSubmission
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.learning.models import Enrolment

from .conftest import SHIPPED, ClientFor, Enrol, page

pytestmark = pytest.mark.django_db

LAB = "/assessment/minimal/labs/mlp-backprop/"
SOLUTION = (SHIPPED / "labs" / "mlp-backprop" / "solution.py").read_text()
STARTER = (SHIPPED / "labs" / "mlp-backprop" / "starter.py").read_text()


@pytest.fixture
def lab(items: dict[str, AssessmentItem]) -> AssessmentItem:
    return items["mlp-backprop"]


def submit(client_for: ClientFor, user: User, source: str, **headers: str):  # type: ignore[no-untyped-def]
    return client_for(user).post(f"{LAB}submit/", {"source": source}, **headers)


def test_the_lab_page_has_the_statement_the_starter_code_and_a_local_editor(
    client_for: ClientFor, learner: User, enrolled: Enrolment
) -> None:
    html = page(client_for(learner).get(LAB))
    assert "MLP forward and backward pass" in html
    assert "<h1>" in html
    assert 'class="lesson-body statement"' in html
    assert "Implement, with NumPy only, a one-hidden-layer perceptron" in html  # the statement
    assert "def softmax_cross_entropy" in html  # the starter, in the textarea
    assert '/static/microcred/vendor/codemirror/codemirror.min.js"' in html
    assert '/static/assessment/lab-editor.js"' in html
    assert 'src="http' not in html  # nothing loaded from a CDN
    assert "Nothing submitted yet." in html
    assert "Reference solution for the MLP lab" not in html  # the reference never leaves


def test_a_correct_submission_is_graded_in_the_background_with_full_marks(
    client_for: ClientFor,
    learner: User,
    enrolled: Enrolment,
    lab: AssessmentItem,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = submit(client_for, learner, SOLUTION.replace("\n", "\r\n"))
    assert response.status_code == 302
    assert len(callbacks) == 1
    submission = LabSubmission.objects.get()
    assert submission.attempt == 1
    assert submission.source == SOLUTION  # browsers post CRLF; we store what the learner wrote
    assert submission.sha256 == hashlib.sha256(SOLUTION.encode()).hexdigest()
    assert submission.status == LabSubmission.Status.GRADED
    assert submission.score == 1.0
    assert submission.points == submission.max_points == 10.0
    assert submission.result is not None
    assert submission.result["gradable"] is True
    assert submission.result["learner_id"] == str(learner.pk)
    assert submission.result["attempt"] == 1
    assert submission.started_at is not None
    assert submission.graded_at is not None
    html = page(client_for(learner).get(LAB))
    assert "100 %" in html
    assert "every 2s" not in html  # graded: nothing to poll


def test_the_starter_is_graded_zero_with_feedback_and_attempts_are_numbered(
    client_for: ClientFor,
    learner: User,
    enrolled: Enrolment,
    lab: AssessmentItem,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = services.submit_lab(learner, lab, STARTER)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.submit_lab(learner, lab, SOLUTION)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempt, first.status, first.score) == (1, "graded", 0.0)
    assert (second.attempt, second.score) == (2, 1.0)
    assert first.result is not None
    assert second.result is not None
    assert first.result["seed"] != second.result["seed"]  # per learner and attempt
    detail = page(client_for(learner).get(f"/assessment/minimal/lab-submissions/{first.pk}/"))
    assert "NotImplementedError" in detail
    assert "raise NotImplementedError" in detail  # the submitted code is shown back
    history = page(client_for(learner).get(LAB))
    assert history.count("/assessment/minimal/lab-submissions/") >= 2


def test_a_syntax_error_is_ungradable_and_says_so(
    learner: User,
    enrolled: Enrolment,
    lab: AssessmentItem,
    client_for: ClientFor,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submit_lab(learner, lab, "def forward(:\n")
    submission.refresh_from_db()
    assert submission.status == LabSubmission.Status.UNGRADABLE
    assert submission.error_class == "learner"
    assert submission.score is None
    html = page(client_for(learner).get(f"/assessment/minimal/lab-submissions/{submission.pk}/"))
    assert "Your file could not be graded:" in html
    assert "syntax error" in html


def test_a_broken_lab_is_an_author_error_not_a_learners_zero(
    learner: User,
    enrolled: Enrolment,
    items: dict[str, AssessmentItem],
    client_for: ClientFor,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    broken = items["01-mean-baseline"]  # lab.yaml has no grading block
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submit_lab(learner, broken, "def predict(train):\n    return 0\n")
    submission.refresh_from_db()
    assert submission.status == LabSubmission.Status.UNGRADABLE
    assert submission.error_class == "author"
    assert submission.score is None
    html = page(client_for(learner).get(f"/assessment/minimal/lab-submissions/{submission.pk}/"))
    assert "a problem on our side" in html
    assert "lab.yaml" not in html  # the author's error is not shown to learners


def test_grading_twice_never_changes_a_graded_row(
    learner: User,
    enrolled: Enrolment,
    lab: AssessmentItem,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submit_lab(learner, lab, SOLUTION)
    submission.refresh_from_db()
    graded = (submission.status, submission.score, submission.graded_at, submission.result)
    assert tasks.grade_lab_submission.call(submission.pk) == "nothing to do"
    assert services.claim_lab_submission(submission.pk) is None
    unchanged = services.record_lab_result(submission.pk, {"gradable": True, "score": 0.0})
    assert unchanged is not None
    submission.refresh_from_db()
    assert (submission.status, submission.score, submission.graded_at, submission.result) == graded
    assert tasks.grade_lab_submission.call(999999) == "nothing to do"


def test_a_submission_left_running_by_a_stopped_worker_is_graded_again(
    learner: User, enrolled: Enrolment, lab: AssessmentItem
) -> None:
    submission = services.submit_lab(learner, lab, SOLUTION)  # not committed: not queued
    claimed = services.claim_lab_submission(submission.pk)
    assert claimed is not None
    assert claimed.status == LabSubmission.Status.RUNNING
    assert tasks.grade_lab_submission.call(submission.pk) == "graded"
    submission.refresh_from_db()
    assert submission.score == 1.0


def test_a_second_submission_waits_for_the_first_to_be_graded(
    learner: User, enrolled: Enrolment, lab: AssessmentItem
) -> None:
    first = services.submit_lab(learner, lab, STARTER)  # stays queued (no commit in this test)
    with pytest.raises(services.AssessmentError, match="still being graded"):
        services.submit_lab(learner, lab, SOLUTION)
    LabSubmission.objects.filter(pk=first.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=16)
    )
    assert services.submit_lab(learner, lab, SOLUTION).attempt == 2  # a stuck one does not block


def test_empty_and_oversized_files_are_refused(
    learner: User, enrolled: Enrolment, lab: AssessmentItem
) -> None:
    with pytest.raises(services.AssessmentError, match="empty"):
        services.submit_lab(learner, lab, "  \n")
    with pytest.raises(services.AssessmentError, match="larger than 256 KiB"):
        services.submit_lab(learner, lab, "#" * (256 * 1024 + 1))
    assert not LabSubmission.objects.exists()


def test_htmx_shows_a_polling_status_until_the_grade_arrives(
    client_for: ClientFor, learner: User, enrolled: Enrolment, lab: AssessmentItem
) -> None:
    client = client_for(learner)
    response = client.post(f"{LAB}submit/", {"source": SOLUTION}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    submission = LabSubmission.objects.get()
    status_url = f"/assessment/minimal/lab-submissions/{submission.pk}/status/"
    fragment = page(response)
    assert f'hx-get="{status_url}" hx-trigger="every 2s"' in fragment
    assert "Queued" in fragment
    assert tasks.grade_lab_submission.call(submission.pk) == "graded"
    polled = page(client.get(status_url, HTTP_HX_REQUEST="true"))
    assert "Graded" in polled
    assert "100 %" in polled
    assert "hx-trigger" not in polled  # polling stops


def test_htmx_refusals_come_back_as_a_fragment(
    client_for: ClientFor, learner: User, enrolled: Enrolment
) -> None:
    response = submit(client_for, learner, "   ", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'role="alert"' in page(response)
    plain = submit(client_for, learner, "   ")
    assert plain.status_code == 400
    assert not LabSubmission.objects.exists()


def test_submissions_are_private_to_their_author_and_staff(
    client_for: ClientFor,
    learner: User,
    other_learner: User,
    instructor: User,
    programme: Programme,
    enrol: Enrol,
    lab: AssessmentItem,
) -> None:
    enrol(learner, programme)
    enrol(other_learner, programme)
    submission = services.submit_lab(learner, lab, "# ada's own approach\n" + SOLUTION)
    detail = f"/assessment/minimal/lab-submissions/{submission.pk}/"
    assert client_for(other_learner).get(detail).status_code == 404
    assert client_for(other_learner).get(f"{detail}status/").status_code == 404
    assert "ada&#x27;s own approach" not in page(client_for(other_learner).get(LAB))
    assert "ada&#x27;s own approach" in page(client_for(learner).get(LAB))
    assert client_for(instructor).get(detail).status_code == 200
    assert client_for(instructor).post(f"{LAB}submit/", {"source": SOLUTION}).status_code == 403
    assert LabSubmission.objects.count() == 1


def test_the_latest_submission_is_what_the_editor_shows(
    client_for: ClientFor, learner: User, enrolled: Enrolment, lab: AssessmentItem
) -> None:
    services.submit_lab(learner, lab, "# my own attempt\n" + STARTER)
    assert "# my own attempt" in page(client_for(learner).get(LAB))


def test_lab_files_are_read_only_from_inside_the_lab(lab: AssessmentItem) -> None:
    from microcred.assessment import labs

    statement = labs.lab_file(lab, "statement")
    assert statement is not None
    assert statement.name == "README.md"
    lab.spec["statement"] = "../../microcredential.yaml"
    assert labs.lab_file(lab, "statement") is None
    assert isinstance(labs.lab_dir(lab), Path)
