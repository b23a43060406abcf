"""The Annex I elements that neither OB 3.0 nor schema.org has a term for.

Every term is defined in the pinned microcred extension context, so independent verifiers
that expand in JSON-LD safe mode see no undefined term (docs/decisions/003).
"""

from __future__ import annotations

from typing import Any

from ..course import Course
from .common import description_of, en, urn

ANNEX_I_CONTEXT_URL = "https://w3id.org/microcred/contexts/annex-i/v1"


def annex_i_extension(course: Course) -> dict[str, Any]:
    spec = description_of(course)
    workload = spec.workload
    supervision = spec.supervision_and_identity_verification
    issuing = spec.date_of_issuing
    return {
        "id": urn(spec.uuid) + ":annex-i",
        "type": "AnnexIDescription",
        "learnerIdentification": list(spec.learner_identification.fields),
        "awardingBodyCountry": spec.awarding_body.country,
        "awardingBodyRegion": spec.awarding_body.region,
        "dateOfIssuing": issuing if isinstance(issuing, str) else issuing.isoformat(),
        "learningOutcomes": [
            {
                "id": urn(outcome.uuid),
                "type": "AnnexILearningOutcome",
                "outcomeCode": outcome.id,
                "outcomeType": outcome.type,
                "eqfLevel": outcome.eqf_level,
                "outcomeText": en(outcome.text),
                "escoSkill": [skill.uri for skill in outcome.esco_skills],
            }
            for outcome in spec.learning_outcomes
        ],
        "ectsCredits": workload.ects,
        "notionalHours": workload.total_hours,
        "theoreticalHours": workload.theoretical.hours,
        "practicalHours": workload.practical.hours,
        "eqfLevel": spec.level.eqf,
        "qfEheaCycle": spec.level.qf_ehea_cycle or "",
        "nqfLevel": spec.level.nqf,
        "assessmentType": en(spec.assessment.type),
        "formOfParticipation": spec.form_of_participation.mode,
        "paceOfParticipation": spec.form_of_participation.pace,
        "qualityAssurance": en(spec.quality_assurance.type),
        "qualityAssuranceBody": spec.quality_assurance.body,
        "prerequisites": [en(text) for text in spec.prerequisites],
        "supervision": supervision.supervision if supervision else "",
        "identityVerification": supervision.identity_verification if supervision else "",
        "gradeStated": spec.grade_achieved.stated if spec.grade_achieved else False,
        "stackability": en(spec.stackability.description) if spec.stackability else "",
        "furtherInformation": spec.further_information.url if spec.further_information else "",
        "provider": spec.provider.name,
        "languageOfInstruction": list(spec.language_of_instruction),
    }
