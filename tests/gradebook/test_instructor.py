"""The instructors' gradebook: learners x components with a constant number of queries, the
same scores as `component_scores`, question analysis, plots, learners at risk, and revoking
or suspending credentials with an audited reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from microcred.accounts.models import User
from microcred.assessment.queries import component_scores
from microcred.credentials import services as credential_services
from microcred.credentials.models import CredentialEvent, IssuedCredential
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.gradebook import queries
from microcred.gradebook.models import Award
from microcred.gradebook.roster import cohort_scores
from microcred.learning.models import Enrolment

from . import work
from .conftest import Enrol

pytestmark = pytest.mark.django_db

BOOK = "/instructor/gradebook/minimal/"


def cohort(
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    items: dict[str, AssessmentItem],
    grader: User,
    size: int,
) -> list[Enrolment]:
    """Learners at different stages: the i-th has done i things (and some are waiting)."""
    enrolments = []
    for n in range(size):
        user = make_user(f"learner{n}")
        user.first_name, user.last_name = f"Learner{n}", "Cohort"
        user.save()
        enrolment = enrol(user, programme)
        enrolments.append(enrolment)
        if n >= 1:
            work.lab(enrolment, items["01-mean-baseline"], 0.2 * n)
        if n >= 2:
            work.exam(user, items["exam"], right=n % 3)
            work.queued_lab(enrolment, items["02-small-network"])
        if n >= 3:
            work.capstone(user, grader, items["capstone"], 50 + 10 * n)
        if n >= 4:
            work.ethics(user, grader, items["capstone"])
            work.lab(enrolment, items["01-mean-baseline"], 0.1)  # worse: the best still counts
    return enrolments


def test_bulk_scores_equal_component_scores_for_every_learner(
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    items: dict[str, AssessmentItem],
    instructor: User,
) -> None:
    enrolments = cohort(make_user, programme, enrol, items, instructor, 6)
    bulk = cohort_scores(programme, enrolments)
    for enrolment in enrolments:
        one = component_scores(enrolment)
        many = bulk.scores[enrolment.pk]
        assert [
            (s.item.pk, s.status, s.score, s.assessed_at, s.submission_sha256) for s in one
        ] == [(s.item.pk, s.status, s.score, s.assessed_at, s.submission_sha256) for s in many]
        assert [getattr(s.evidence, "pk", None) for s in one] == [
            getattr(s.evidence, "pk", None) for s in many
        ]
    assert bulk.exam_started == {e.pk for e in enrolments[2:]}
    assert set(bulk.last_activity) == {e.pk for e in enrolments[1:]}


def test_the_gradebook_shows_every_learner_and_their_status(
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    items: dict[str, AssessmentItem],
    instructor: User,
    client_for: Any,
) -> None:
    cohort(make_user, programme, enrol, items, instructor, 5)
    response = client_for(instructor).get(BOOK)
    assert response.status_code == 200
    html = response.content.decode()
    for n in range(5):
        assert f"Learner{n} Cohort" in html
    assert "incomplete" in html
    assert "waiting for grading" in html
    assert "Final grades of learners with a result" in html
    assert 'role="img"' in html
    assert "A mean baseline" in html  # a lab histogram
    assert "Learners at risk" in html
    book = response.context["book"]
    assert book.counts["incomplete"] + book.counts["pending"] == 5


def test_the_gradebook_takes_the_same_queries_for_few_or_many_learners(
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    items: dict[str, AssessmentItem],
    instructor: User,
    client_for: Any,
    django_assert_num_queries: Any,
) -> None:
    client: Client = client_for(instructor)
    cohort(make_user, programme, enrol, items, instructor, 2)
    client.get(BOOK)
    with django_assert_num_queries(12) as few:
        assert client.get(BOOK).status_code == 200
    more = [make_user(f"late{n}") for n in range(4)]
    for user in more:
        enrolment = enrol(user, programme)
        work.lab(enrolment, items["02-small-network"], 0.5)
        work.exam(user, items["exam"])
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(BOOK).status_code == 200


def test_learners_and_visitors_cannot_open_the_gradebook(
    learner: User, enrolled: Enrolment, client_for: Any, client: Client
) -> None:
    for path in (BOOK, "/instructor/gradebook/"):
        assert client_for(learner).get(path).status_code == 403
        assert client.get(path).status_code == 302
    assert queries.gradebook(learner, "minimal") is None


def test_the_index_lists_live_courses_with_their_learners(
    enrolled: Enrolment, instructor: User, client_for: Any
) -> None:
    html = client_for(instructor).get("/instructor/gradebook/").content.decode()
    assert 'href="/instructor/gradebook/minimal/"' in html
    assert "1 active learner" in html


def test_a_broken_grading_policy_is_reported_not_a_server_error(
    enrolled: Enrolment, instructor: User, client_for: Any, course_dir: Path
) -> None:
    (course_dir / "gradebook.yaml").write_text("item_pass_percent: 300\n")
    response = client_for(instructor).get(BOOK)
    assert response.status_code == 200
    assert "cannot be applied" in response.content.decode()


def test_unknown_courses_and_items_are_not_found(
    enrolled: Enrolment, instructor: User, client_for: Any, items: dict[str, AssessmentItem]
) -> None:
    client = client_for(instructor)
    assert client.get("/instructor/gradebook/nope/").status_code == 404
    assert client.get(f"{BOOK}items/987654/").status_code == 404
    lab = items["01-mean-baseline"]
    assert client.get(f"{BOOK}items/{lab.pk}/").status_code == 404  # labs have no questions


# ------------------------------------------------------------------------ item analysis


def test_question_analysis_of_the_exam_from_first_attempts(
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    items: dict[str, AssessmentItem],
    instructor: User,
    client_for: Any,
    django_assert_num_queries: Any,
) -> None:
    exam = items["exam"]
    for n in range(4):
        user = make_user(f"examinee{n}")
        enrol(user, programme)
        work.exam(user, exam, right=n % 3)
    client = client_for(instructor)
    path = f"{BOOK}items/{exam.pk}/"
    client.get(path)
    with django_assert_num_queries(5):  # session, user, item, attempts, answers
        response = client.get(path)
    analysis = response.context["analysis"]
    assert analysis.examinees == 4
    shown = sum(row.stats.shown for row in analysis.questions)
    assert shown == 4 * 2  # two questions per paper
    for row in analysis.questions:
        assert 0 <= row.stats.facility <= 1
    html = response.content.decode()
    assert "q-exam-" in html
    assert "Which data set is used to choose hyperparameters?" in html
    assert "Point-biserial" in html


# ------------------------------------------------------------------- credential status


@pytest.fixture
def credential(
    enrolled: Enrolment, items: dict[str, AssessmentItem], instructor: User
) -> IssuedCredential:
    work.pass_everything_but_ethics(enrolled, items, instructor)
    work.ethics(enrolled.learner, instructor, items["capstone"])
    from microcred.gradebook import services

    assert services.award_credential(enrolled.pk) == "issued"
    return IssuedCredential.objects.get()


def status_url(credential: IssuedCredential) -> str:
    return f"/instructor/gradebook/credentials/{credential.uuid}/status/"


def test_an_instructor_revokes_a_credential_with_a_reason(
    credential: IssuedCredential, instructor: User, client_for: Any
) -> None:
    client = client_for(instructor)
    html = client.get(BOOK).content.decode()
    assert status_url(credential) in html
    response = client.post(status_url(credential), {"action": "revoke", "reason": "plagiarism"})
    assert response.status_code == 302
    assert response["Location"] == BOOK
    credential.refresh_from_db()
    assert credential.status == "revoked"
    event = CredentialEvent.objects.get(action="revoked")
    assert (event.reason, event.actor) == ("plagiarism", "user:ines")


def test_a_reason_is_required_and_refusals_are_explained(
    credential: IssuedCredential, instructor: User, client_for: Any
) -> None:
    client = client_for(instructor)
    response = client.post(status_url(credential), {"action": "revoke", "reason": " "}, follow=True)
    assert "Give a reason" in response.content.decode()
    # Issued with a revocation entry: it can be revoked, not suspended (decision 032).
    response = client.post(
        status_url(credential), {"action": "suspend", "reason": "check"}, follow=True
    )
    assert "revocation entry only" in response.content.decode()
    response = client.post(
        status_url(credential), {"action": "explode", "reason": "x"}, follow=True
    )
    assert "Unknown action" in response.content.decode()
    credential.refresh_from_db()
    assert credential.status == "valid"


def test_suspend_and_reinstate_a_credential_issued_for_suspension(
    enrolled: Enrolment, instructor: User, client_for: Any, course_dir: Path
) -> None:
    from microcred.credentials.core.record import Learner

    row = credential_services.issue_credential(
        course_dir,
        Learner("Ada Lovelace", enrolled.learner.email),
        80.0,
        status_purpose="suspension",
    ).credential
    client = client_for(instructor)
    client.post(status_url(row), {"action": "suspend", "reason": "under review"})
    row.refresh_from_db()
    assert row.status == "suspended"
    client.post(status_url(row), {"action": "reinstate", "reason": "cleared"})
    row.refresh_from_db()
    assert row.status == "valid"


def test_learners_cannot_change_a_credentials_status(
    credential: IssuedCredential, learner: User, client_for: Any
) -> None:
    response = client_for(learner).post(
        status_url(credential), {"action": "revoke", "reason": "mine"}
    )
    assert response.status_code == 403
    credential.refresh_from_db()
    assert credential.status == "valid"


def test_an_instructor_asks_for_a_failed_award_to_be_issued(
    enrolled: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    work.pass_everything_but_ethics(enrolled, items, instructor)
    work.ethics(enrolled.learner, instructor, items["capstone"])  # not committed: no award yet
    client = client_for(instructor)
    assert (
        f"/instructor/gradebook/enrolments/{enrolled.pk}/award/"
        in client.get(BOOK).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/instructor/gradebook/enrolments/{enrolled.pk}/award/")
    assert response.status_code == 302
    assert Award.objects.get().issued
    assert client.post("/instructor/gradebook/enrolments/987654/award/").status_code == 404


def test_the_gradebook_marks_learners_at_risk(
    enrolled: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    client_for: Any,
) -> None:
    work.lab(enrolled, items["01-mean-baseline"], 0.1)  # 10 %: under the 40 % minimum
    Enrolment.objects.filter(pk=enrolled.pk).update(
        created_at=enrolled.created_at.replace(year=2020)
    )
    book = queries.gradebook(instructor, "minimal")
    assert book is not None
    [row] = book.at_risk
    assert {risk.code for risk in row.risks} >= {"failing"}
    html = client_for(instructor).get(BOOK).content.decode()
    assert "below a component minimum" in html
    # the component is named by its title in the course file, not by its id
    [failing] = [risk for risk in row.risks if risk.code == "failing"]
    [column] = [c for c in book.columns if c.code == failing.components[0]]
    at_risk = html.split("Learners at risk", 1)[1]
    assert f"below a component minimum ({column.title['en']})" in at_risk
    assert f"({failing.components[0]})" not in at_risk


# ---------------------------------------------------------------- another course's instructor


def test_another_courses_instructor_sees_only_their_course(
    enrolled: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    outside_instructor: User,
    administrator: User,
    client_for: Any,
) -> None:
    assert [p.slug for p in queries.gradebook_programmes(instructor)] == ["minimal"]
    assert [p.slug for p in queries.gradebook_programmes(outside_instructor)] == ["another-course"]
    assert {p.slug for p in queries.gradebook_programmes(administrator)} == {
        "minimal",
        "another-course",
    }
    assert queries.gradebook(outside_instructor, "minimal") is None
    assert queries.item_analysis(outside_instructor, "minimal", items["exam"].pk) is None
    assert queries.item_analysis(instructor, "minimal", items["exam"].pk) is not None
    client = client_for(outside_instructor)
    index = client.get("/instructor/gradebook/").content.decode()
    assert 'href="/instructor/gradebook/minimal/"' not in index
    assert 'href="/instructor/gradebook/another-course/"' in index
    assert client.get(BOOK).status_code == 404
    assert client.get(f"{BOOK}items/{items['exam'].pk}/").status_code == 404


def test_another_courses_instructor_cannot_change_a_credential_or_ask_for_an_award(
    credential: IssuedCredential,
    enrolled: Enrolment,
    outside_instructor: User,
    client_for: Any,
) -> None:
    from microcred.gradebook import services

    client = client_for(outside_instructor)
    response = client.post(status_url(credential), {"action": "revoke", "reason": "not mine"})
    assert response.status_code == 404
    award_url = f"/instructor/gradebook/enrolments/{enrolled.pk}/award/"
    assert client.post(award_url).status_code == 404
    with pytest.raises(PermissionDenied):
        services.change_credential_status(outside_instructor, credential.uuid, "revoke", "no")
    with pytest.raises(PermissionDenied):
        services.request_award(outside_instructor, enrolled.pk)
    credential.refresh_from_db()
    assert credential.status == "valid"
    assert not CredentialEvent.objects.exclude(action="issued").exists()


def test_a_credential_that_does_not_exist_is_named_not_a_crash(instructor: User) -> None:
    from microcred.gradebook import services

    for missing in ("00000000-0000-4000-8000-000000000000", "not-a-uuid"):
        with pytest.raises(services.GradebookError, match="No such credential"):
            services.change_credential_status(instructor, missing, "revoke", "why")
