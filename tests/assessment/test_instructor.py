"""The instructors' grading queue: capstones to grade and ethics assessments to review, in a
number of queries that does not grow with the number of learners."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from microcred.accounts.models import User
from microcred.assessment import queries, services
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.learning.models import Enrolment

from .conftest import ClientFor, Enrol, page
from .test_capstone import ETHICS, files, scores

pytestmark = pytest.mark.django_db

QUEUE = "/instructor/assessment/"


@pytest.fixture
def capstone(items: dict[str, AssessmentItem]) -> AssessmentItem:
    return items["capstone"]


def add_learners(
    make_user: Any, programme: Programme, enrol: Enrol, capstone: AssessmentItem, names: list[str]
) -> list[Enrolment]:
    enrolments = []
    for name in names:
        user = make_user(name)
        user.first_name, user.last_name = name.title(), "Learner"
        user.save()
        enrolments.append(enrol(user, programme))
        services.submit_capstone(user, capstone, **files(name))
        services.submit_ethics_assessment(user, capstone, ETHICS)
    return enrolments


def test_the_queue_lists_what_waits_and_drops_what_is_done(
    client_for: ClientFor,
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    capstone: AssessmentItem,
    instructor: User,
) -> None:
    amal, bruno = add_learners(make_user, programme, enrol, capstone, ["amal", "bruno"])
    client = client_for(instructor)
    html = page(client.get(QUEUE))
    assert "Amal Learner" in html
    assert "Bruno Learner" in html
    assert html.count("waiting for review") == 2  # ethics status per capstone
    amal_capstone = amal.capstone_submissions.get()
    services.grade_capstone(instructor, amal_capstone.pk, scores(capstone))
    amal_ethics = amal.ethics_assessments.get()
    services.review_ethics_assessment(instructor, amal_ethics.pk, accept=True)
    after = page(client.get(QUEUE))
    assert f'id="capstone-{amal_capstone.pk}"' not in after
    assert f'id="ethics-{amal_ethics.pk}"' not in after
    assert f'id="capstone-{bruno.capstone_submissions.get().pk}"' in after
    assert f'id="ethics-{bruno.ethics_assessments.get().pk}"' in after
    assert "2 submitters, 0 reviews assigned" in after


def test_a_new_version_replaces_the_old_one_in_the_queue(
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    capstone: AssessmentItem,
    instructor: User,
) -> None:
    (amal,) = add_learners(make_user, programme, enrol, capstone, ["amal"])
    services.submit_capstone(amal.learner, capstone, **files("amal"))
    queue = queries.grading_queue(instructor)
    assert queue is not None
    assert [s.version for s in queue.capstones] == [2]


def test_withdrawn_learners_leave_the_queue(
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    capstone: AssessmentItem,
    instructor: User,
) -> None:
    (amal,) = add_learners(make_user, programme, enrol, capstone, ["amal"])
    Enrolment.objects.filter(pk=amal.pk).update(status=Enrolment.Status.WITHDRAWN)
    queue = queries.grading_queue(instructor)
    assert queue is not None
    assert (queue.capstones, queue.ethics) == ([], [])


def test_the_queue_takes_three_queries_however_many_learners(
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    capstone: AssessmentItem,
    instructor: User,
    django_assert_num_queries: Any,
) -> None:
    add_learners(make_user, programme, enrol, capstone, ["amal"])
    with django_assert_num_queries(3):
        small = queries.grading_queue(instructor)
    add_learners(make_user, programme, enrol, capstone, ["bruno", "chiara", "dora", "emil"])
    with django_assert_num_queries(3):
        large = queries.grading_queue(instructor)
    assert small is not None
    assert large is not None
    assert (len(small.capstones), len(large.capstones)) == (1, 5)
    assert len(large.ethics) == 5


def test_the_queue_page_does_not_query_per_row(
    client_for: ClientFor,
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    capstone: AssessmentItem,
    instructor: User,
) -> None:
    client = client_for(instructor)
    add_learners(make_user, programme, enrol, capstone, ["amal"])
    with CaptureQueriesContext(connection) as one:
        assert client.get(QUEUE).status_code == 200
    add_learners(make_user, programme, enrol, capstone, ["bruno", "chiara", "dora"])
    with CaptureQueriesContext(connection) as four:
        html = page(client.get(QUEUE))
    assert "Dora Learner" in html
    assert len(four) == len(one)
    assert len(one) <= 6  # session, user, and the queue's three


def test_only_staff_see_the_queue(
    client: Client, client_for: ClientFor, learner: User, administrator: User, programme: Programme
) -> None:
    assert client.get(QUEUE).status_code == 302
    assert client_for(learner).get(QUEUE).status_code == 403
    assert queries.grading_queue(learner) is None
    assert client_for(administrator).get(QUEUE).status_code == 200


def test_the_outline_links_staff_to_the_queue(
    client_for: ClientFor, instructor: User, programme: Programme
) -> None:
    outline = page(client_for(instructor).get("/learn/minimal/"))
    assert f'href="{QUEUE}"' in outline


# ---------------------------------------------------------------- another course's instructor


def test_another_courses_instructor_sees_nothing_to_grade_here(
    client_for: ClientFor,
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    capstone: AssessmentItem,
    instructor: User,
    outside_instructor: User,
) -> None:
    (amal,) = add_learners(make_user, programme, enrol, capstone, ["amal"])
    mine = queries.grading_queue(instructor)
    theirs = queries.grading_queue(outside_instructor)
    assert mine is not None
    assert theirs is not None
    assert (len(mine.capstones), len(mine.ethics), mine.capstone_items) == (1, 1, [capstone])
    assert (theirs.capstones, theirs.ethics, theirs.capstone_items) == ([], [], [])
    html = page(client_for(outside_instructor).get(QUEUE))
    assert "Amal" not in html
    assert "No capstone is waiting for a grade." in html
    submission = amal.capstone_submissions.get()
    assert queries.grading_page(outside_instructor, submission.pk) is None
    assert queries.ethics_for_review(outside_instructor, amal.ethics_assessments.get().pk) is None
    assert queries.capstone_item_for_staff(outside_instructor, capstone.pk) is None
    assert queries.capstone_file_for(outside_instructor, submission.pk) is None
    assert queries.capstone_file_for(instructor, submission.pk) is not None


def test_another_courses_instructor_cannot_grade_review_or_assign_peers(
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    capstone: AssessmentItem,
    outside_instructor: User,
) -> None:
    (amal,) = add_learners(make_user, programme, enrol, capstone, ["amal"])
    submission = amal.capstone_submissions.get()
    ethics = amal.ethics_assessments.get()
    with pytest.raises(PermissionDenied):
        services.grade_capstone(outside_instructor, submission.pk, scores(capstone))
    with pytest.raises(PermissionDenied):
        services.review_ethics_assessment(outside_instructor, ethics.pk, accept=True)
    with pytest.raises(PermissionDenied):
        services.assign_peer_reviewers(outside_instructor, capstone)
    assert not submission.grades.exists()
    ethics.refresh_from_db()
    assert (ethics.status, ethics.reviewer) == ("submitted", None)


def test_another_courses_instructor_gets_404_on_this_courses_work(
    client_for: ClientFor,
    make_user: Any,
    programme: Programme,
    enrol: Enrol,
    capstone: AssessmentItem,
    items: dict[str, AssessmentItem],
    outside_instructor: User,
) -> None:
    (amal,) = add_learners(make_user, programme, enrol, capstone, ["amal"])
    lab_item = next(item for item in items.values() if item.kind == "lab")
    lab = services.submit_lab(amal.learner, lab_item, "print('amal')\n")
    submission = amal.capstone_submissions.get()
    ethics = amal.ethics_assessments.get()
    client = client_for(outside_instructor)
    grade_url = reverse("assessment:grade_capstone", args=[submission.pk])
    for url in (
        grade_url,
        reverse("assessment:review_ethics", args=[ethics.pk]),
        reverse("assessment:capstone_file", args=[submission.pk, "report"]),
        reverse("assessment:lab_submission", args=["minimal", lab.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(grade_url, {"comment": "x"}).status_code == 404
    assert client.post(reverse("assessment:assign_peers", args=[capstone.pk])).status_code == 404
    assert not submission.grades.exists()
    assert not submission.peer_reviews.exists()
    assert client.get("/learn/minimal/")["Location"] == "/courses/minimal/enrol/"
