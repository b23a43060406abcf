"""Render a ``CredentialRecord`` as a European Digital Credential (ELM v3 / EDC, unsigned).

The document follows the EDC application profile (VC 1.1 + the pinned EDC context) and the
official micro-credential sample shipped in ``microcred/specdata/elm``: a ``Person`` subject
with a ``LearningAchievement`` claim that is

* ``specifiedBy`` the course's ``Qualification`` (ECTS ``creditPoint``, ``eqfLevel``,
  ``learningOutcome`` with ``relatedESCOSkill``, ``mode``, ``entryRequirement``: the
  curriculum exporter's, so the course page and the credential agree) plus the quality
  assurance as an ``Accreditation``;
* ``provenBy`` one ``LearningAssessment`` per assessment component and one for the final
  grade, each with its ``grade`` and ``idVerification`` (supervision and identity check);
  graded submissions are ``hasPart`` assessments whose ``identifier`` is the SHA-256 of the
  submission;
* ``awardedBy`` an ``AwardingProcess`` of the awarding body, with ``creditReceived``.

The issuer is an ``Organisation`` whose id is the issuer DID, with its legal identifier as
``eIDASIdentifier`` (the EDC shapes require one). EDC's shapes type ``credentialStatus`` as a
plain URI, which a Bitstring Status List entry is not, so revocation status travels in the
Open Badges credential of the same record and on the verification page.
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

from microcred.credentials.core.achievement import course_of, portable_numbers
from microcred.credentials.core.dates import format_datetime
from microcred.credentials.core.issuer import IssuerProfile
from microcred.credentials.core.openbadge import percent
from microcred.credentials.core.record import CredentialRecord
from microcred.curriculum.spec.exporters.common import language_map, prune, urn
from microcred.curriculum.spec.exporters.elm import (
    EDC_CONTEXT,
    EU_COUNTRY,
    MODE,
    MODE_LABEL,
    concept,
    export_elm,
    language_concept,
)
from microcred.curriculum.spec.model import Microcredential

__all__ = [
    "EDC_SCHEMA",
    "ELM_CONTEXTS",
    "SUPERVISION_VERIFICATION",
    "elm_credential_id",
    "to_elm",
]

ELM_CONTEXTS = ["https://www.w3.org/2018/credentials/v1", EDC_CONTEXT]
EDC_SCHEMA = "http://data.europa.eu/snb/model/ap/edc-generic-full"
_COUNTRY_SCHEME = "http://publications.europa.eu/resource/authority/country"
_GENERIC_PROFILE = "http://data.europa.eu/snb/credential/e34929035b"
_SV_SCHEME = "http://data.europa.eu/snb/supervision-verification/25831c2"
_MC_SV_SCHEME = "https://w3id.org/microcred/vocab/supervision-verification"
# Europass "supervision and verification" concepts. Only the two unsupervised ones are
# confirmed against official EDC material; supervised assessments use microcred concepts in
# our own scheme until the official codes are confirmed (docs/decisions/031).
SUPERVISION_VERIFICATION: dict[tuple[str, bool], tuple[str, str, str]] = {
    ("none", False): (
        "http://data.europa.eu/snb/supervision-verification/c598449d64",
        _SV_SCHEME,
        "Unsupervised without ID verification",
    ),
    ("none", True): (
        "http://data.europa.eu/snb/supervision-verification/df2880c5cb",
        _SV_SCHEME,
        "Unsupervised with ID verification",
    ),
    ("supervised-online", False): (
        f"{_MC_SV_SCHEME}#supervised-online-without-id-verification",
        _MC_SV_SCHEME,
        "Supervised online without ID verification",
    ),
    ("supervised-online", True): (
        f"{_MC_SV_SCHEME}#supervised-online-with-id-verification",
        _MC_SV_SCHEME,
        "Supervised online with ID verification",
    ),
    ("supervised-onsite", False): (
        f"{_MC_SV_SCHEME}#supervised-onsite-without-id-verification",
        _MC_SV_SCHEME,
        "Supervised on site without ID verification",
    ),
    ("supervised-onsite", True): (
        f"{_MC_SV_SCHEME}#supervised-onsite-with-id-verification",
        _MC_SV_SCHEME,
        "Supervised on site with ID verification",
    ),
}
# Europass accreditation types: programme quality assurance.
_ACCREDITATION_QA = "http://data.europa.eu/snb/accreditation/820101cba6"
_ACCREDITATION_SCHEME = "http://data.europa.eu/snb/accreditation/25831c2"
_BASE64 = "http://data.europa.eu/snb/encoding/6146cde7dd"
_PNG = "http://publications.europa.eu/resource/authority/file-type/PNG"


def elm_credential_id(record: CredentialRecord) -> str:
    """``urn:credential:<uuid>``: the same UUID as the Open Badge, in EDC's URN form."""
    return f"urn:credential:{record.credential_id}"


def _country(code: str) -> dict[str, Any]:
    eu = EU_COUNTRY.get(code, code)
    return concept(f"{_COUNTRY_SCHEME}/{eu}", _COUNTRY_SCHEME, code, "country")


def _organisation(issuer: IssuerProfile, node: str) -> dict[str, Any]:
    legal = {
        "id": f"{node}:legal-identifier",
        "type": "LegalIdentifier",
        "notation": issuer.legal_identifier or issuer.id,
        "spatial": _country(issuer.country),
    }
    organisation: dict[str, Any] = {
        "id": issuer.id,
        "type": "Organisation",
        "legalName": {"en": issuer.name},
        "altLabel": {"en": issuer.unit} if issuer.unit else {},
        "eIDASIdentifier": legal,
        "registration": legal,
        "location": {
            "id": f"{node}:location",
            "type": "Location",
            "address": {
                "id": f"{node}:address",
                "type": "Address",
                "countryCode": _country(issuer.country),
                "fullAddress": {
                    "id": f"{node}:full-address",
                    "type": "Note",
                    "noteLiteral": {"en": issuer.address},
                }
                if issuer.address
                else {},
            },
        },
        "homepage": {"id": f"{node}:homepage", "type": "WebResource", "contentURL": issuer.url}
        if issuer.url
        else {},
        "contactPoint": {
            "id": f"{node}:contact",
            "type": "ContactPoint",
            "emailAddress": {"id": f"mailto:{issuer.email}", "type": "Mailbox"},
        }
        if issuer.email
        else {},
    }
    return organisation


def _note(node: str, text: str) -> dict[str, Any]:
    return {"id": node, "type": "Note", "noteLiteral": {"en": text}}


def _id_verification(record: CredentialRecord) -> dict[str, Any]:
    uri, scheme, label = SUPERVISION_VERIFICATION[
        (record.supervision, record.identity_verification != "none")
    ]
    return concept(uri, scheme, label)


def display_png(
    width: int = 64, height: int = 40, rgb: tuple[int, int, int] = (0, 51, 153)
) -> bytes:
    """A plain PNG (EU blue) for the EDC display image when no rendered picture is given."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _entry_requirement(spec: Microcredential) -> dict[str, str]:
    """Admission text, else the prerequisites (Annex I), per language; empty when neither."""
    admission = language_map(spec.admission.description)
    if admission:
        return admission
    texts = [text.get("en", "") for text in spec.prerequisites if text.get("en")]
    return {"en": " ".join(texts)} if texts else {}


def to_elm(
    record: CredentialRecord,
    issuer: IssuerProfile,
    *,
    display_image_png: bytes | None = None,
) -> dict[str, Any]:
    """The unsigned ``EuropeanDigitalCredential`` of ``record``."""
    spec = record.description
    base = elm_credential_id(record)
    issued = format_datetime(record.issued_at)
    languages = [language_concept(code) for code in spec.language_of_instruction]
    title = language_map(spec.title)
    organisation = _organisation(issuer, f"{base}:issuer")
    verification = _id_verification(record)
    qualification: dict[str, Any] = export_elm(course_of(spec))["learningAchievementSpecification"]
    entry = _entry_requirement(spec)
    if entry:
        qualification["entryRequirement"] = {
            "id": urn(spec.uuid) + ":entry-requirement",
            "type": "Note",
            "noteLiteral": entry,
        }
    else:
        qualification.pop("entryRequirement", None)
    quality = spec.quality_assurance
    qualification["accreditation"] = [
        {
            "id": urn(spec.uuid) + ":quality-assurance",
            "type": "Accreditation",
            "title": language_map(quality.type),
            "dcType": concept(
                _ACCREDITATION_QA, _ACCREDITATION_SCHEME, "Programme quality assurance"
            ),
            "accreditingAgent": {
                "id": urn(spec.uuid) + ":quality-assurance-body",
                "type": "Organisation",
                "legalName": {"en": quality.body},
                "location": organisation["location"],
            },
            "description": {"en": " ".join(text.get("en", "") for text in quality.description)},
        }
    ]
    mode = spec.form_of_participation.mode
    mode_concept = concept(
        f"http://data.europa.eu/snb/learning-assessment/{MODE[mode]}",
        "http://data.europa.eu/snb/learning-assessment/25831c2",
        MODE_LABEL[mode],
    )
    awarding = {
        "id": f"{base}:awarding",
        "type": "AwardingProcess",
        "awardingBody": [organisation],
        "awardingDate": issued,
    }
    components = {c.id: c for c in spec.assessment.components}
    scheme = {
        "id": urn(spec.uuid) + ":grading-scheme",
        "type": "GradingScheme",
        "title": {"en": f"Percentage ({spec.assessment.grading_scale})"},
        "description": {
            "en": f"Weighted percentage; pass mark "
            f"{percent(spec.assessment.pass_rule.minimum_total_percent)} %, at least "
            f"{percent(spec.assessment.pass_rule.minimum_component_percent)} % in every "
            "component."
        },
    }
    assessments: list[dict[str, Any]] = []
    for component_result in record.component_results:
        component = components[component_result.component_id]
        node = f"{base}:assessment:{component.id}"
        grade = (
            "passed"
            if component_result.percent is None
            else f"{percent(component_result.percent)} %"
        )
        parts = [
            {
                "id": f"{node}:evidence:{n}",
                "type": "LearningAssessment",
                "title": {"en": item.title},
                "grade": _note(f"{node}:evidence:{n}:grade", f"{percent(item.score_percent)} %"),
                "dateIssued": f"{item.assessed_on.isoformat()}T00:00:00Z",
                "awardedBy": awarding,
                "identifier": {
                    "id": f"{node}:evidence:{n}:submission",
                    "type": "Identifier",
                    "schemeName": "SHA-256 of the graded submission",
                    "notation": item.submission_sha256,
                }
                if item.submission_sha256
                else {},
            }
            for n, item in enumerate(record.evidence, start=1)
            if item.component_id == component.id
        ]
        assessments.append(
            {
                "id": node,
                "type": "LearningAssessment",
                "title": language_map(component.title),
                "grade": _note(f"{node}:grade", grade),
                "idVerification": verification,
                "assessedBy": {"id": issuer.id, "type": "Organisation"},
                "awardedBy": awarding,
                "hasPart": parts,
                "specifiedBy": {
                    "id": urn(component.uuid) + ":specification",
                    "type": "LearningAssessmentSpecification",
                    "title": language_map(component.title),
                    "description": language_map(component.description),
                    "gradingScheme": scheme,
                    "mode": mode_concept,
                    "language": languages,
                },
            }
        )
    assessments.append(
        {
            "id": f"{base}:final-assessment",
            "type": "LearningAssessment",
            "title": {"en": "Final weighted grade"},
            "description": language_map(spec.assessment.type),
            "grade": _note(f"{base}:final-grade", f"{percent(record.final_grade)} %"),
            "idVerification": verification,
            "assessedBy": {"id": issuer.id, "type": "Organisation"},
            "awardedBy": awarding,
            "specifiedBy": {
                "id": urn(spec.uuid) + ":final-assessment-specification",
                "type": "LearningAssessmentSpecification",
                "title": {"en": "Final weighted grade"},
                "gradingScheme": scheme,
                "mode": mode_concept,
                "language": languages,
            },
        }
    )
    learner = record.learner
    skills = ", ".join(skill.label for skill in record.skills)
    achievement = {
        "id": f"{base}:achievement",
        "type": "LearningAchievement",
        "title": title,
        "description": language_map(spec.objectives),
        "awardedBy": awarding,
        "provenBy": assessments,
        "specifiedBy": qualification,
        "creditReceived": [
            {
                "id": f"{base}:credit",
                "type": "CreditPoint",
                "framework": qualification["creditPoint"][0]["framework"],
                "point": qualification["creditPoint"][0]["point"],
            }
        ],
        "additionalNote": [_note(f"{base}:skills", f"ESCO skills evidenced: {skills}")]
        if skills
        else [],
    }
    image = display_image_png if display_image_png is not None else display_png()
    display = {
        "id": f"{base}:display",
        "type": "DisplayParameter",
        "title": title,
        "description": {"en": "has successfully completed a micro-credential"},
        "primaryLanguage": languages[0],
        "language": languages,
        "individualDisplay": {
            "id": f"{base}:display:{spec.language_of_instruction[0]}",
            "type": "IndividualDisplay",
            "language": languages[0],
            "displayDetail": {
                "id": f"{base}:display:{spec.language_of_instruction[0]}:1",
                "type": "DisplayDetail",
                "page": 1,
                "image": {
                    "id": f"{base}:display-image",
                    "type": "MediaObject",
                    "content": base64.b64encode(image).decode("ascii"),
                    "contentEncoding": concept(
                        _BASE64, "http://data.europa.eu/snb/encoding/25831c2", "base64"
                    ),
                    "contentType": concept(
                        _PNG,
                        "http://publications.europa.eu/resource/authority/file-type",
                        "PNG",
                        "file-type",
                    ),
                },
            },
        },
    }
    subject = {
        "id": f"{base}:learner",
        "type": "Person",
        "fullName": {"en": learner.name},
        "givenName": {"en": learner.given_name} if learner.given_name else {},
        "familyName": {"en": learner.family_name} if learner.family_name else {},
        # No e-mail or date of birth: the credential is shown to anyone holding its link
        # (QR code, LinkedIn), and the course collects both only to tell learners apart.
        "hasClaim": achievement,
    }
    credential: dict[str, Any] = {
        "@context": list(ELM_CONTEXTS),
        "id": base,
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialProfiles": concept(
            _GENERIC_PROFILE, "http://data.europa.eu/snb/credential/25831c2", "Generic"
        ),
        "credentialSchema": {"id": EDC_SCHEMA, "type": "ShaclValidator2017"},
        "displayParameter": display,
        "issuer": organisation,
        "issuanceDate": issued,
        "issued": issued,
        "validFrom": issued,
        "credentialSubject": subject,
    }
    if record.valid_until is not None:
        credential["expirationDate"] = format_datetime(record.valid_until)
        credential["validUntil"] = format_datetime(record.valid_until)
    result: dict[str, Any] = portable_numbers(prune(credential))
    return result
