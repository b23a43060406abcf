"""The course as an Open Badges 3.0 `Achievement` (achievementType MicroCredential).

The Achievement is what every credential of this course points to; the Annex I elements
that OB 3.0 has no term for travel in the `annexI` extension object, whose terms are defined
by the microcred extension context pinned in `microcred/specdata/contexts`.
"""

from __future__ import annotations

from typing import Any

from ..course import Course
from .annex import ANNEX_I_CONTEXT_URL, annex_i_extension
from .common import criteria_narrative, description_of, en, esco_skills, prune, urn

OB3_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ANNEX_I_CONTEXT_URL,
]


def export_ob3_achievement(course: Course) -> dict[str, Any]:
    spec = description_of(course)
    body = spec.awarding_body
    result_descriptions = [
        {
            "id": urn(component.uuid),
            "type": ["ResultDescription"],
            "name": f"{en(component.title)} ({component.weight:g} %)",
            "resultType": "Percent",
            "valueMin": "0",
            "valueMax": "100",
        }
        for component in spec.assessment.components
    ]
    result_descriptions.append(
        {
            "id": urn(spec.uuid) + ":final-grade",
            "type": ["ResultDescription"],
            "name": "Final weighted grade",
            "resultType": "Percent",
            "valueMin": "0",
            "valueMax": "100",
            "requiredValue": f"{spec.assessment.pass_rule.minimum_total_percent:g}",
        }
    )
    achievement = {
        "@context": OB3_CONTEXTS,
        "id": urn(spec.uuid),
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": en(spec.title),
        "description": en(spec.objectives),
        "criteria": {"narrative": criteria_narrative(course)},
        "creditsAvailable": spec.workload.ects,
        "humanCode": spec.id,
        "inLanguage": spec.language_of_instruction[0],
        "fieldOfStudy": ", ".join(spec.admission.fields_of_study),
        "creator": {
            "id": body.website or urn(spec.uuid) + ":awarding-body",
            "type": ["Profile"],
            "name": body.name,
            "url": body.website,
            "email": body.email,
        },
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": label,
                "targetUrl": uri,
                "targetType": "ceasn:Competency",
                "targetFramework": "ESCO",
                "targetCode": uri.rsplit("/", 1)[-1],
            }
            for uri, label in esco_skills(course)
        ],
        "resultDescription": result_descriptions,
        "tag": ["microcredential", f"EQF {spec.level.eqf}", f"{spec.workload.ects:g} ECTS"],
        "annexI": annex_i_extension(course),
    }
    result: dict[str, Any] = prune(achievement)
    return result
