"""Writes of the gradebook: award credentials (exactly once), change a credential's status on
an instructor's request. GDPR export and erasure are in `privacy.py`.

Awarding follows the lab-grading pattern of docs/decisions/051: claim the award under a lock,
sign **outside** any transaction (validating the course folder and signing take a while, and
a SQLite write lock held meanwhile would block the whole site), then record the result under
the lock. See docs/decisions/071-automatic-issuance-exactly-once.md.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, OperationalError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from microcred.accounts.models import STAFF_ROLES, User
from microcred.credentials import services as credential_services
from microcred.credentials.core.record import Evidence, Learner
from microcred.credentials.models import IssuedCredential
from microcred.learning.models import Enrolment
from microcred.learning.queries import check_teaches

from .grades import LearnerGrade, learner_grade
from .models import Award
from .rules import PolicyError

log = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that stopped mid-way; issuing again is
# safe because `issue_credential` is idempotent per learner and programme.
STALE_CLAIM = timedelta(minutes=10)
LOCK_RETRIES = 8
T = TypeVar("T")


class GradebookError(Exception):
    """A refused operation; the message is translated and safe to show."""


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _require_staff(user: User) -> None:
    if not user.is_authenticated or not user.has_role(*STAFF_ROLES):
        raise GradebookError(_("Only instructors and administrators can do this."))


# ------------------------------------------------------------------------------- awarding


def award_due(enrolment: Enrolment) -> bool:
    """Cheap-enough check for grading events: an active learner who passes, nothing issued."""
    if not enrolment.is_active:
        return False
    if Award.objects.filter(enrolment=enrolment, status=Award.Status.ISSUED).exists():
        return False
    try:
        return learner_grade(enrolment).passed
    except PolicyError:
        log.exception("the grading policy of %s cannot be applied", enrolment.programme.slug)
        return False


@dataclass(frozen=True)
class Claim:
    award_id: int
    source_path: str
    learner: Learner
    final_percent: float
    component_percents: dict[str, float]
    evidence: list[dict[str, Any]]


def _learner(user: User) -> Learner:
    name = user.get_full_name().strip() or user.username
    return Learner(name, user.email, given_name=user.first_name, family_name=user.last_name)


def _snapshot(grade: LearnerGrade) -> dict[str, Any]:
    return {
        "final_percent": Decimal(str(grade.grade.percent)),
        "grade_label": grade.grade.label[:80],
        "component_percents": {c.code: c.percent for c in grade.grade.components},
        "evidence": grade.evidence(),
        "skills": [
            {"uri": s.uri, "label": s.label, "outcomes": list(s.outcomes)} for s in grade.skills()
        ],
    }


@transaction.atomic
def claim_award(enrolment_id: int, *, now: datetime | None = None) -> Claim | str:
    """Decide, under lock, whether to issue now; returns the claim, or why not (a word)."""
    now = _now(now)
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("learner", "programme")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        return "gone"
    award = Award.objects.select_for_update().filter(enrolment=enrolment).first()
    if award is not None and award.status == Award.Status.ISSUED:
        return "already issued"
    if (
        award is not None
        and award.status == Award.Status.ISSUING
        and award.claimed_at > (now - STALE_CLAIM)
    ):
        return "being issued"
    if not enrolment.is_active or not enrolment.learner.is_active:
        return "not active"
    if not enrolment.learner.email:
        return "no e-mail"
    try:
        grade = learner_grade(enrolment)
    except PolicyError as error:
        log.warning("no award for %s: %s", enrolment_id, error)
        return "bad policy"
    if not grade.passed:
        return grade.grade.status
    snapshot = _snapshot(grade)
    if award is None:
        try:
            with transaction.atomic():
                award = Award.objects.create(enrolment=enrolment, claimed_at=now, **snapshot)
        except IntegrityError:  # another worker created it between our read and our write
            return "being issued"
    else:
        for name, value in snapshot.items():
            setattr(award, name, value)
        award.status = Award.Status.ISSUING
        award.claimed_at = now
        award.last_error = ""
    award.attempts += 1
    award.save()
    return Claim(
        award_id=award.pk,
        source_path=enrolment.programme.source_path,
        learner=_learner(enrolment.learner),
        final_percent=grade.grade.percent,
        component_percents={
            c.code: c.percent for c in grade.grade.components if c.percent is not None
        },
        evidence=snapshot["evidence"],
    )


def _evidence(items: list[dict[str, Any]]) -> list[Evidence]:
    return [
        Evidence(
            assessment=item["assessment"],
            title=item["title"],
            component_id=item["component"],
            score_percent=float(item["score_percent"]),
            assessed_on=date.fromisoformat(item["assessed_on"]),
            submission_sha256=item["submission_sha256"],
            outcomes=tuple(item["outcomes"]),
        )
        for item in items
    ]


@transaction.atomic
def record_issued(
    award_id: int, credential_uuid: uuid.UUID, *, now: datetime | None = None
) -> Award:
    """Mark the award issued (once) and e-mail the learner after commit."""
    award = (
        Award.objects.select_for_update()
        .select_related("enrolment__learner", "enrolment__programme")
        .get(pk=award_id)
    )
    if award.status == Award.Status.ISSUED:
        return award
    award.status = Award.Status.ISSUED
    award.credential_uuid = credential_uuid
    award.issued_at = _now(now)
    award.last_error = ""
    award.save()
    transaction.on_commit(lambda: notify_learner(award.pk))
    return award


@transaction.atomic
def record_failure(award_id: int, error: str) -> None:
    award = Award.objects.select_for_update().get(pk=award_id)
    if award.status != Award.Status.ISSUED:
        award.status = Award.Status.FAILED
        award.last_error = error[:4000]
        award.save(update_fields=["status", "last_error", "updated_at"])


def _retrying(step: Callable[[], T]) -> T:
    """Run a short locked step again while SQLite reports a competing writer ("database is
    locked": after its busy timeout, or at once for in-memory shared-cache test databases)."""
    for attempt in range(LOCK_RETRIES):
        try:
            return step()
        except OperationalError as error:
            if "locked" not in str(error).lower() or attempt == LOCK_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def award_credential(enrolment_id: int, *, now: datetime | None = None) -> str:
    """Issue the enrolment's credential if the learner passed and has none yet.

    Idempotent and safe to run concurrently: the award is claimed under lock (one row per
    enrolment, a unique constraint), the credential is issued by `issue_credential`
    (idempotent per learner and programme), and only the first run to record it e-mails
    the learner. The short locked steps are retried while SQLite reports a competing writer.
    Returns what happened, in a word or two.
    """
    claim = _retrying(lambda: claim_award(enrolment_id, now=now))
    if isinstance(claim, str):
        return claim
    try:
        result = credential_services.issue_credential(
            Path(claim.source_path),
            claim.learner,
            claim.final_percent,
            component_percents=claim.component_percents,
            evidence=_evidence(claim.evidence),
            actor="gradebook",
        )
    except Exception as error:  # the course folder, the keys, the record: nothing is issued
        log.exception("issuing the credential of enrolment %s failed", enrolment_id)
        message = f"{type(error).__name__}: {error}"
        _retrying(lambda: record_failure(claim.award_id, message))
        return "failed"
    _retrying(lambda: record_issued(claim.award_id, result.credential.uuid, now=now))
    return "issued" if result.created else "linked"


def _absolute(path: str) -> str:
    return credential_services.Instance.current().base_url + path


def notify_learner(award_id: int) -> None:
    """E-mail the learner that their credential is ready (after the award is committed)."""
    award = Award.objects.select_related("enrolment__learner", "enrolment__programme").get(
        pk=award_id
    )
    learner = award.enrolment.learner
    if not learner.email or award.credential_uuid is None:
        return
    with translation.override(learner.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "learner": learner,
            "award": award,
            "programme": award.enrolment.programme,
            "credentials_url": _absolute(reverse("gradebook:my_credentials")),
            "verify_url": _absolute(
                reverse("credentials:verify_uuid", args=[award.credential_uuid])
            ),
        }
        subject = render_to_string("gradebook/email/credential_subject.txt", context).strip()
        body = render_to_string("gradebook/email/credential_body.txt", context)
    send_mail(subject, body, None, [learner.email])
    Award.objects.filter(pk=award_id).update(notified_at=timezone.now())


def enqueue_award(enrolment_id: int) -> None:
    from . import tasks

    tasks.award_credential.enqueue(enrolment_id)


@transaction.atomic
def request_award(staff: User, enrolment_id: int) -> None:
    """An instructor asks the worker to (re)try issuing, e.g. after fixing the course folder
    or changing its gradebook settings. Nothing happens unless the learner passes."""
    _require_staff(staff)
    programme_id = (
        Enrolment.objects.filter(pk=enrolment_id).values_list("programme_id", flat=True).first()
    )
    if programme_id is None:
        raise GradebookError(_("No such enrolment."))
    check_teaches(staff, programme_id)
    transaction.on_commit(lambda: enqueue_award(enrolment_id))


# ------------------------------------------------------------------ credential status


ACTIONS = {
    "revoke": credential_services.revoke_credential,
    "suspend": credential_services.suspend_credential,
    "reinstate": credential_services.reinstate_credential,
}


def change_credential_status(
    staff: User, credential_uuid: uuid.UUID | str, action: str, reason: str
) -> None:
    """Revoke, suspend or reinstate through the credentials app (which audits the change); an
    instructor only for the programmes they teach."""
    _require_staff(staff)
    try:
        credential_uuid = uuid.UUID(str(credential_uuid).removeprefix("urn:uuid:"))
    except ValueError:
        raise GradebookError(_("No such credential.")) from None
    programme_id = (
        IssuedCredential.objects.filter(uuid=credential_uuid)
        .values_list("programme_id", flat=True)
        .first()
    )
    if programme_id is None:
        raise GradebookError(_("No such credential."))
    check_teaches(staff, programme_id)
    if action not in ACTIONS:
        raise GradebookError(_("Unknown action."))
    if not reason.strip():
        raise GradebookError(_("Give a reason: it goes into the credential's audit log."))
    try:
        ACTIONS[action](credential_uuid, reason.strip()[:2000], actor=f"user:{staff.username}")
    except credential_services.CredentialActionError as error:
        raise GradebookError(str(error)) from error
