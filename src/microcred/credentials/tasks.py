"""Background work: issuing a credential when grading finishes (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from microcred.credentials import services
from microcred.credentials.core.record import Learner


@task()
def issue_credential_task(
    course_dir: str, name: str, email: str, grade: float, actor: str = "worker"
) -> str:
    """Issue (idempotently) and return the credential's UUID."""
    result = services.issue_credential(course_dir, Learner(name, email), grade, actor=actor)
    return str(result.credential.uuid)
