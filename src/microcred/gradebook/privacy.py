"""GDPR: a learner's data as a zip of JSON files (for the learner and administrators), and an
administrator's erasure that pseudonymises the learner.

Erasure keeps what others rely on: issued credentials stay verifiable (the signed documents,
their rows and the status lists are not touched: the learner holds those documents and may
keep presenting them), grades, digests and timestamps stay (they are the awarding body's
record and the evidence credentials cite), and every audit log (credential events, grading,
reviews, this app's privacy events) stays intact. What identifies the person or is their own
free text goes: name, e-mail, username, password and second factors, uploaded files (admission
evidence, capstone report and code), lab sources, ethics texts and peer-review comments.

See docs/decisions/073-gdpr-export-and-erasure.md.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import FailedLogin, RecoveryCode, TOTPDevice, User
from microcred.assessment.models import (
    CapstoneSubmission,
    EthicsAssessment,
    LabSubmission,
    PeerReview,
    QuizAttempt,
    RubricGrade,
)
from microcred.assessment.services import ETHICS_TEXT_FIELDS
from microcred.credentials.models import CredentialEvent, IssuedCredential
from microcred.learning.models import Enrolment, LessonProgress

from .models import Award, PrivacyEvent

ERASED_NAME = "Erased learner"
ERASED_DOMAIN = "erased.invalid"


class PrivacyError(Exception):
    """A refused request; the message is translated and safe to show."""


def is_administrator(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(User.Role.ADMINISTRATOR)


def may_export(actor: User, subject: User) -> bool:
    """The learner themself, or an administrator (instructors may not)."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    return actor.pk == subject.pk or is_administrator(actor)


def pseudonym(user_id: int) -> str:
    """A stable 12-hex-digit reference for an erased account (keyed by the secret key, so it
    cannot be recomputed from the user id by someone without it)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"microcred-erasure:{user_id}".encode(), hashlib.sha256).hexdigest()[:12]


def is_erased(user: User) -> bool:
    return PrivacyEvent.objects.filter(subject=user, action=PrivacyEvent.Action.ERASURE).exists()


# ------------------------------------------------------------------------------- export


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=_json_default, sort_keys=False)


def _credentials_of(user: User) -> list[IssuedCredential]:
    uuids = [
        u
        for u in Award.objects.filter(enrolment__learner=user).values_list(
            "credential_uuid", flat=True
        )
        if u
    ]
    mine = Q(uuid__in=uuids)
    if user.email:
        mine |= Q(learner_email__iexact=user.email)
    return list(IssuedCredential.objects.filter(mine).select_related("programme").order_by("pk"))


def _account(user: User) -> dict[str, Any]:
    device = TOTPDevice.objects.filter(user=user).first()
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "email_verified_at": user.email_verified_at,
        "role": user.role,
        "preferred_language": user.preferred_language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "active": user.is_active,
        "two_factor": {
            "enabled": bool(device and device.confirmed),
            "confirmed_at": device.confirmed_at if device else None,
            "recovery_codes_left": RecoveryCode.objects.filter(
                user=user, used_at__isnull=True
            ).count(),
        },
    }


def _enrolments(enrolments: list[Enrolment]) -> list[dict[str, Any]]:
    return [
        {
            "programme": e.programme.slug,
            "title": e.programme.title,
            "status": e.status,
            "declaration_text": e.declaration_text,
            "declaration_accepted_at": e.declaration_accepted_at,
            "admission_evidence": {
                "file_name": e.evidence_name,
                "content_type": e.evidence_content_type,
                "size": e.evidence_size,
            }
            if e.evidence_name
            else None,
            "reviewed_at": e.reviewed_at,
            "review_reason": e.review_reason,
            "created_at": e.created_at,
        }
        for e in enrolments
    ]


def _progress(user: User) -> list[dict[str, Any]]:
    return [
        {
            "programme": p.lesson.module.programme.slug,
            "module": p.lesson.module.slug,
            "lesson": p.lesson.slug,
            "first_opened_at": p.first_opened_at,
            "last_opened_at": p.last_opened_at,
            "completed_at": p.completed_at,
        }
        for p in LessonProgress.objects.filter(learner=user)
        .select_related("lesson__module__programme")
        .order_by("pk")
    ]


def _attempts(enrolments: list[Enrolment]) -> list[dict[str, Any]]:
    """Attempts with each answer: the question's code and stem, what was chosen, the mark.
    The answer key is not exported (it is the course's, not the learner's)."""
    found = []
    for attempt in (
        QuizAttempt.objects.filter(enrolment__in=enrolments)
        .select_related("item__programme")
        .prefetch_related("answers")
        .order_by("pk")
    ):
        found.append(
            {
                "programme": attempt.item.programme.slug,
                "assessment": f"{attempt.item.kind}:{attempt.item.slug}",
                "number": attempt.number,
                "mode": attempt.mode,
                "status": attempt.status,
                "started_at": attempt.started_at,
                "deadline": attempt.deadline,
                "submitted_at": attempt.submitted_at,
                "auto_submitted": attempt.auto_submitted,
                "score": attempt.score,
                "points": attempt.points,
                "max_points": attempt.max_points,
                "answers_sha256": attempt.answers_sha256,
                "supervision": attempt.supervision,
                "identity_verification": attempt.identity_verification,
                "two_factor_verified": attempt.two_factor_verified,
                "answers": [
                    {
                        "question": answer.question_code,
                        "stem": answer.question.get("stem", ""),
                        "selected": answer.selected,
                        "answered_at": answer.answered_at,
                        "correct": answer.correct,
                        "points": answer.points,
                        "max_points": answer.max_points,
                    }
                    for answer in attempt.answers.all()
                ],
            }
        )
    return found


def _lab_path(submission: LabSubmission) -> str:
    return f"lab-sources/{submission.item.slug}/attempt-{submission.attempt}.py"


def _labs(enrolments: list[Enrolment]) -> list[LabSubmission]:
    return list(
        LabSubmission.objects.filter(enrolment__in=enrolments)
        .select_related("item__programme")
        .order_by("pk")
    )


def _lab_rows(submissions: list[LabSubmission]) -> list[dict[str, Any]]:
    return [
        {
            "programme": s.item.programme.slug,
            "lab": s.item.slug,
            "attempt": s.attempt,
            "source_file": _lab_path(s) if s.source else None,
            "sha256": s.sha256,
            "status": s.status,
            "score": s.score,
            "points": s.points,
            "max_points": s.max_points,
            "submitted_at": s.submitted_at,
            "graded_at": s.graded_at,
        }
        for s in submissions
    ]


def _capstone(enrolments: list[Enrolment]) -> dict[str, Any]:
    versions = list(
        CapstoneSubmission.objects.filter(enrolment__in=enrolments)
        .select_related("item__programme")
        .order_by("pk")
    )
    grades = RubricGrade.objects.filter(submission__in=versions).order_by("pk")
    received = PeerReview.objects.filter(
        submission__in=versions, status=PeerReview.Status.SUBMITTED
    ).order_by("pk")
    given = PeerReview.objects.filter(reviewer__in=enrolments).order_by("pk")
    ethics = EthicsAssessment.objects.filter(enrolment__in=enrolments).order_by("pk")
    return {
        "versions": [
            {
                "programme": v.item.programme.slug,
                "version": v.version,
                "report": {"file_name": v.report_name, "size": v.report_size},
                "report_sha256": v.report_sha256,
                "code": {"file_name": v.code_name, "size": v.code_size},
                "code_sha256": v.code_sha256,
                "sha256": v.sha256,
                "submitted_at": v.submitted_at,
            }
            for v in versions
        ],
        "grades": [
            {
                "version": g.submission.version,
                "score": g.score,
                "criteria": g.criteria,
                "comment": g.comment,
                "graded_at": g.graded_at,
            }
            for g in grades.select_related("submission")
        ],
        "peer_reviews_received": [  # anonymous, as shown to the author
            {"criteria": r.criteria, "comment": r.comment, "submitted_at": r.submitted_at}
            for r in received
        ],
        "peer_reviews_given": [
            {
                "status": r.status,
                "criteria": r.criteria,
                "comment": r.comment,
                "assigned_at": r.assigned_at,
                "submitted_at": r.submitted_at,
            }
            for r in given
        ],
        "ethics_assessments": [
            {
                "version": a.version,
                "risk_category": a.risk_category,
                "annex_iii_area": a.annex_iii_area,
                "residual_risk": a.residual_risk,
                **{name: getattr(a, name) for name in ETHICS_TEXT_FIELDS},
                "status": a.status,
                "submitted_at": a.submitted_at,
                "reviewed_at": a.reviewed_at,
                "review_comment": a.review_comment,
            }
            for a in ethics
        ],
    }


def _credentials(credentials: list[IssuedCredential], awards: Iterable[Award]) -> dict[str, Any]:
    events = CredentialEvent.objects.filter(credential__in=credentials).order_by("pk")
    by_credential: dict[int, list[dict[str, Any]]] = {}
    for event in events:
        by_credential.setdefault(event.credential_id, []).append(
            {"action": event.action, "reason": event.reason, "at": event.created_at}
        )
    return {
        "credentials": [
            {
                "uuid": c.uuid,
                "programme": c.programme.slug,
                "learner_name": c.learner_name,
                "learner_email": c.learner_email,
                "final_grade": c.final_grade,
                "status": c.status,
                "issued_at": c.issued_at,
                "events": by_credential.get(c.pk, []),
                "open_badge": c.openbadge,
                "european_digital_credential": c.elm,
            }
            for c in credentials
        ],
        "awards": [
            {
                "programme": a.enrolment.programme.slug,
                "status": a.status,
                "final_percent": a.final_percent,
                "grade": a.grade_label,
                "component_percents": a.component_percents,
                "evidence": a.evidence,
                "skills": a.skills,
                "credential_uuid": a.credential_uuid,
                "issued_at": a.issued_at,
            }
            for a in awards
        ],
    }


README = """Your data at microcred, exported {at}.

account.json       your account (no password or second-factor secret: those are never stored
                   in a form anyone can read back)
enrolments.json    your enrolments and what you declared; admission evidence is listed by name
progress.json      lessons you opened and completed
attempts.json      quiz and exam attempts, with your answers and their marks
submissions.json   lab submissions (scores, digests); the code you wrote is in lab-sources/
capstone.json      capstone versions (file names, sizes, digests), grades, peer reviews and
                   your AI ethics and risk assessments
credentials.json   credentials issued to you (the signed documents included) and their history
privacy.json       data exports and erasures of this account
"""


@transaction.atomic
def export_learner_data(actor: User, subject: User, *, reason: str = "") -> bytes:
    """A zip of the subject's data, in JSON files (see README above); audited."""
    if not may_export(actor, subject):
        raise PrivacyError(_("Only the learner themself or an administrator may export this."))
    now = timezone.now()
    enrolments = list(
        Enrolment.objects.filter(learner=subject).select_related("programme").order_by("pk")
    )
    labs = _labs(enrolments)
    credentials = _credentials_of(subject)
    awards = Award.objects.filter(enrolment__in=enrolments).select_related("enrolment__programme")
    PrivacyEvent.objects.create(
        action=PrivacyEvent.Action.EXPORT,
        subject=subject,
        subject_ref=pseudonym(subject.pk),
        actor=actor,
        reason=reason.strip()[:2000],
        created_at=now,
    )
    history = [
        {
            "action": e.action,
            "at": e.created_at,
            "by": "you" if e.actor_id == subject.pk else "staff",
        }
        for e in PrivacyEvent.objects.filter(subject=subject).order_by("pk")
    ]
    files = {
        "README.txt": README.format(at=now.isoformat()),
        "account.json": _dump(_account(subject)),
        "enrolments.json": _dump(_enrolments(enrolments)),
        "progress.json": _dump(_progress(subject)),
        "attempts.json": _dump(_attempts(enrolments)),
        "submissions.json": _dump(_lab_rows(labs)),
        "capstone.json": _dump(_capstone(enrolments)),
        "credentials.json": _dump(_credentials(credentials, awards)),
        "privacy.json": _dump(history),
    }
    for submission in labs:
        if submission.source:
            files[_lab_path(submission)] = submission.source
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


# ------------------------------------------------------------------------------ erasure


@dataclass(frozen=True)
class ErasureReport:
    reference: str
    files_deleted: int
    credentials_kept: int


def _delete_later(file: FieldFile) -> int:
    name, storage = file.name, file.storage
    if not name:
        return 0
    transaction.on_commit(lambda: storage.delete(name))
    return 1


@transaction.atomic
def erase_learner(
    actor: User, subject_id: int, *, confirm_username: str, reason: str
) -> ErasureReport:
    """Pseudonymise a learner (administrators only; the username typed again confirms it).

    The name becomes "Erased learner <reference>", the e-mail a unique placeholder, the login
    is disabled (no password, no second factor, not active; open sessions end because the
    password hash changes); uploads are deleted after commit and authored texts blanked.
    Issued credentials, status lists, grades and audit logs are kept unchanged.
    """
    if not is_administrator(actor):
        raise PrivacyError(_("Only administrators can erase a learner's data."))
    subject = User.objects.select_for_update().filter(pk=subject_id).first()
    if subject is None:
        raise PrivacyError(_("No such account."))
    if subject.pk == actor.pk or not subject.has_role(User.Role.LEARNER):
        raise PrivacyError(_("Only learner accounts can be erased here."))
    if is_erased(subject):
        raise PrivacyError(_("This account has already been erased."))
    if confirm_username.strip() != subject.username:
        raise PrivacyError(_("Type the learner's username to confirm the erasure."))
    if not reason.strip():
        raise PrivacyError(_("Give a reason: it is kept in the privacy log."))
    reference = pseudonym(subject.pk)
    old_username = subject.username
    kept = len(_credentials_of(subject))  # before the e-mail address changes
    enrolments = list(Enrolment.objects.select_for_update().filter(learner=subject))
    files = 0
    for enrolment in enrolments:
        files += _delete_later(enrolment.evidence)
        enrolment.evidence = None  # type: ignore[assignment]
        enrolment.evidence_name = ""
        enrolment.evidence_content_type = ""
        enrolment.evidence_size = None
        enrolment.save()
    for version in CapstoneSubmission.objects.select_for_update().filter(enrolment__in=enrolments):
        files += _delete_later(version.report) + _delete_later(version.code)
        version.report.name = ""
        version.code.name = ""
        version.report_name = version.code_name = ""
        version.save(update_fields=["report", "code", "report_name", "code_name"])
    LabSubmission.objects.filter(enrolment__in=enrolments).update(source="")
    EthicsAssessment.objects.filter(enrolment__in=enrolments).update(
        **dict.fromkeys(ETHICS_TEXT_FIELDS, "")
    )
    for review in PeerReview.objects.select_for_update().filter(reviewer__in=enrolments):
        review.comment = ""
        review.criteria = {
            code: {**value, "comment": ""} for code, value in (review.criteria or {}).items()
        }
        review.save(update_fields=["comment", "criteria"])
    TOTPDevice.objects.filter(user=subject).delete()
    RecoveryCode.objects.filter(user=subject).delete()
    FailedLogin.objects.filter(username=old_username).delete()
    subject.username = f"erased-{reference}"
    subject.first_name = ERASED_NAME
    subject.last_name = reference
    subject.email = f"erased-{reference}@{ERASED_DOMAIN}"
    subject.email_verified_at = None
    subject.is_active = False
    subject.last_login = None
    subject.set_unusable_password()
    subject.save()
    PrivacyEvent.objects.create(
        action=PrivacyEvent.Action.ERASURE,
        subject=subject,
        subject_ref=reference,
        actor=actor,
        reason=reason.strip()[:2000],
        summary={"files_deleted": files, "enrolments": len(enrolments), "credentials_kept": kept},
    )
    return ErasureReport(reference, files, kept)
