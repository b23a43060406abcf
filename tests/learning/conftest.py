"""Fixtures for the learning tests: personas, a synced course with more lessons, uploads."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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
from microcred.curriculum.models import Lesson, Programme
from microcred.curriculum.services import sync_course
from microcred.learning.models import Enrolment

MINIMAL = Path(__file__).resolve().parents[1] / "curriculum" / "spec" / "fixtures" / "minimal"
PDF = b"%PDF-1.4\n% a tiny but well-typed test file\n%%EOF\n"

MATHS_NOTES = """# Maths and code

The loss is $\\mathcal{L} = \\frac{1}{n}\\sum_i (y_i - \\hat{y}_i)^2$ for *n* examples.

$$
\\nabla_\\theta \\mathcal{L} = 0
$$

```python
def mse(y, y_hat):
    return ((y - y_hat) ** 2).mean()
```

<script>alert("owned")</script>

[click me](javascript:alert(1)) and [a safe link](https://example.org/).
"""

FRENCH_NOTES = "# Mathématiques et code\n\nLa perte est $L$ en français.\n"
SLIDES = "# Slides\n\n---\n\n## Second slide\n"


@pytest.fixture(autouse=True)
def private_media(settings: SettingsWrapper, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    """The minimal course plus a published lesson with maths, code, slides and a French
    translation, and a planned lesson."""
    target = tmp_path / "course" / "minimal"
    shutil.copytree(MINIMAL, target)
    module = target / "modules" / "01-first-steps"
    lessons = module / "lessons"
    second = lessons / "02-maths-and-code"
    second.mkdir()
    (second / "lesson.yaml").write_text(
        "uuid: 3c529c89-8010-4094-a5c3-eaf43614fa74\n"
        "title:\n  en: Maths and code\n  fr: Mathématiques et code\n"
        "duration_minutes: 45\nlearning_outcomes: [LO1]\nresources:\n"
        "  - {kind: notes, file: notes.md}\n  - {kind: slides, file: slides.md}\n"
    )
    (second / "notes.md").write_text(MATHS_NOTES)
    (second / "notes.fr.md").write_text(FRENCH_NOTES)
    (second / "slides.md").write_text(SLIDES)
    third = lessons / "03-later"
    third.mkdir()
    (third / "lesson.yaml").write_text(
        "uuid: e2082b69-6b97-4fe2-97aa-56b792f4c072\ntitle: Coming later\nstatus: planned\n"
        "duration_minutes: 30\nlearning_outcomes: [LO1]\n"
    )
    text = (module / "module.yaml").read_text()
    (module / "module.yaml").write_text(
        text.replace(
            "  - 01-what-is-learning\n",
            "  - 01-what-is-learning\n  - 02-maths-and-code\n  - 03-later\n",
        )
    )
    return target


@pytest.fixture
def programme(course_dir: Path, db: None) -> Programme:
    return sync_course(course_dir).programme


@pytest.fixture
def lessons(programme: Programme) -> dict[str, Lesson]:
    return {lesson.slug: lesson for lesson in Lesson.objects.filter(module__programme=programme)}


@pytest.fixture
def evidence_required(programme: Programme) -> Programme:
    programme.description["admission"]["evidence_required"] = True
    programme.save()
    return programme


@pytest.fixture
def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("my diploma.pdf", PDF, content_type="application/pdf")


@pytest.fixture
def enrol() -> Callable[..., Enrolment]:
    """An enrolment row in a given state, written directly (the services are tested apart)."""

    def make(user: User, programme: Programme, status: str = Enrolment.Status.ACTIVE) -> Enrolment:
        return Enrolment.objects.create(
            learner=user,
            programme=programme,
            status=status,
            declaration_text="I declare.",
            declaration_accepted_at=timezone.now(),
        )

    return make
