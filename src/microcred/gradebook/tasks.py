"""Background work of the gradebook (django-tasks). Tasks take ids and are idempotent."""

from __future__ import annotations

from django_tasks import task


@task()
def award_credential(enrolment_id: int) -> str:
    """Issue the learner's credential if they passed and hold none yet (exactly once; running
    it again, or twice at the same time, issues nothing more: see `services.award_credential`)."""
    from . import services

    return services.award_credential(enrolment_id)
