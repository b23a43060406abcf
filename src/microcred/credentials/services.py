"""Writes of the credentials app: issue (idempotent), revoke, suspend, reinstate; each audited.

Every credential carries one Bitstring Status List entry (the OB 3.0 JSON Schema allows a
single ``credentialStatus``; docs/decisions/032): ``revocation`` by default. ``revoke`` sets
its bit for good; ``suspend``/``reinstate`` need a credential issued with a ``suspension``
entry. The CLI, the web views and background tasks all go through these functions.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.db import connections, transaction
from django.db.models import JSONField, TextField, Value
from django.db.models.functions import Cast

from microcred.credentials import models as m
from microcred.credentials.batch import BatchJob, LearnerRow, Progress, SignedCredential, sign_jobs
from microcred.credentials.core import (
    IssuerKey,
    StatusList,
    allocate_index,
    build_status_entry,
    build_status_list_credential,
    sign_credential,
)
from microcred.credentials.core.elm import to_elm
from microcred.credentials.core.issuer import IssuerProfile
from microcred.credentials.core.keyring import Keyring
from microcred.credentials.core.openbadge import to_openbadge
from microcred.credentials.core.record import CourseFacts, Evidence, Learner
from microcred.credentials.core.statuslist import StatusPurpose
from microcred.curriculum import models as curriculum_models
from microcred.curriculum.services import sync_course
from microcred.curriculum.spec import validate_course
from microcred.curriculum.spec.course import Course

__all__ = [
    "CredentialActionError",
    "Instance",
    "IssueResult",
    "issue_batch",
    "issue_credential",
    "reinstate_credential",
    "revoke_credential",
    "suspend_credential",
]

DidMode = Literal["key", "web"]
DEFAULT_LOCAL_BASE = "http://127.0.0.1:8000"


class CredentialActionError(Exception):
    """A request the credential's state or configuration does not allow (message says why)."""


@dataclass(frozen=True, slots=True)
class Instance:
    """Where this instance keeps its keys and how the world reaches it."""

    data_dir: Path
    public_base_url: str

    @classmethod
    def current(cls) -> Instance:
        return cls(Path(settings.DATA_DIR), str(getattr(settings, "PUBLIC_BASE_URL", "")))

    @property
    def base_url(self) -> str:
        """Public base URL, else the local default (credentials then say so in their URLs)."""
        return (self.public_base_url or DEFAULT_LOCAL_BASE).rstrip("/")

    @property
    def keyring(self) -> Keyring:
        return Keyring(self.data_dir / "credentials")

    def default_did(self) -> DidMode:
        return "web" if self.public_base_url else "key"

    def issuer(
        self, description: Any, did: DidMode | None = None
    ) -> tuple[IssuerProfile, IssuerKey]:
        key = self.keyring.active_key()
        mode = did or self.default_did()
        if mode == "web":
            if not self.public_base_url:
                raise CredentialActionError(
                    "did:web needs MICROCRED_PUBLIC_BASE_URL (the domain that serves "
                    "/.well-known/did.json); use --did key to issue offline-verifiable "
                    "credentials"
                )
            return IssuerProfile.did_web(description, self.public_base_url, key), key
        return IssuerProfile.did_key(description, key), key

    def status_url(self, slug: str) -> str:
        return f"{self.base_url}/credentials/status/{slug}.json"


def sync_issuer_keys(instance: Instance) -> None:
    """Mirror the keyring's public metadata into ``IssuerKey`` rows."""
    for entry in instance.keyring.entries():
        m.IssuerKey.objects.update_or_create(
            public_key_multibase=entry.public_key_multibase,
            defaults={
                "key_file": entry.file,
                "state": entry.state,
                "created_at": datetime.fromisoformat(entry.created),
                "withdrawn_reason": entry.withdrawn_reason,
            },
        )


def _status_slug(issuer_did: str, purpose: StatusPurpose) -> str:
    if issuer_did.startswith("did:web:"):
        return purpose
    return f"{purpose}-{hashlib.sha256(issuer_did.encode()).hexdigest()[:12]}"


def status_list_row(issuer_did: str, purpose: StatusPurpose) -> m.StatusList:
    row, _ = m.StatusList.objects.get_or_create(
        slug=_status_slug(issuer_did, purpose),
        defaults={
            "purpose": purpose,
            "issuer_did": issuer_did,
            "encoded_list": StatusList(purpose).encode(),
        },
    )
    return row


def _load_course(course: Course | Path | str) -> tuple[Course, curriculum_models.Programme]:
    if isinstance(course, Course):
        root = course.root
        loaded = course
    else:
        root = Path(course)
        result = validate_course(root)
        if not result.ok:
            raise CredentialActionError(
                f"{root}: {len(result.errors)} validation error(s); run microcred course validate"
            )
        loaded = result.course
    report = sync_course(root)
    return loaded, report.programme


@dataclass(frozen=True, slots=True)
class IssueResult:
    credential: m.IssuedCredential
    created: bool


def _normal_email(email: str) -> str:
    return email.strip().lower()


def issue_credential(
    course: Course | Path | str,
    learner: Learner,
    grade: float,
    *,
    component_percents: dict[str, float] | None = None,
    evidence: Sequence[Evidence] = (),
    did: DidMode | None = None,
    status_purpose: StatusPurpose = "revocation",
    actor: str = "system",
    instance: Instance | None = None,
) -> IssueResult:
    """Issue (or return the already issued) credential of ``learner`` in ``course``."""
    instance = instance or Instance.current()
    loaded, programme = _load_course(course)
    facts = CourseFacts.of(loaded)
    existing = m.IssuedCredential.objects.filter(
        programme=programme, learner_email=_normal_email(learner.email)
    ).first()
    if existing is not None:
        return IssueResult(existing, False)
    issuer, key = instance.issuer(facts.description, did)
    sync_issuer_keys(instance)
    credential_id = uuid.uuid4()
    record = facts.record(
        learner,
        grade,
        component_percents=component_percents,
        evidence=evidence,
        credential_id=credential_id,
    )
    with transaction.atomic():
        status = status_list_row(issuer.id, status_purpose)
        taken = set(
            m.IssuedCredential.objects.filter(status_list=status).values_list(
                "status_index", flat=True
            )
        )
        index = allocate_index(status.size, taken)
        entry = build_status_entry(instance.status_url(status.slug), index, status_purpose)
        method = issuer.verification_method
        badge = sign_credential(
            to_openbadge(record, issuer, credential_status=entry),
            key,
            verification_method=method,
            created=record.issued_at,
        )
        elm = sign_credential(
            to_elm(record, issuer), key, verification_method=method, created=record.issued_at
        )
        row = m.IssuedCredential.objects.create(
            uuid=credential_id,
            programme=programme,
            learner_name=learner.name,
            learner_email=_normal_email(learner.email),
            final_grade=Decimal(str(round(grade, 2))),
            issuer_did=issuer.id,
            openbadge=badge,
            elm=elm,
            status_list=status,
            status_index=index,
            issued_at=record.issued_at,
        )
        status.allocated += 1
        status.save(update_fields=["allocated", "updated_at"])
        m.CredentialEvent.objects.create(credential=row, action="issued", actor=actor)
    return IssueResult(row, True)


@dataclass(frozen=True, slots=True)
class BatchReport:
    issued: list[m.IssuedCredential]
    existing: list[m.IssuedCredential]
    failed: list[tuple[LearnerRow, str]]
    seconds: float


def _json_value(text: str | None) -> Any:
    """A JSON field value from JSON text the worker already wrote: stored without re-encoding."""
    if text is None:
        return None
    return Cast(Value(text, output_field=TextField()), output_field=JSONField())


def issue_batch(
    course: Course | Path | str,
    rows: Sequence[LearnerRow],
    *,
    did: DidMode | None = None,
    status_purpose: StatusPurpose = "revocation",
    with_elm: bool = False,
    out_dir: Path | None = None,
    workers: int | None = None,
    actor: str = "system",
    progress: Progress | None = None,
    on_signed: Any = None,
    instance: Instance | None = None,
) -> BatchReport:
    """Issue a cohort on every core; learners who already hold the credential are skipped.

    With ``out_dir`` the workers write each new credential there as ``<uuid>.json`` (and
    ``<uuid>.elm.json``). The rows in the report have their documents deferred (loaded from
    the database on access), so a large cohort is not kept in memory twice.
    """
    import time

    started = time.perf_counter()
    instance = instance or Instance.current()
    loaded, programme = _load_course(course)
    facts = CourseFacts.of(loaded)
    issuer, key = instance.issuer(facts.description, did)
    sync_issuer_keys(instance)
    status = status_list_row(issuer.id, status_purpose)
    holders = {
        row.learner_email: row for row in m.IssuedCredential.objects.filter(programme=programme)
    }
    taken = set(
        m.IssuedCredential.objects.filter(status_list=status).values_list("status_index", flat=True)
    )
    jobs: list[BatchJob] = []
    existing: list[m.IssuedCredential] = []
    seen: set[str] = set()
    for row in rows:
        email = _normal_email(row.learner.email)
        if email in holders:
            existing.append(holders[email])
            continue
        if email in seen:
            continue
        seen.add(email)
        index = allocate_index(status.size, taken)
        taken.add(index)
        jobs.append(BatchJob(uuid.uuid4(), row, index))
    issued_at = datetime.now(UTC).replace(microsecond=0)
    connections.close_all()  # never share a database connection with forked workers
    signed: list[SignedCredential] = []
    failed: list[tuple[LearnerRow, str]] = []
    for result in sign_jobs(
        jobs,
        key=key,
        issuer=issuer,
        facts=facts,
        status_url=instance.status_url(status.slug),
        purpose=status_purpose,
        issued_at=issued_at,
        with_elm=with_elm,
        out_dir=out_dir,
        workers=workers,
        progress=progress,
    ):
        if result.error:
            failed.append((result.row, result.error))
            continue
        signed.append(result)
        if on_signed is not None:
            on_signed(result)
    rows_out: list[m.IssuedCredential] = []
    with transaction.atomic():
        for part in range(0, len(signed), 500):
            chunk = [
                m.IssuedCredential(
                    uuid=s.credential_id,
                    programme=programme,
                    learner_name=s.row.learner.name,
                    learner_email=_normal_email(s.row.learner.email),
                    final_grade=Decimal(str(round(s.row.grade, 2))),
                    issuer_did=issuer.id,
                    openbadge=_json_value(s.openbadge_json),
                    elm=_json_value(s.elm_json),
                    status_list=status,
                    status_index=s.status_index,
                    issued_at=issued_at,
                )
                for s in signed[part : part + 500]
            ]
            created = m.IssuedCredential.objects.bulk_create(chunk)
            for row in created:  # the attributes hold SQL expressions now: defer them instead
                row.__dict__.pop("openbadge", None)
                row.__dict__.pop("elm", None)
            rows_out.extend(created)
        if any(row.pk is None for row in rows_out):  # backends that return no ids
            saved = dict(
                m.IssuedCredential.objects.filter(
                    uuid__in=[s.credential_id for s in signed]
                ).values_list("uuid", "pk")
            )
            for row in rows_out:
                row.pk = saved[row.uuid]
        m.CredentialEvent.objects.bulk_create(
            [
                m.CredentialEvent(credential_id=row.pk, action="issued", actor=actor)
                for row in rows_out
            ],
            batch_size=500,
        )
        status.allocated += len(signed)
        status.save(update_fields=["allocated", "updated_at"])
    return BatchReport(rows_out, existing, failed, time.perf_counter() - started)


# -- status changes ------------------------------------------------------------------------


def _change(
    credential_uuid: uuid.UUID | str, action: str, reason: str, actor: str
) -> m.IssuedCredential:
    if not reason.strip():
        raise CredentialActionError("a reason is required (it goes into the audit log)")
    try:
        key = uuid.UUID(str(credential_uuid).removeprefix("urn:uuid:"))
    except ValueError as error:
        raise CredentialActionError(f"{credential_uuid!r} is not a credential id (UUID)") from error
    with transaction.atomic():
        try:
            row = m.IssuedCredential.objects.select_for_update().get(uuid=key)
        except m.IssuedCredential.DoesNotExist as error:
            raise CredentialActionError(f"no credential {key}") from error
        status_row = m.StatusList.objects.select_for_update().get(pk=row.status_list_id)
        bits = StatusList.decode(status_row.encoded_list, status_row.purpose)  # type: ignore[arg-type]
        purpose = status_row.purpose
        if action == "revoked":
            if row.status == "revoked":
                raise CredentialActionError("the credential is already revoked")
            bits.set(row.status_index)
            row.status = "revoked"
        elif action == "suspended":
            if purpose != "suspension":
                raise CredentialActionError(
                    "this credential was issued with a revocation entry only: it can be "
                    "revoked, not suspended (docs/decisions/032)"
                )
            if row.status != "valid":
                raise CredentialActionError(f"the credential is {row.status}, not valid")
            bits.set(row.status_index)
            row.status = "suspended"
        elif action == "reinstated":
            if row.status != "suspended":
                raise CredentialActionError(
                    f"only a suspended credential can be reinstated; this one is {row.status}"
                )
            bits.clear(row.status_index)
            row.status = "valid"
        status_row.encoded_list = bits.encode()
        status_row.save(update_fields=["encoded_list", "updated_at"])
        row.save(update_fields=["status", "updated_at"])
        m.CredentialEvent.objects.create(credential=row, action=action, reason=reason, actor=actor)
    return row


def revoke_credential(
    credential_uuid: uuid.UUID | str, reason: str, actor: str = "system"
) -> m.IssuedCredential:
    return _change(credential_uuid, "revoked", reason, actor)


def suspend_credential(
    credential_uuid: uuid.UUID | str, reason: str, actor: str = "system"
) -> m.IssuedCredential:
    return _change(credential_uuid, "suspended", reason, actor)


def reinstate_credential(
    credential_uuid: uuid.UUID | str, reason: str, actor: str = "system"
) -> m.IssuedCredential:
    return _change(credential_uuid, "reinstated", reason, actor)


def signed_status_list(slug: str, instance: Instance | None = None) -> dict[str, Any]:
    """The signed ``BitstringStatusListCredential`` of a list, valid for one day."""
    instance = instance or Instance.current()
    row = m.StatusList.objects.get(slug=slug)
    keyring = instance.keyring
    key = keyring.active_key()
    if row.issuer_did.startswith("did:key:"):
        public = row.issuer_did[len("did:key:") :]
        key = keyring.key_for(public)
        method = f"{row.issuer_did}#{public}"
    else:
        method = f"{row.issuer_did}#{key.public_key_multibase}"
    now = datetime.now(UTC).replace(microsecond=0)
    document = build_status_list_credential(
        list_credential_id=instance.status_url(row.slug),
        issuer=row.issuer_did,
        status_list=StatusList.decode(row.encoded_list, row.purpose),  # type: ignore[arg-type]
        valid_from=now - timedelta(minutes=5),
        valid_until=now + timedelta(days=1),
    )
    return sign_credential(document, key, verification_method=method, created=now)


def default_workers() -> int:
    return os.cpu_count() or 1
