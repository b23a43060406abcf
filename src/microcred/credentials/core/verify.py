"""Verify a credential and explain the outcome check by check.

The verifier reads documents from strangers, so it never raises: every problem becomes a named
failed check with a message a learner or an employer can act on. Checks that cannot run because
an earlier one failed are reported as skipped, so the first real failure stands out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from microcred.credentials.core.dataintegrity import VerifiedProof, _verify_proof, verify_proof
from microcred.credentials.core.dates import parse_datetime
from microcred.credentials.core.did import VerificationMethodResolver
from microcred.credentials.core.errors import (
    CredentialError,
    DidResolutionError,
    InvalidJsonLdError,
    StatusListError,
    UnknownContextError,
)
from microcred.credentials.core.jsonld import canonical_nquads, pinned_context_urls
from microcred.credentials.core.rdfc import DEFAULT_WORK_LIMIT
from microcred.credentials.core.schema import validate_structure
from microcred.credentials.core.statuslist import StatusList, check_status, status_entries

__all__ = [
    "CHECK_NAMES",
    "Check",
    "CheckName",
    "CheckStatus",
    "VerificationReport",
    "verify_credential",
]

CheckName = Literal[
    "json", "schema", "contexts", "proof", "issuer_key", "validity_window", "status"
]
CHECK_NAMES: tuple[CheckName, ...] = (
    "json",
    "schema",
    "contexts",
    "proof",
    "issuer_key",
    "validity_window",
    "status",
)


class CheckStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Check:
    name: CheckName
    status: CheckStatus
    message: str

    @property
    def passed(self) -> bool:
        return self.status is CheckStatus.PASSED


@dataclass(frozen=True, slots=True)
class VerificationReport:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """True only when every check passed (a skipped check is not a pass)."""
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> tuple[CheckName, ...]:
        return tuple(c.name for c in self.checks if c.status is CheckStatus.FAILED)

    def __getitem__(self, name: CheckName) -> Check:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checks": [
                {"name": c.name, "status": c.status.value, "message": c.message}
                for c in self.checks
            ],
        }


class _Report:
    def __init__(self) -> None:
        self.checks: dict[CheckName, Check] = {}

    def put(self, name: CheckName, status: CheckStatus, message: str) -> None:
        self.checks[name] = Check(name, status, message)

    def passed(self, name: CheckName, message: str) -> None:
        self.put(name, CheckStatus.PASSED, message)

    def failed(self, name: CheckName, message: str) -> None:
        self.put(name, CheckStatus.FAILED, message)

    def run(self, name: CheckName, body: Callable[[], str]) -> bool:
        """Run one check; CredentialError and ValueError are expected failures."""
        try:
            self.passed(name, body())
        except (CredentialError, ValueError) as error:
            self.failed(name, str(error))
        except Exception as error:  # hostile input must not crash the verifier
            self.failed(name, f"could not be checked ({type(error).__name__}: {error})")
        return self.checks[name].passed

    def finish(self) -> VerificationReport:
        for name in CHECK_NAMES:
            if name not in self.checks:
                self.put(name, CheckStatus.SKIPPED, "not checked because an earlier check failed")
        return VerificationReport(tuple(self.checks[n] for n in CHECK_NAMES))


def _issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        value: str = issuer["id"]
        return value
    return None


def _parse_json(document: Any) -> dict[str, Any]:
    if isinstance(document, bytes | bytearray):
        try:
            document = document.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError("the credential is not UTF-8 text") from error
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"the credential is not valid JSON (line {error.lineno}, column {error.colno}: "
                f"{error.msg})"
            ) from error
    if not isinstance(document, dict):
        raise ValueError("the credential must be a JSON object")
    return document


def _check_contexts(document: Mapping[str, Any], canonical: list[str]) -> str:
    raw = document.get("@context")
    if raw is None:
        raise InvalidJsonLdError("the credential has no @context")
    pinned = pinned_context_urls()
    for item in raw if isinstance(raw, list) else [raw]:
        if isinstance(item, str) and item not in pinned:
            raise UnknownContextError(item)
    # Canonicalising runs the same safe-mode expansion; the result is reused by the proof check.
    canonical.append(canonical_nquads({k: v for k, v in document.items() if k != "proof"}))
    return "every context is a known, pinned one and every term is defined by them"


def _check_validity(document: Mapping[str, Any], now: datetime) -> str:
    start_raw = document.get("validFrom", document.get("issuanceDate"))
    end_raw = document.get("validUntil", document.get("expirationDate"))
    start = parse_datetime(start_raw) if start_raw is not None else None
    end = parse_datetime(end_raw) if end_raw is not None else None
    if start is not None and now < start:
        raise ValueError(f"the credential is not valid yet: it becomes valid on {start_raw}")
    if end is not None and now > end:
        raise ValueError(f"the credential has expired: it was valid until {end_raw}")
    if start is None and end is None:
        return "the credential sets no validity period"
    return "the credential is within its validity period"


class _StatusChecker:
    def __init__(
        self,
        document: Mapping[str, Any],
        resolver: VerificationMethodResolver,
        status_lists: Mapping[str, StatusList | Mapping[str, Any]] | None,
        now: datetime,
    ) -> None:
        self.document = document
        self.resolver = resolver
        self.status_lists = status_lists or {}
        self.now = now

    def _trusted_list(self, url: str) -> StatusList | Mapping[str, Any]:
        found = self.status_lists.get(url)
        if found is None:
            raise StatusListError(
                f"the status of this credential could not be checked: status list {url!r} "
                "was not supplied"
            )
        if isinstance(found, StatusList):
            return found  # the caller already trusts it (e.g. our own database)
        if found.get("id") not in (None, url):
            raise StatusListError(
                f"the status list supplied for {url!r} has id {found.get('id')!r}"
            )
        try:
            proof = verify_proof(found, self.resolver)
        except CredentialError as error:
            raise StatusListError(f"the status list {url!r} is not trustworthy: {error}") from error
        if proof.verification_method.controller != _issuer_id(self.document):
            raise StatusListError(f"the status list {url!r} was not signed by the issuer")
        try:
            _check_validity(found, self.now)
        except ValueError as error:
            raise StatusListError(f"the status list {url!r} is out of date: {error}") from error
        return found

    def __call__(self) -> str:
        entries = status_entries(self.document)
        if not entries:
            if self.document.get("credentialStatus") is not None:
                raise StatusListError(
                    "the credential uses a status method this verifier cannot read"
                )
            return "the credential has no status entry"
        for entry in entries:
            url = entry.get("statusListCredential")
            if not isinstance(url, str):
                raise StatusListError("a status entry names no statusListCredential")
            result = check_status(entry, self._trusted_list(url))
            if result.is_set:
                if result.purpose == "revocation":
                    raise StatusListError("the issuer has revoked this credential")
                raise StatusListError("the issuer has suspended this credential")
        return "the credential is neither revoked nor suspended"


def verify_credential(
    document: Any,
    *,
    resolver: VerificationMethodResolver,
    status_lists: Mapping[str, StatusList | Mapping[str, Any]] | None = None,
    now: datetime | None = None,
) -> VerificationReport:
    """Verify a credential given as JSON text, bytes, or a parsed object.

    ``status_lists`` maps ``statusListCredential`` URLs to a ``StatusList`` the caller already
    trusts or to a signed ``BitstringStatusListCredential`` (checked here: its proof, its
    issuer and its validity). A credential with a status entry whose list is not supplied fails
    the ``status`` check: "could not check" must never read as "not revoked".
    """
    report = _Report()
    moment = now if now is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    parsed: dict[str, Any] = {}

    def parse() -> str:
        parsed.update(_parse_json(document))
        return "the credential is a JSON object"

    if not report.run("json", parse):
        return report.finish()
    report.run("schema", lambda: validate_structure(parsed))
    canonical: list[str] = []
    contexts_ok = report.run("contexts", lambda: _check_contexts(parsed, canonical))
    verified: list[VerifiedProof] = []
    if contexts_ok:
        try:
            verified.append(
                _verify_proof(parsed, resolver, "assertionMethod", DEFAULT_WORK_LIMIT, canonical[0])
            )
            report.passed("proof", "the signature is valid and covers the whole credential")
        except DidResolutionError as error:
            report.failed("issuer_key", str(error))
        except CredentialError as error:
            report.failed("proof", str(error))
        except Exception as error:  # hostile input must not crash the verifier
            report.failed("proof", f"could not be checked ({type(error).__name__}: {error})")

    if verified:
        method = verified[0].verification_method

        def issuer_key() -> str:
            issuer = _issuer_id(parsed)
            if method.controller != issuer:
                raise DidResolutionError(
                    f"the credential was signed with a key of {method.controller!r}, "
                    f"not of its issuer {issuer!r}"
                )
            return f"signed with {method.id}, a key its issuer authorised for assertions"

        report.run("issuer_key", issuer_key)
    report.run("validity_window", lambda: _check_validity(parsed, moment))
    report.run("status", _StatusChecker(parsed, resolver, status_lists, moment))
    return report.finish()
