"""`microcred demo` seeds the shipped course, the accounts, the course team and two enrolments,
idempotently."""

from __future__ import annotations

import pytest
from django.test import Client

from microcred.accounts.models import User
from microcred.learning.models import Enrolment, TeachingAssignment, TeamEvent
from microcred.web.demo import DEMO_ACCOUNTS, seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_is_ready_to_click_through() -> None:
    seed_demo()
    seed_demo()  # idempotent
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    assert all(user.email_verified for user in User.objects.all())
    learner = Enrolment.objects.get(learner__username="learner")
    assert learner.status == Enrolment.Status.ACTIVE
    assert learner.reviewer is not None
    applicant = Enrolment.objects.get(learner__username="applicant")
    assert applicant.status == Enrolment.Status.PENDING
    assert applicant.evidence.read().startswith(b"%PDF-")
    client = Client()
    assert client.login(username="learner", password="learner-demo-password")
    lesson = "/learn/applied-ml-dl/01-foundations-of-deep-learning/01-neural-network-fundamentals/"
    response = client.get(lesson)
    assert response.status_code == 200
    assert '<span class="math inline">' in response.content.decode()
    instructor = Client()
    assert instructor.login(username="instructor", password="instructor-demo-password")
    assert "applicant" in instructor.get("/instructor/enrolments/").content.decode()


def test_the_demo_instructor_teaches_the_demo_course_once() -> None:
    seed_demo()
    seed_demo()
    team = TeachingAssignment.objects.select_related("instructor", "programme").get()
    assert (team.instructor.username, team.programme.slug) == ("instructor", "applied-ml-dl")
    assert list(TeamEvent.objects.values_list("action", "actor")) == [("added", "demo")]
