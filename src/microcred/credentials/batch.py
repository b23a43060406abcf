"""Sign a cohort's credentials on every core (no Django here: workers only compute and write).

The parent process decides everything that needs the database (credential ids, status list
indexes, which learners already hold a credential) and hands workers plain jobs; each worker
builds the record, renders the Open Badge (and optionally the ELM credential), signs it with
a ``SharedPartSigner`` (the course's Achievement, the issuer profile and the skill
alignments are expanded once per worker instead of once per credential), writes the files
itself when given an output folder, and sends back the documents as compact JSON text, which
the parent stores without parsing it again.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

from microcred.credentials.core.batchsign import SharedPartSigner
from microcred.credentials.core.elm import to_elm
from microcred.credentials.core.issuer import IssuerProfile
from microcred.credentials.core.keys import IssuerKey
from microcred.credentials.core.openbadge import to_openbadge
from microcred.credentials.core.record import CourseFacts, CredentialRecord, Learner
from microcred.credentials.core.statuslist import StatusPurpose, build_status_entry

__all__ = [
    "BatchJob",
    "LearnerRow",
    "Progress",
    "SignedCredential",
    "read_learners_csv",
    "sign_jobs",
    "write_files",
]


class LearnersFileError(ValueError):
    """The learners CSV is malformed (the message names the line)."""


@dataclass(frozen=True, slots=True)
class LearnerRow:
    learner: Learner
    grade: float
    component_percents: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BatchJob:
    credential_id: UUID
    row: LearnerRow
    status_index: int


@dataclass(frozen=True, slots=True)
class SignedCredential:
    """A signed credential as the worker produced it; the documents are compact JSON text."""

    credential_id: UUID
    row: LearnerRow
    status_index: int
    openbadge_json: str
    elm_json: str | None
    error: str = ""

    @property
    def openbadge(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.openbadge_json)
        return document

    @property
    def elm(self) -> dict[str, Any] | None:
        return None if self.elm_json is None else dict(json.loads(self.elm_json))


def read_learners_csv(handle: TextIO, component_ids: Iterable[str]) -> list[LearnerRow]:
    """Rows with ``name``, ``email``, ``grade`` and optional ``date_of_birth``, ``given_name``,
    ``family_name`` and one column per assessment component id (its percentage)."""
    reader = csv.DictReader(handle)
    fields = set(reader.fieldnames or [])
    missing = {"name", "email", "grade"} - fields
    if missing:
        raise LearnersFileError(f"the CSV header lacks: {', '.join(sorted(missing))}")
    components = [c for c in component_ids if c in fields]
    rows: list[LearnerRow] = []
    for line, raw in enumerate(reader, start=2):
        try:
            born = (raw.get("date_of_birth") or "").strip()
            learner = Learner(
                name=raw["name"].strip(),
                email=raw["email"].strip(),
                date_of_birth=date.fromisoformat(born) if born else None,
                given_name=(raw.get("given_name") or "").strip(),
                family_name=(raw.get("family_name") or "").strip(),
            )
            percents = {c: float(raw[c]) for c in components if (raw.get(c) or "").strip()}
            rows.append(LearnerRow(learner, float(raw["grade"]), percents))
        except (ValueError, AttributeError) as error:
            raise LearnersFileError(f"line {line}: {error}") from error
    return rows


# -- worker side ---------------------------------------------------------------------------

_state: dict[str, Any] = {}


def _init(
    seed: bytes,
    issuer: IssuerProfile,
    facts: CourseFacts,
    status_url: str,
    purpose: StatusPurpose,
    issued_at: datetime,
    with_elm: bool,
    out_dir: Path | None,
) -> None:
    key = IssuerKey.from_seed(seed)
    _state.update(
        signer=SharedPartSigner(key, issuer.verification_method),
        issuer=issuer,
        facts=facts,
        status_url=status_url,
        purpose=purpose,
        issued_at=issued_at,
        with_elm=with_elm,
        out_dir=out_dir,
    )


def _sign(job: BatchJob) -> SignedCredential:
    signer: SharedPartSigner = _state["signer"]
    issuer: IssuerProfile = _state["issuer"]
    facts: CourseFacts = _state["facts"]
    out_dir: Path | None = _state["out_dir"]
    try:
        record: CredentialRecord = facts.record(
            job.row.learner,
            job.row.grade,
            component_percents=job.row.component_percents,
            credential_id=job.credential_id,
            issued_at=_state["issued_at"],
        )
        entry = build_status_entry(_state["status_url"], job.status_index, _state["purpose"])
        created = record.issued_at
        badge = signer.sign(to_openbadge(record, issuer, credential_status=entry), created=created)
        elm = signer.sign(to_elm(record, issuer), created=created) if _state["with_elm"] else None
        badge_json = compact(badge)
        elm_json = None if elm is None else compact(elm)
        if out_dir is not None:
            write_files(out_dir, job.credential_id, badge_json, elm_json)
    except Exception as error:  # one bad row must not sink the cohort; it is reported
        return SignedCredential(job.credential_id, job.row, job.status_index, "", None, str(error))
    return SignedCredential(job.credential_id, job.row, job.status_index, badge_json, elm_json)


def _sign_chunk(jobs: Sequence[BatchJob]) -> list[SignedCredential]:
    return [_sign(job) for job in jobs]


Progress = Callable[[int, int], None]


def sign_jobs(
    jobs: Sequence[BatchJob],
    *,
    key: IssuerKey,
    issuer: IssuerProfile,
    facts: CourseFacts,
    status_url: str,
    purpose: StatusPurpose,
    issued_at: datetime,
    with_elm: bool = False,
    out_dir: Path | None = None,
    workers: int | None = None,
    chunk: int = 50,
    progress: Progress | None = None,
) -> Iterator[SignedCredential]:
    """Sign ``jobs`` on ``workers`` processes (default: every core), yielding as they finish.

    With ``out_dir`` each worker also writes ``<uuid>.json`` (and ``<uuid>.elm.json``) there.
    """
    count = workers or os.cpu_count() or 1
    args = (key.seed, issuer, facts, status_url, purpose, issued_at, with_elm, out_dir)
    chunks = [jobs[i : i + chunk] for i in range(0, len(jobs), chunk)]
    done = 0
    if count <= 1 or len(jobs) <= chunk:
        _init(*args)
        for part in chunks:
            results = _sign_chunk(part)
            done += len(results)
            if progress:
                progress(done, len(jobs))
            yield from results
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(count, initializer=_init, initargs=args) as pool:
        for results in pool.imap(_sign_chunk, chunks):
            done += len(results)
            if progress:
                progress(done, len(jobs))
            yield from results


class ProgressBar:
    """A one-line progress bar on stderr (only redrawn a few times a second)."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self._stream = stream or sys.stderr
        self._width = width
        self._started = time.perf_counter()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done < total and now - self._last < 0.2:
            return
        self._last = now
        elapsed = max(now - self._started, 1e-9)
        rate = done / elapsed
        filled = int(self._width * done / max(total, 1))
        eta = (total - done) / rate if rate else 0
        self._stream.write(
            f"\r[{'#' * filled}{'.' * (self._width - filled)}] {done}/{total} "
            f"{rate:,.0f}/s ETA {eta:,.0f}s "
        )
        if done >= total:
            self._stream.write(f"\n{total} credential(s) signed in {elapsed:.1f} s\n")
        self._stream.flush()


def dumps(document: dict[str, Any]) -> str:
    """Indented JSON, as ``issue --out`` writes one credential for people to read."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def compact(document: dict[str, Any]) -> str:
    """One-line JSON, as ``issue-batch`` writes a cohort (Python's C encoder does not indent,
    and indenting would cost a fifth of the signing time)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def write_files(out_dir: Path, credential_id: UUID, badge_json: str, elm_json: str | None) -> None:
    """``<uuid>.json`` (and ``<uuid>.elm.json``) in ``out_dir``."""
    (out_dir / f"{credential_id}.json").write_text(badge_json + "\n", "utf-8")
    if elm_json is not None:
        (out_dir / f"{credential_id}.elm.json").write_text(elm_json + "\n", "utf-8")


def to_csv(rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()
