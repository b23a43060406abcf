"""Seed the demo: the shipped course and one account per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from microcred.accounts.models import User
from microcred.curriculum.services import SyncReport, sync_course

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
)


def seed_demo(courses_dir: Path | None = None) -> SyncReport:
    """Idempotent: re-running keeps the same rows and resets the demo passwords."""
    report = sync_course(Path(courses_dir or settings.MICROCRED_COURSES_DIR) / DEMO_COURSE)
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            username=account.username,
            defaults={"email": f"{account.username}@demo.microcred.invalid"},
        )
        user.role = account.role
        user.is_staff = account.role == User.Role.ADMINISTRATOR
        user.is_superuser = account.role == User.Role.ADMINISTRATOR
        user.set_password(account.password)
        user.save()
    return report
