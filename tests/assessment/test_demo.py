"""`microcred demo` gives the demo learner assessment work and instructors something to grade."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from microcred.assessment.models import (
    CapstoneSubmission,
    EthicsAssessment,
    LabSubmission,
    QuizAttempt,
)
from microcred.web.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_learner_has_assessment_work_seeded_once(private_storage: Path) -> None:
    seed_demo()
    seed_demo()  # idempotent
    attempt = QuizAttempt.objects.get(enrolment__learner__username="learner")
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert 0 < attempt.answers.filter(correct=True).count() < attempt.answers.count()
    lab = LabSubmission.objects.get(enrolment__learner__username="learner")
    assert lab.status == LabSubmission.Status.QUEUED  # the worker grades it
    capstone = CapstoneSubmission.objects.get()
    assert Path(capstone.report.path).is_relative_to(private_storage)
    assert EthicsAssessment.objects.get().status == EthicsAssessment.Status.SUBMITTED
    instructor = Client()
    assert instructor.login(username="instructor", password="instructor-demo-password")
    queue = instructor.get("/instructor/assessment/").content.decode()
    assert f'id="capstone-{capstone.pk}"' in queue
    assert "demo-report.pdf" not in queue
