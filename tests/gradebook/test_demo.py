"""`microcred demo`: a graduate who passed every component holds a real, verifiable credential,
issued by the worker right after seeding."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from microcred.credentials.models import IssuedCredential
from microcred.credentials.queries import verify_document
from microcred.gradebook.grades import learner_grade
from microcred.gradebook.models import Award
from microcred.learning.models import Enrolment
from microcred.web.demo import seed_demo, seed_graduate

pytestmark = pytest.mark.django_db


def test_the_demo_graduate_holds_an_issued_credential(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # as in `microcred demo`: it commits
        seed_demo()
    enrolment = Enrolment.objects.get(learner__username="graduate")
    grade = learner_grade(enrolment)
    assert grade.passed
    assert {score.status for score in grade.scores} == {"graded"}
    award = Award.objects.get(enrolment=enrolment)
    assert award.issued
    credential = IssuedCredential.objects.get(uuid=award.credential_uuid)
    assert credential.learner_name == "Alex Graduate"
    assert verify_document(credential.openbadge).ok
    assert len(credential.openbadge["evidence"]) >= 8  # seven labs, the exam, the capstone
    assert award.skills
    client = Client()
    assert client.login(username="graduate", password="graduate-demo-password")
    page = client.get("/me/credentials/").content.decode()
    assert f"/credentials/{credential.uuid}.json" in page
    assert "linkedin.com" in page
    # Seeding again changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo()
    assert seed_graduate() == "already issued"
    assert IssuedCredential.objects.count() == 1


def test_the_graduate_waits_for_the_seeded_course(db: None) -> None:
    assert seed_graduate() == "run seed_demo first"
