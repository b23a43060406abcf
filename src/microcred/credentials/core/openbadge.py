"""Render a ``CredentialRecord`` as an Open Badges 3.0 ``OpenBadgeCredential`` (unsigned).

Shape (VC Data Model 2.0, OB 3.0.3 and the microcred Annex I extension context):

* ``issuer``: an OB ``Profile`` whose ``id`` is the issuer DID;
* ``credentialSubject``: an ``AchievementSubject`` identifying the learner by name and a
  salted SHA-256 of the e-mail address (OB ``IdentityObject``), embedding the course's
  ``Achievement`` (the curriculum exporter's, so the course page and the badge agree), one
  ``Result`` per component with a stated score plus the final grade (each pointing at the
  Achievement's ``ResultDescription``), the evidenced ESCO skills as ``alignment`` of the
  final-grade result, ``creditsEarned`` and the supervision/identity-verification level;
* ``evidence``: one OB ``Evidence`` per graded submission, carrying score, date, the outcomes
  it evidences and the SHA-256 of the submission in extension terms.

Every term is defined by the pinned contexts, so the document expands in JSON-LD safe mode
and validates against the 1EdTech AchievementCredential JSON Schema.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from microcred.credentials.core.achievement import (
    OB3_CONTEXTS,
    achievement_for,
    final_grade_result_id,
    portable_numbers,
    result_description_id,
)
from microcred.credentials.core.dates import format_datetime
from microcred.credentials.core.issuer import IssuerProfile
from microcred.credentials.core.record import CredentialRecord, SkillClaim
from microcred.curriculum.spec.exporters.common import prune, urn
from microcred.curriculum.spec.model import Microcredential

__all__ = ["OPENBADGE_TYPES", "email_identity", "issuer_profile", "percent", "to_openbadge"]

OPENBADGE_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
_KIND_GENRE = {
    "labs": "Auto-graded programming assignment",
    "capstone": "Capstone project",
    "exam": "Examination",
    "quizzes": "Graded quiz",
}


def percent(value: float) -> str:
    """A percentage as OB result values are written: a decimal string without noise."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def email_identity(email: str, salt: str) -> dict[str, Any]:
    """OB ``IdentityObject`` for an e-mail: ``sha256$hex(email + salt)``, never the address."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "salt": salt,
    }


def issuer_profile(issuer: IssuerProfile) -> dict[str, Any]:
    address: dict[str, Any] = {
        "type": ["Address"],
        "addressCountryCode": issuer.country,
        "addressRegion": issuer.region,
        "streetAddress": issuer.address,
    }
    profile: dict[str, Any] = {
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
        "address": address if issuer.country else {},
        "otherIdentifier": [
            {
                "type": "IdentifierEntry",
                "identifier": issuer.legal_identifier,
                "identifierType": "identifier",
            }
        ]
        if issuer.legal_identifier
        else [],
    }
    result: dict[str, Any] = prune(profile)
    return result


def _alignment(skill: SkillClaim) -> dict[str, Any]:
    return {
        "type": ["Alignment"],
        "targetName": skill.label,
        "targetUrl": skill.uri,
        "targetType": "ceasn:Competency",
        "targetFramework": "ESCO",
        "targetCode": skill.uri.rsplit("/", 1)[-1],
    }


def _results(record: CredentialRecord) -> list[dict[str, Any]]:
    spec = record.description
    results: list[dict[str, Any]] = [
        {
            "type": ["Result"],
            "resultDescription": result_description_id(spec, result.component_id),
            "value": percent(result.percent),
        }
        for result in record.component_results
        if result.percent is not None
    ]
    final: dict[str, Any] = {
        "type": ["Result"],
        "resultDescription": final_grade_result_id(spec),
        "value": percent(record.final_grade),
        "status": "Completed",
    }
    if record.skills:
        final["alignment"] = [_alignment(skill) for skill in record.skills]
    results.append(final)
    return results


def _evidence(record: CredentialRecord) -> list[dict[str, Any]]:
    spec = record.description
    components = {c.id: c for c in spec.assessment.components}
    outcomes = {o.id: o for o in spec.learning_outcomes}
    items: list[dict[str, Any]] = []
    for item in record.evidence:
        component = components[item.component_id]
        narrative = (
            f"{item.title}: {percent(item.score_percent)} % on {item.assessed_on.isoformat()}"
        )
        if item.submission_sha256:
            narrative += f"; submission SHA-256 {item.submission_sha256}"
        items.append(
            {
                "type": ["Evidence"],
                "name": item.title,
                "genre": _KIND_GENRE[component.kind],
                "narrative": narrative,
                "assessmentId": item.assessment,
                "assessedComponent": urn(component.uuid),
                "assessmentScore": percent(item.score_percent),
                "assessmentDate": item.assessed_on.isoformat(),
                "submissionSha256": item.submission_sha256 or "",
                "evidencesOutcome": [urn(outcomes[code].uuid) for code in item.outcomes],
            }
        )
    return items


_ACHIEVEMENTS: dict[int, tuple[Microcredential, str]] = {}
# Stands in for the Achievement while the rest of a credential is pruned (see to_openbadge).
_ACHIEVEMENT_SLOT = "\x00achievement"


def _achievement(spec: Microcredential) -> dict[str, Any]:
    """The pruned, portable Achievement of ``spec``, rendered once per description object.

    A cohort shares it, so it is kept as JSON text: parsing gives each credential its own
    copy several times faster than ``copy.deepcopy`` would.
    """
    found = _ACHIEVEMENTS.get(id(spec))
    if found is None or found[0] is not spec:
        if len(_ACHIEVEMENTS) > 32:
            _ACHIEVEMENTS.clear()
        rendered = portable_numbers(prune(achievement_for(spec)))
        found = (spec, json.dumps(rendered, ensure_ascii=False))
        _ACHIEVEMENTS[id(spec)] = found
    achievement: dict[str, Any] = json.loads(found[1])
    return achievement


def to_openbadge(
    record: CredentialRecord,
    issuer: IssuerProfile,
    *,
    credential_status: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The unsigned ``OpenBadgeCredential`` of ``record`` (sign it with ``sign_credential``)."""
    spec = record.description
    learner = record.learner
    identifiers: list[dict[str, Any]] = [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": learner.name,
        },
        email_identity(learner.email, record.credential_id.hex),
    ]
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": identifiers,
        "achievement": _ACHIEVEMENT_SLOT,  # already pruned and portable: filled in below
        "result": _results(record),
        "creditsEarned": spec.workload.ects,
        "supervision": record.supervision,
        "identityVerification": record.identity_verification,
    }
    credential: dict[str, Any] = {
        "@context": list(OB3_CONTEXTS),
        "id": record.credential_urn,
        "type": list(OPENBADGE_TYPES),
        "name": spec.title.get("en") or next(iter(spec.title.values())),
        "issuer": issuer_profile(issuer),
        "validFrom": format_datetime(record.issued_at),
        "awardedDate": format_datetime(record.issued_at),
        "credentialSubject": subject,
        "evidence": _evidence(record),
    }
    if record.valid_until is not None:
        credential["validUntil"] = format_datetime(record.valid_until)
    if credential_status is not None:
        credential["credentialStatus"] = dict(credential_status)
    result: dict[str, Any] = portable_numbers(prune(credential))
    # prune and portable_numbers act on each value separately, so doing them once for the
    # shared Achievement gives the same document as doing them on every credential.
    result["credentialSubject"]["achievement"] = _achievement(spec)
    return result
