"""Fixtures for the assessment tests: personas, a synced course with something of every kind.

The course is the minimal fixture plus: a practice quiz of three questions (single and
multiple answer), the shipped `mlp-backprop` lab (a real judge, graded in the real sandbox),
and the fixture's own lab, which has no `grading:` block and therefore cannot be graded (an
author error). Tasks run immediately (django-tasks' ImmediateBackend).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.personas import (  # noqa: F401 - fixtures
    administrator,
    client_for,
    fast_password_hashing,
    learner,
    make_user,
    other_learner,
)
from learning.teams import (  # noqa: F401 - fixtures; `instructor` teaches `programme`
    another_programme,
    instructor,
    outside_instructor,
)
from microcred.accounts import services as account_services
from microcred.accounts import totp
from microcred.accounts.models import User
from microcred.accounts.two_factor import SESSION_KEY as TWO_FACTOR_KEY
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.curriculum.services import sync_course
from microcred.learning.models import Enrolment

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "curriculum" / "spec" / "fixtures" / "minimal"
SHIPPED = ROOT / "courses" / "applied-ml-dl"
PDF = b"%PDF-1.4\n% a tiny but well-typed capstone report\n%%EOF\n"

PRACTICE_QUIZ = """uuid: b28da81d-3d66-460b-91fa-86bdb124226b
title: Check your understanding
mode: practice
items:
  - id: q-practice-1
    uuid: 11eedad5-1b24-4fb9-9343-5755ae74ef6e
    kind: single
    stem: What does a model learn from?
    options:
      - {id: a, text: Data, correct: true}
      - {id: b, text: Nothing}
      - {id: c, text: Its own predictions}
    explanation: A model is fitted to training data.
    outcomes: [LO1]
  - id: q-practice-2
    uuid: 2f6d0a47-4b0f-4f43-9d43-6a4f1c1f2b01
    kind: multiple
    stem: Which of these are supervised tasks?
    options:
      - {id: a, text: Classification, correct: true}
      - {id: b, text: Regression, correct: true}
      - {id: c, text: Clustering}
    explanation: Clustering has no labels; it is unsupervised.
    outcomes: [LO1]
  - id: q-practice-3
    uuid: 5a0b0e1c-9b8e-4c43-a6b5-1f0f3c2d4e02
    kind: single
    stem: Which split estimates performance on new data?
    options:
      - {id: a, text: The training set}
      - {id: b, text: The test set, correct: true}
    explanation: The test set is held out until the end.
    outcomes: [LO1]
"""

Enrol = Callable[..., Enrolment]
ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def private_storage(settings: SettingsWrapper, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.MICROCRED_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.MICROCRED_PRIVATE_DIR)


@pytest.fixture(autouse=True)
def immediate_tasks(settings: SettingsWrapper) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    target = tmp_path / "course" / "minimal"
    shutil.copytree(MINIMAL, target)
    description = target / "microcredential.yaml"
    description.write_text(
        description.read_text().replace("- id: labs\n", "- id: programming-assignments\n")
    )
    baseline = target / "labs" / "01-mean-baseline" / "lab.yaml"
    baseline.write_text(
        baseline.read_text().replace("component: labs", "component: programming-assignments")
    )
    lab = target / "labs" / "mlp-backprop"
    shutil.copytree(SHIPPED / "labs" / "mlp-backprop", lab)
    manifest = lab / "lab.yaml"
    manifest.write_text(manifest.read_text().replace("outcomes: [LO2, LO3]", "outcomes: [LO1]"))
    (target / "modules" / "01-first-steps" / "quiz.yaml").write_text(PRACTICE_QUIZ)
    return target


@pytest.fixture
def programme(course_dir: Path, db: None) -> Programme:
    return sync_course(course_dir).programme


@pytest.fixture
def items(programme: Programme) -> dict[str, AssessmentItem]:
    return {item.slug: item for item in AssessmentItem.objects.filter(programme=programme)}


@pytest.fixture
def enrol() -> Enrol:
    """An enrolment row written directly (the learning services are tested elsewhere)."""

    def make(user: User, programme: Programme, status: str = Enrolment.Status.ACTIVE) -> Enrolment:
        return Enrolment.objects.create(
            learner=user,
            programme=programme,
            status=status,
            declaration_text="I declare.",
            declaration_accepted_at=timezone.now(),
        )

    return make


@pytest.fixture
def enrolled(learner: User, programme: Programme, enrol: Enrol) -> Enrolment:  # noqa: F811
    return enrol(learner, programme)


def require_two_factor(programme: Programme) -> Programme:
    programme.description["supervision_and_identity_verification"] = {
        "supervision": "supervised-online",
        "identity_verification": "online",
        "two_factor_required": True,
        "description": {"en": "Proctored online."},
    }
    programme.save()
    return programme


def verified_client(user: User) -> Client:
    """A signed-in client whose session proved a second factor (as after the code prompt)."""
    device = account_services.start_two_factor_setup(user)
    account_services.enable_two_factor(user, totp.totp(device.secret))
    client = Client()
    client.force_login(user)
    session = client.session
    session[TWO_FACTOR_KEY] = int(timezone.now().timestamp())
    session.save()
    return client


def page(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]
