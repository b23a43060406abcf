"""The course as a schema.org `Course` with an `EducationalOccupationalCredential`.

This is what search engines and course catalogues read (Google's Course rich results).
"""

from __future__ import annotations

from typing import Any

from ..course import Course
from .common import description_of, en, esco_skills, language_map, prune, urn

MODE = {"online": "online", "onsite": "onsite", "blended": "blended"}


def export_schemaorg(course: Course) -> dict[str, Any]:
    spec = description_of(course)
    body = spec.awarding_body
    organisation = {
        "@type": "CollegeOrUniversity",
        "name": body.name,
        "url": body.website,
        "email": body.email,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": body.address,
            "addressRegion": body.region,
            "addressCountry": body.country,
        },
    }
    document = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": urn(spec.uuid),
        "identifier": spec.id,
        "name": en(spec.title),
        "alternateName": [v for k, v in language_map(spec.title).items() if k != "en"],
        "description": en(spec.objectives),
        "provider": {**organisation, "name": spec.provider.name, "department": spec.provider.unit},
        "inLanguage": list(spec.language_of_instruction),
        "availableLanguage": [*spec.language_of_instruction, *spec.translations],
        "educationalLevel": f"EQF level {spec.level.eqf}",
        "numberOfCredits": {
            "@type": "StructuredValue",
            "value": spec.workload.ects,
            "unitText": "ECTS",
        },
        "timeRequired": f"PT{spec.workload.total_hours:g}H",
        "coursePrerequisites": [en(text) for text in spec.prerequisites],
        "teaches": [en(outcome.text) for outcome in spec.learning_outcomes],
        "about": [
            {
                "@type": "DefinedTerm",
                "@id": uri,
                "name": label,
                "inDefinedTermSet": "http://data.europa.eu/esco/skill",
            }
            for uri, label in esco_skills(course)
        ],
        "syllabusSections": [
            {
                "@type": "Syllabus",
                "name": en(module.spec.title),
                "description": en(module.spec.summary),
                "timeRequired": f"PT{module.spec.hours:g}H",
            }
            for module in course.modules
        ],
        "hasCourseInstance": {
            "@type": "CourseInstance",
            "courseMode": MODE[spec.form_of_participation.mode],
            "courseSchedule": {
                "@type": "Schedule",
                "repeatFrequency": spec.form_of_participation.pace,
            },
            "startDate": spec.offering.start_date.isoformat(),
            "endDate": spec.offering.end_date.isoformat(),
            "courseWorkload": f"PT{spec.workload.total_hours:g}H",
            "instructor": [
                {"@type": "Person", "name": t.name, "jobTitle": en(t.role)} for t in spec.trainers
            ],
        },
        "educationalCredentialAwarded": {
            "@type": "EducationalOccupationalCredential",
            "name": en(spec.title),
            "credentialCategory": "Micro-credential",
            "educationalLevel": f"EQF level {spec.level.eqf}",
            "recognizedBy": organisation,
        },
    }
    result: dict[str, Any] = prune(document)
    return result
