"""Seed the demo: the shipped course, one account per role, and enrolments to look at.

The learner is enrolled (as if an instructor had approved their evidence) and an applicant waits
in the instructors' review queue with a small PDF, so every page has something to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from microcred.accounts.models import User
from microcred.curriculum.models import Programme
from microcred.curriculum.services import SyncReport, sync_course
from microcred.learning.admission import Admission, declaration_text
from microcred.learning.models import Enrolment

DEMO_COURSE = "applied-ml-dl"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


DEMO_ACCOUNTS = (
    DemoAccount("learner", "learner-demo-password", User.Role.LEARNER),
    DemoAccount("instructor", "instructor-demo-password", User.Role.INSTRUCTOR),
    DemoAccount("admin", "admin-demo-password", User.Role.ADMINISTRATOR),
    DemoAccount("applicant", "applicant-demo-password", User.Role.LEARNER),
)

# A minimal valid one-page PDF, so the review queue has a real file to download.
DEMO_EVIDENCE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _seed_enrolment(
    learner: User, programme: Programme, status: str, reviewer: User | None
) -> None:
    """Demo rows written directly (not through enrol_learner): they stand for history."""
    if Enrolment.objects.filter(learner=learner, programme=programme).exists():
        return
    now = timezone.now()
    enrolment = Enrolment(
        learner=learner,
        programme=programme,
        status=status,
        declaration_text=declaration_text(Admission.of(programme.description), "en"),
        declaration_accepted_at=now,
        reviewer=reviewer,
        reviewed_at=now if reviewer else None,
    )
    if Admission.of(programme.description).evidence_required:
        enrolment.evidence_name = "bachelor-diploma.pdf"
        enrolment.evidence_content_type = "application/pdf"
        enrolment.evidence_size = len(DEMO_EVIDENCE)
        enrolment.evidence.save("bachelor-diploma.pdf", ContentFile(DEMO_EVIDENCE), save=False)
    enrolment.save()


def seed_demo(courses_dir: Path | None = None) -> SyncReport:
    """Idempotent: re-running keeps the same rows and resets the demo passwords."""
    report = sync_course(Path(courses_dir or settings.MICROCRED_COURSES_DIR) / DEMO_COURSE)
    users: dict[str, User] = {}
    with transaction.atomic():
        for account in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(
                username=account.username,
                defaults={"email": f"{account.username}@demo.microcred.invalid"},
            )
            user.role = account.role
            user.is_staff = account.role == User.Role.ADMINISTRATOR
            user.is_superuser = account.role == User.Role.ADMINISTRATOR
            user.email_verified_at = user.email_verified_at or timezone.now()
            user.set_password(account.password)
            user.save()
            users[account.username] = user
        programme = report.programme
        _seed_enrolment(users["learner"], programme, Enrolment.Status.ACTIVE, users["instructor"])
        _seed_enrolment(users["applicant"], programme, Enrolment.Status.PENDING, None)
    return report
