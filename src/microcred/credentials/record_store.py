"""Rebuild the ``CredentialRecord`` of an issued credential from its row and signed badge.

The signed Open Badge is the authoritative copy of what was awarded; the PDF and other
human outputs are rendered from the record it describes, never from mutable course data.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from microcred.credentials import models as m
from microcred.credentials.core.achievement import final_grade_result_id
from microcred.credentials.core.dates import parse_datetime
from microcred.credentials.core.record import (
    ComponentResult,
    CredentialRecord,
    Evidence,
    Learner,
    SkillClaim,
)
from microcred.curriculum.spec.exporters.common import urn
from microcred.curriculum.spec.model import Microcredential


def record_of(row: m.IssuedCredential) -> CredentialRecord:
    badge: dict[str, Any] = row.openbadge
    achievement = badge["credentialSubject"]["achievement"]
    description = Microcredential.model_validate(row.programme.description)
    subject = badge["credentialSubject"]
    by_id = {urn(c.uuid): c.id for c in description.assessment.components}
    outcome_codes = {urn(o.uuid): o.id for o in description.learning_outcomes}
    scores = {
        by_id[r["resultDescription"]]: float(r["value"])
        for r in subject.get("result", [])
        if r.get("resultDescription") in by_id
    }
    final = next(
        (
            r
            for r in subject.get("result", [])
            if r.get("resultDescription") == final_grade_result_id(description)
        ),
        {},
    )
    skills = {skill.uri: skill for o in description.learning_outcomes for skill in o.esco_skills}
    claimed = [a["targetUrl"] for a in final.get("alignment", [])]
    owners: dict[str, list[str]] = {}
    for outcome in description.learning_outcomes:
        for skill in outcome.esco_skills:
            owners.setdefault(skill.uri, []).append(outcome.id)
    evidence = tuple(
        Evidence(
            assessment=str(item.get("assessmentId", item.get("name", ""))),
            title=str(item.get("name", "")),
            component_id=by_id.get(str(item.get("assessedComponent")), ""),
            score_percent=float(item.get("assessmentScore", 0)),
            assessed_on=date.fromisoformat(str(item.get("assessmentDate"))),
            submission_sha256=item.get("submissionSha256"),
            outcomes=tuple(outcome_codes[o] for o in item.get("evidencesOutcome", [])),
        )
        for item in badge.get("evidence", [])
    )
    del achievement  # the description of the programme row is the same Achievement
    return CredentialRecord(
        credential_id=row.uuid,
        learner=Learner(row.learner_name, row.learner_email),
        description=description,
        final_grade=float(row.final_grade),
        component_results=tuple(
            ComponentResult(c.id, scores.get(c.id), tuple(owners_of(c.id, evidence, description)))
            for c in description.assessment.components
        ),
        evidence=evidence,
        skills=tuple(
            SkillClaim(uri, skills[uri].label, tuple(owners.get(uri, ())))
            for uri in claimed
            if uri in skills
        ),
        issued_at=parse_datetime(badge["validFrom"]),
        supervision=subject.get("supervision", "none"),
        identity_verification=subject.get("identityVerification", "none"),
    )


def owners_of(
    component_id: str, evidence: tuple[Evidence, ...], description: Microcredential
) -> list[str]:
    """Outcomes a component is recorded as assessing: every outcome (the badge was issued, so
    the record's own checks passed when it was built)."""
    return [o.id for o in description.learning_outcomes]
