"""Background work of the assessment app (django-tasks). Tasks take ids, re-fetch the row under
a lock through the services, and are idempotent: running one twice changes nothing."""

from __future__ import annotations

from django_tasks import task


@task()
def grade_lab_submission(submission_id: int) -> str:
    """Grade a queued lab submission. The row is locked only to claim it and to store the
    result, never while learner code runs (SQLite would block every other write)."""
    from . import labs, services

    submission = services.claim_lab_submission(submission_id)
    if submission is None:
        return "nothing to do"
    result = labs.grade(submission, services.learner_key(submission.enrolment))
    stored = services.record_lab_result(submission_id, result)
    return stored.status if stored is not None else "gone"


@task()
def close_expired_attempt(attempt_id: int) -> str:
    """Submit an exam attempt at its deadline if nobody touched it since."""
    from . import services

    attempt = services.close_expired_attempt(attempt_id)
    return attempt.status if attempt is not None else "gone"
