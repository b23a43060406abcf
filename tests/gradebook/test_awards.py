"""Automatic issuance: the learner's last grading event issues their credential exactly once,
on commit, with evidence of each passed item and only the skills those items evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from microcred.accounts.models import User
from microcred.assessment import services as assessment_services
from microcred.credentials import services as credential_services
from microcred.credentials.core.record import Learner
from microcred.credentials.models import CredentialEvent, IssuedCredential
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.gradebook import services, tasks
from microcred.gradebook.models import Award
from microcred.learning.models import Enrolment

from . import work
from .conftest import DEEP_LEARNING, MACHINE_LEARNING, PYTHON

pytestmark = pytest.mark.django_db


@pytest.fixture
def almost(enrolled: Enrolment, items: dict[str, AssessmentItem], instructor: User) -> Enrolment:
    """Everything graded and passed; the capstone's ethics assessment waits for review."""
    work.pass_everything_but_ethics(enrolled, items, instructor)
    return enrolled


def ours(callbacks: list[Any]) -> list[Any]:
    """The on-commit callbacks the gradebook registered (to enqueue the award task)."""
    return [c for c in callbacks if "grading_event" in c.__qualname__]


def finish(
    almost: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    capture: Any,
) -> list[Any]:
    """The last grading event (ethics accepted), committed: callbacks run as after a commit."""
    with capture(execute=True) as callbacks:
        work.ethics(almost.learner, instructor, items["capstone"])
    return list(callbacks)


def test_the_last_grading_event_issues_the_credential_once_with_evidence(
    almost: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert not Award.objects.exists()
    callbacks = finish(almost, items, instructor, django_capture_on_commit_callbacks)
    assert len(ours(callbacks)) == 1
    credential = IssuedCredential.objects.get()
    award = Award.objects.get(enrolment=almost)
    assert award.status == Award.Status.ISSUED
    assert award.credential_uuid == credential.uuid
    assert (award.attempts, award.last_error) == (1, "")
    # labs: mean of 90 and 70; capstone 80; exam 100 -> 0.4*80 + 0.4*80 + 0.2*100
    assert award.component_percents == {"labs": 80.0, "project": 80.0, "exam": 100.0}
    assert float(award.final_percent) == 84.0
    assert award.grade_label == "84 %"
    assert credential.final_grade == pytest.approx(84)
    assert credential.learner_name == "Ada Lovelace"
    assert credential.learner_email == almost.learner.email
    assert CredentialEvent.objects.get().actor == "gradebook"
    # Evidence: every passed item, with its score, date and the digest of what was graded.
    evidence = {e["assessmentId"]: e for e in credential.openbadge["evidence"]}
    assert set(evidence) == {"lab:01-mean-baseline", "lab:02-small-network", "exam", "capstone"}
    lab = items["01-mean-baseline"].lab_submissions.get()
    assert evidence["lab:01-mean-baseline"]["submissionSha256"] == lab.sha256
    assert float(evidence["lab:01-mean-baseline"]["assessmentScore"]) == 90
    assert evidence["capstone"]["submissionSha256"] == (
        items["capstone"].capstone_submissions.get().sha256
    )
    assert evidence["exam"]["assessmentDate"] == timezone.now().date().isoformat()
    # Skills: both outcomes were evidenced by passed items.
    assert {s["uri"] for s in award.skills} == {MACHINE_LEARNING, PYTHON, DEEP_LEARNING}
    # One e-mail, after commit, with the learner's page and the public verification page.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [almost.learner.email]
    assert "Minimal Machine Learning" in message.subject
    assert "/me/credentials/" in message.body
    assert f"/verify/{credential.uuid}/" in message.body
    assert award.__class__.objects.get(pk=award.pk).notified_at is not None


def test_only_skills_of_outcomes_whose_items_were_passed_are_claimed(
    enrolled: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    learner = enrolled.learner
    work.lab(enrolled, items["01-mean-baseline"], 1.0)
    work.lab(enrolled, items["02-small-network"], 0.3)  # LO2's only item: not passed
    work.exam(learner, items["exam"])
    work.capstone(learner, instructor, items["capstone"], 70)
    finish(enrolled, items, instructor, django_capture_on_commit_callbacks)
    award = Award.objects.get()
    assert award.status == Award.Status.ISSUED  # labs 65 %: the component passes
    assert award.component_percents["labs"] == 65
    assert {s["uri"] for s in award.skills} == {MACHINE_LEARNING, PYTHON}
    assert all(s["outcomes"] == ["LO1"] for s in award.skills)
    evidence = IssuedCredential.objects.get().openbadge["evidence"]
    assert "lab:02-small-network" not in {e["assessmentId"] for e in evidence}
    assert all(float(e["assessmentScore"]) >= 50 for e in evidence)


def test_nothing_is_enqueued_while_a_component_has_no_graded_item(
    enrolled: Enrolment,
    items: dict[str, AssessmentItem],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        work.lab(enrolled, items["01-mean-baseline"], 1.0)
        work.exam(enrolled.learner, items["exam"])
    assert ours(callbacks) == []
    assert not Award.objects.exists()
    assert services.award_credential(enrolled.pk) == "incomplete"


def test_a_failing_learner_gets_nothing_and_a_later_pass_issues(
    enrolled: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    learner = enrolled.learner
    work.lab(enrolled, items["01-mean-baseline"], 1.0)
    work.lab(enrolled, items["02-small-network"], 1.0)
    work.exam(learner, items["exam"], right=0)  # 0 % in the exam: under its minimum
    work.capstone(learner, instructor, items["capstone"], 90)
    finish(enrolled, items, instructor, django_capture_on_commit_callbacks)
    assert not IssuedCredential.objects.exists()
    assert services.award_credential(enrolled.pk) == "failed"  # the final status, a word
    assert not Award.objects.exists()


def test_work_waiting_for_its_grade_holds_the_award_until_graded(
    enrolled: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    learner = enrolled.learner
    work.lab(enrolled, items["01-mean-baseline"], 0.9)
    waiting = work.queued_lab(enrolled, items["02-small-network"])
    work.exam(learner, items["exam"])
    work.capstone(learner, instructor, items["capstone"], 80)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        work.ethics(learner, instructor, items["capstone"])
    assert ours(callbacks) == []  # the second lab is still being graded: the result may change
    assert services.award_credential(enrolled.pk) == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        assessment_services.record_lab_result(
            waiting.pk, {"gradable": True, "score": 0.7, "points": 7, "max_points": 10}
        )
    award = Award.objects.get()
    assert award.issued
    assert award.component_percents["labs"] == 80


def test_the_task_run_twice_issues_and_mails_once(
    almost: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    work.ethics(almost.learner, instructor, items["capstone"])  # not committed: no task ran
    assert not IssuedCredential.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.award_credential.call(almost.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.award_credential.call(almost.pk)
    assert (first, second) == ("issued", "already issued")
    assert IssuedCredential.objects.count() == 1
    assert CredentialEvent.objects.filter(action="issued").count() == 1
    assert Award.objects.get().attempts == 1
    assert len(mail.outbox) == 1


def test_a_fresh_claim_is_left_alone_and_a_stale_one_is_taken_over(
    almost: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    work.ethics(almost.learner, instructor, items["capstone"])
    claim = services.claim_award(almost.pk)
    assert isinstance(claim, services.Claim)
    # A second worker while the first signs: nothing to do.
    assert services.award_credential(almost.pk) == "being issued"
    # The first worker died; after STALE_CLAIM another one issues.
    later = timezone.now() + services.STALE_CLAIM + timezone.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.award_credential(almost.pk, now=later) == "issued"
    award = Award.objects.get()
    assert (award.status, award.attempts) == (Award.Status.ISSUED, 2)
    assert IssuedCredential.objects.count() == 1


def test_a_failed_issue_is_recorded_and_an_instructor_can_retry(
    almost: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    programme: Programme,
    course_dir: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    moved = course_dir.with_name("moved")
    course_dir.rename(moved)
    finish(almost, items, instructor, django_capture_on_commit_callbacks)
    award = Award.objects.get()
    assert award.status == Award.Status.FAILED
    assert award.last_error
    assert not IssuedCredential.objects.exists()
    assert mail.outbox == []
    moved.rename(course_dir)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_award(instructor, almost.pk)
    award.refresh_from_db()
    assert (award.status, award.attempts, award.last_error) == (Award.Status.ISSUED, 2, "")
    assert len(mail.outbox) == 1


def test_only_staff_request_an_award(learner: User, almost: Enrolment) -> None:
    with pytest.raises(services.GradebookError):
        services.request_award(learner, almost.pk)


def test_a_credential_issued_before_is_linked_not_issued_again(
    almost: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    course_dir: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    earlier = credential_services.issue_credential(
        course_dir, Learner("Ada Lovelace", almost.learner.email.upper()), 75.0
    ).credential
    with django_capture_on_commit_callbacks(execute=True):
        work.ethics(almost.learner, instructor, items["capstone"])
    assert Award.objects.get().credential_uuid == earlier.uuid
    assert IssuedCredential.objects.count() == 1


@pytest.mark.parametrize("why", ["withdrawn", "inactive account", "no e-mail"])
def test_no_award_for_withdrawn_inactive_or_unreachable_learners(
    almost: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    why: str,
) -> None:
    work.ethics(almost.learner, instructor, items["capstone"])
    learner = almost.learner
    if why == "withdrawn":
        Enrolment.objects.filter(pk=almost.pk).update(status=Enrolment.Status.WITHDRAWN)
    elif why == "inactive account":
        User.objects.filter(pk=learner.pk).update(is_active=False)
    else:
        User.objects.filter(pk=learner.pk).update(email="")
    assert services.award_credential(almost.pk) in ("not active", "no e-mail")
    assert not IssuedCredential.objects.exists()
    assert services.award_credential(987654) == "gone"


def test_a_broken_gradebook_file_never_breaks_grading(
    almost: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    course_dir: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    (course_dir / "gradebook.yaml").write_text("components: {nope: {}}\n")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        accepted = work.ethics(almost.learner, instructor, items["capstone"])
    assert accepted.accepted  # the grade stands
    assert ours(callbacks) == []
    assert services.award_credential(almost.pk) == "bad policy"


def test_the_mail_is_in_the_learners_language(
    almost: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    User.objects.filter(pk=almost.learner_id).update(preferred_language="fr")
    finish(almost, items, instructor, django_capture_on_commit_callbacks)
    assert "Apprentissage automatique minimal" in mail.outbox[0].subject


def test_the_learner_finds_the_credential_on_their_page(
    almost: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    finish(almost, items, instructor, django_capture_on_commit_callbacks)
    credential = IssuedCredential.objects.get()
    client: Client = client_for(almost.learner)
    html = client.get("/me/credentials/").content.decode()
    assert f"/credentials/{credential.uuid}.json" in html
