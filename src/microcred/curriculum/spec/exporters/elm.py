"""The course as a European Learning Model (ELM v3) learning opportunity and qualification.

Concept URIs come from the EU controlled vocabularies used by the official ELM samples; the
document uses the pinned EDC application-profile context so Europass tooling reads it.
"""

from __future__ import annotations

from typing import Any

from ..course import Course
from ..model import Microcredential
from .common import description_of, language_map, prune, urn

EDC_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"

# EU Vocabularies: Languages authority table (three-letter codes).
EU_LANGUAGE = {
    "en": "ENG",
    "fr": "FRA",
    "de": "DEU",
    "el": "ELL",
    "ro": "RON",
    "it": "ITA",
    "es": "SPA",
    "pt": "POR",
    "nl": "NLD",
    "pl": "POL",
    "bg": "BUL",
    "cs": "CES",
    "da": "DAN",
    "et": "EST",
    "fi": "FIN",
    "ga": "GLE",
    "hr": "HRV",
    "hu": "HUN",
    "lt": "LIT",
    "lv": "LAV",
    "mt": "MLT",
    "sk": "SLK",
    "sl": "SLV",
    "sv": "SWE",
}
EU_COUNTRY = {
    "IE": "IRL",
    "FR": "FRA",
    "DE": "DEU",
    "GR": "GRC",
    "RO": "ROU",
    "IT": "ITA",
    "ES": "ESP",
    "PT": "PRT",
    "NL": "NLD",
    "BE": "BEL",
    "AT": "AUT",
    "PL": "POL",
    "BG": "BGR",
    "CY": "CYP",
    "CZ": "CZE",
    "DK": "DNK",
    "EE": "EST",
    "FI": "FIN",
    "HR": "HRV",
    "HU": "HUN",
    "LT": "LTU",
    "LU": "LUX",
    "LV": "LVA",
    "MT": "MLT",
    "SE": "SWE",
    "SI": "SVN",
    "SK": "SVK",
}
# Europass "mode of learning and assessment" scheme.
MODE = {"online": "920fbb3cbe", "onsite": "9191af2ed9", "blended": "e92d221e4d"}
MODE_LABEL = {"online": "Online", "onsite": "Presential", "blended": "Blended"}
ECTS_FRAMEWORK = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
SHORT_LEARNING_PROGRAMME = "http://data.europa.eu/snb/learning-opportunity/74a4a268e8"


def concept(uri: str, scheme: str, label: str, notation: str = "") -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": uri,
        "type": "Concept",
        "inScheme": {"id": scheme, "type": "ConceptScheme"},
        "prefLabel": {"en": label},
    }
    if notation:
        node["notation"] = notation
    return node


def language_concept(code: str) -> dict[str, Any]:
    eu = EU_LANGUAGE.get(code, code.upper())
    base = "http://publications.europa.eu/resource/authority/language"
    return concept(f"{base}/{eu}", base, code, "language")


def _organisation(spec: Microcredential) -> dict[str, Any]:
    body = spec.awarding_body
    country_base = "http://publications.europa.eu/resource/authority/country"
    country = EU_COUNTRY.get(body.country, body.country)
    return {
        "id": urn(spec.uuid) + ":awarding-body",
        "type": "Organisation",
        "legalName": {"en": body.name},
        "location": {
            "id": urn(spec.uuid) + ":awarding-body-location",
            "type": "Location",
            "address": {
                "id": urn(spec.uuid) + ":awarding-body-address",
                "type": "Address",
                "countryCode": concept(
                    f"{country_base}/{country}", country_base, body.country, "country"
                ),
                "fullAddress": {
                    "id": urn(spec.uuid) + ":awarding-body-full-address",
                    "type": "Note",
                    "noteLiteral": {"en": body.address},
                },
            },
        },
        "homepage": {
            "id": urn(spec.uuid) + ":awarding-body-homepage",
            "type": "WebResource",
            "contentURL": body.website,
        },
    }


def export_elm(course: Course) -> dict[str, Any]:
    spec = description_of(course)
    eqf = f"http://data.europa.eu/snb/eqf/{spec.level.eqf}"
    mode = spec.form_of_participation.mode
    qualification = {
        "id": urn(spec.uuid) + ":qualification",
        "type": "Qualification",
        "title": language_map(spec.title),
        "description": language_map(spec.objectives),
        "eqfLevel": concept(
            eqf, "http://data.europa.eu/snb/eqf/25831c2", f"Level {spec.level.eqf}"
        ),
        "creditPoint": [
            {
                "id": urn(spec.uuid) + ":ects",
                "type": "CreditPoint",
                "framework": concept(
                    ECTS_FRAMEWORK,
                    "http://data.europa.eu/snb/education-credit/25831c2",
                    "European Credit Transfer and Accumulation System",
                ),
                "point": f"{spec.workload.ects:g}",
            }
        ],
        "volumeOfLearning": f"PT{spec.workload.total_hours:g}H",
        "entryRequirement": {
            "id": urn(spec.uuid) + ":entry-requirement",
            "type": "Note",
            "noteLiteral": language_map(spec.admission.description),
        }
        if language_map(spec.admission.description)
        else None,
        "isPartialQualification": False,
        "language": [language_concept(code) for code in spec.language_of_instruction],
        "mode": [
            concept(
                f"http://data.europa.eu/snb/learning-assessment/{MODE[mode]}",
                "http://data.europa.eu/snb/learning-assessment/25831c2",
                MODE_LABEL[mode],
            )
        ],
        "dcType": concept(
            SHORT_LEARNING_PROGRAMME,
            "http://data.europa.eu/snb/learning-opportunity/25831c2",
            "Short learning programme",
        ),
        "learningOutcome": [
            {
                "id": urn(outcome.uuid),
                "type": "LearningOutcome",
                "title": language_map(outcome.text),
                "relatedESCOSkill": [
                    {
                        "id": skill.uri,
                        "type": "Concept",
                        "inScheme": {
                            "id": "http://data.europa.eu/esco/concept-scheme/skills",
                            "type": "ConceptScheme",
                        },
                        "prefLabel": {"en": skill.label},
                    }
                    for skill in outcome.esco_skills
                ],
            }
            for outcome in spec.learning_outcomes
        ],
    }
    opportunity = {
        "@context": [{"id": "@id", "type": "@type"}, EDC_CONTEXT],
        "id": urn(spec.uuid) + ":learning-opportunity",
        "type": "LearningOpportunity",
        "title": language_map(spec.title),
        "description": language_map(spec.objectives),
        "providedBy": _organisation(spec),
        "learningAchievementSpecification": qualification,
        "temporal": {
            "id": urn(spec.uuid) + ":period",
            "type": "PeriodOfTime",
            "startDate": f"{spec.offering.start_date.isoformat()}T00:00:00Z",
            "endDate": f"{spec.offering.end_date.isoformat()}T23:59:59Z",
        },
        "homepage": [
            {
                "id": urn(spec.uuid) + ":homepage",
                "type": "WebResource",
                "contentURL": spec.further_information.url,
            }
        ]
        if spec.further_information and spec.further_information.url
        else [],
    }
    result: dict[str, Any] = prune(opportunity)
    return result
