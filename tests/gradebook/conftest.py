"""Fixtures for the gradebook tests: personas, and a course with two labs aligned to different
outcomes (so evidenced skills can differ from the component's), a capstone and an exam.

The course is the minimal fixture plus: a second learning outcome (LO2, its own ESCO skill), a
second lab assessing only LO2, and a component minimum of 40 %. Credential keys, uploads and
private files go to a temporary directory; tasks run immediately.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
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
from microcred.accounts.models import User
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.curriculum.services import sync_course
from microcred.learning.models import Enrolment

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "curriculum" / "spec" / "fixtures" / "minimal"
SHIPPED = ROOT / "courses" / "applied-ml-dl"
DEEP_LEARNING = "http://data.europa.eu/esco/skill/ecc4552a-92c5-4222-b18d-faf5ac841080"
MACHINE_LEARNING = "http://data.europa.eu/esco/skill/3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43"
PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"

LO2 = """  - id: LO2
    uuid: 0b0e8c55-2f43-4a7c-9d55-6f1f3f1e9a21
    type: skill
    eqf_level: 7
    text: Train a small neural network.
    esco_skills:
      - uri: http://data.europa.eu/esco/skill/ecc4552a-92c5-4222-b18d-faf5ac841080
        label: deep learning
workload:"""

Enrol = Callable[..., Enrolment]


@pytest.fixture(autouse=True)
def instance_dirs(settings: SettingsWrapper, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.MICROCRED_PRIVATE_DIR = tmp_path / "private"
    settings.PUBLIC_BASE_URL = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return tmp_path


@pytest.fixture
def private_dir(instance_dirs: Path) -> Path:
    return instance_dirs / "private"


@pytest.fixture(autouse=True)
def immediate_tasks(settings: SettingsWrapper) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def make_course(target: Path) -> Path:
    shutil.copytree(MINIMAL, target)
    description = target / "microcredential.yaml"
    text = description.read_text()
    text = text.replace("workload:", LO2, 1)
    text = text.replace(
        "    minimum_total_percent: 50\n",
        "    minimum_total_percent: 50\n    minimum_component_percent: 40\n",
    )
    description.write_text(text)
    second = target / "labs" / "02-small-network"
    shutil.copytree(target / "labs" / "01-mean-baseline", second)
    manifest = second / "lab.yaml"
    manifest.write_text(
        manifest.read_text()
        .replace("6664e9df-0339-47a3-9ef8-8fa3dd4150a9", "7d0c3b1e-5a4f-4e7b-9a61-2b8f0c9d1e33")
        .replace("A mean baseline", "A small network")
        .replace("  - LO1", "  - LO2")
    )
    return target


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    return make_course(tmp_path / "course" / "minimal")


@pytest.fixture
def programme(course_dir: Path, db: None) -> Programme:
    return sync_course(course_dir).programme


@pytest.fixture
def items(programme: Programme) -> dict[str, AssessmentItem]:
    return {item.slug: item for item in AssessmentItem.objects.filter(programme=programme)}


@pytest.fixture
def enrol() -> Enrol:
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
    learner.first_name, learner.last_name = "Ada", "Lovelace"
    learner.save()
    return enrol(learner, programme)
