"""Two workers award the same learner at the same moment: one credential, one e-mail.

These tests commit for real (`transactional_db`): each worker is a thread with its own
database connection, started together at a barrier, with `issue_credential` slowed down so
the two really overlap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from microcred.accounts.models import User
from microcred.credentials import services as credential_services
from microcred.credentials.models import CredentialEvent, IssuedCredential
from microcred.curriculum.models import AssessmentItem
from microcred.gradebook import tasks
from microcred.gradebook.models import Award
from microcred.learning.models import Enrolment

from . import work

pytestmark = pytest.mark.django_db(transaction=True)


def together(count: int, action: Callable[[], str]) -> list[str]:
    """Run `action` in `count` threads released at the same instant; their results (or the
    exception class names they raised)."""
    barrier = threading.Barrier(count)
    results: list[str] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(action())
        except Exception as error:  # reported, so the test says what went wrong
            results.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(results)


@pytest.fixture
def passed(enrolled: Enrolment, items: dict[str, AssessmentItem], instructor: User) -> Enrolment:
    work.pass_everything_but_ethics(enrolled, items, instructor)
    work.ethics(enrolled.learner, instructor, items["capstone"])  # commits: issues once
    return enrolled


def slow_issue(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = credential_services.issue_credential

    def slowly(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(credential_services, "issue_credential", slowly)
    return calls


def test_two_concurrent_triggers_issue_one_credential(
    enrolled: Enrolment,
    items: dict[str, AssessmentItem],
    instructor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("microcred.gradebook.signals.grading_event", lambda enrolment_id: None)
    work.pass_everything_but_ethics(enrolled, items, instructor)
    work.ethics(enrolled.learner, instructor, items["capstone"])
    assert not IssuedCredential.objects.exists()  # the trigger was switched off above
    calls = slow_issue(monkeypatch)
    results = together(2, lambda: tasks.award_credential.call(enrolled.pk))
    # The loser saw the winner's claim (or, if it came later, the issued award).
    assert results[1] == "issued"
    assert results[0] in ("already issued", "being issued")
    assert len(calls) == 1
    assert IssuedCredential.objects.count() == 1
    assert CredentialEvent.objects.filter(action="issued").count() == 1
    award = Award.objects.get()
    assert (award.status, award.attempts) == (Award.Status.ISSUED, 1)
    assert len(mail.outbox) == 1


def test_a_committed_grade_triggers_the_task_and_more_triggers_change_nothing(
    passed: Enrolment, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Award.objects.get().issued  # the commit of the last grade issued it
    assert len(mail.outbox) == 1
    calls = slow_issue(monkeypatch)
    results = together(3, lambda: tasks.award_credential.call(passed.pk))
    assert results == ["already issued"] * 3
    assert calls == []
    assert IssuedCredential.objects.count() == 1
    assert len(mail.outbox) == 1
