"""The Open Badges 3.0 rendering of a record: schema-valid, safe-mode JSON-LD, verifiable."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from typing import Any

import pytest
from cred_helpers import ISSUED_AT, NOW
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.credentials.core import (
    DidKeyResolver,
    IssuerKey,
    StatusList,
    build_status_entry,
    sign_credential,
    to_rdf,
    verify_credential,
)
from microcred.credentials.core.achievement import achievement_for, portable_numbers
from microcred.credentials.core.issuer import IssuerProfile
from microcred.credentials.core.openbadge import percent, to_openbadge
from microcred.credentials.core.record import CredentialRecord, Learner, build_record
from microcred.credentials.core.schema import validate_structure
from microcred.curriculum.spec.course import Course
from microcred.curriculum.spec.exporters import export_ob3_achievement


def _floats(value: Any) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for item in value.values() for f in _floats(item)]
    if isinstance(value, list):
        return [f for item in value for f in _floats(item)]
    return []


def test_shape_and_contexts(record: CredentialRecord, issuer: IssuerProfile) -> None:
    badge = to_openbadge(record, issuer)
    assert badge["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://w3id.org/microcred/contexts/annex-i/v1",
    ]
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["id"] == record.credential_urn
    assert badge["issuer"]["id"].startswith("did:key:z6Mk")
    assert badge["issuer"]["type"] == ["Profile"]
    assert badge["issuer"]["name"] == "Tech University"
    assert badge["validFrom"] == "2027-07-01T10:00:00Z"
    assert badge["name"] == "Applied Machine Learning and Deep Learning"
    assert "JSON Schema" in validate_structure(badge)
    assert len(to_rdf(badge)) > 300  # safe mode: every term is defined


def test_subject_results_point_at_the_achievement(
    record: CredentialRecord, issuer: IssuerProfile
) -> None:
    subject = to_openbadge(record, issuer)["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    descriptions = {rd["id"] for rd in subject["achievement"]["resultDescription"]}
    results = subject["result"]
    assert {r["resultDescription"] for r in results} <= descriptions
    assert [r["value"] for r in results] == ["90", "85", "88.25", "87.5"]
    final = results[-1]
    assert final["resultDescription"].endswith(":final-grade")
    assert {a["targetUrl"] for a in final["alignment"]} == {s.uri for s in record.skills}
    assert subject["creditsEarned"] == 6
    assert subject["supervision"] == "supervised-online"
    assert subject["identityVerification"] == "online"


def test_learner_is_named_and_the_email_is_salted_and_hashed(
    record: CredentialRecord, issuer: IssuerProfile
) -> None:
    badge = to_openbadge(record, issuer)
    name, email = badge["credentialSubject"]["identifier"]
    assert name == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": "Ana Andromeda",
    }
    digest = hashlib.sha256(("ana@example.org" + email["salt"]).encode()).hexdigest()
    assert email["identityHash"] == f"sha256${digest}"
    assert "ana@example.org" not in json.dumps(badge)
    assert "1999" not in json.dumps(badge)  # date of birth stays out of the badge


def test_evidence_carries_score_date_and_submission_digest(
    record: CredentialRecord, issuer: IssuerProfile
) -> None:
    (evidence,) = to_openbadge(record, issuer)["evidence"]
    assert evidence["type"] == ["Evidence"]
    assert evidence["assessmentScore"] == "95"
    assert evidence["assessmentDate"] == "2027-03-01"
    assert evidence["submissionSha256"] == "ab" * 32
    assert len(evidence["evidencesOutcome"]) == 2
    assert evidence["genre"] == "Auto-graded programming assignment"


def test_achievement_is_the_curriculum_export(
    record: CredentialRecord, issuer: IssuerProfile, shipped: Course
) -> None:
    exported = export_ob3_achievement(shipped)
    exported.pop("@context")
    embedded = to_openbadge(record, issuer)["credentialSubject"]["achievement"]
    assert embedded == portable_numbers(exported) == achievement_for(record.description)
    assert embedded["annexI"]["eqfLevel"] == 7


def test_numbers_are_portable(record: CredentialRecord, issuer: IssuerProfile) -> None:
    """No whole-valued float: pyld and jsonld.js would canonicalise it differently."""
    assert all(not f.is_integer() for f in _floats(to_openbadge(record, issuer)))


def test_signed_badge_verifies_offline(
    record: CredentialRecord, issuer: IssuerProfile, key: IssuerKey
) -> None:
    signed = sign_credential(
        to_openbadge(record, issuer), key, verification_method=issuer.verification_method
    )
    report = verify_credential(signed, resolver=DidKeyResolver(), now=NOW)
    assert report.ok, report.to_dict()


def test_status_entry_and_expiry(record: CredentialRecord, issuer: IssuerProfile) -> None:
    url = "https://example.org/credentials/status/revocation.json"
    entry = build_status_entry(url, 7, "revocation")
    later = dataclasses.replace(record, valid_until=ISSUED_AT.replace(year=2032))
    badge = to_openbadge(later, issuer, credential_status=entry)
    assert badge["credentialStatus"] == entry
    assert badge["validUntil"] == "2032-07-01T10:00:00Z"
    assert "JSON Schema" in validate_structure(badge)


def test_minimal_course_badge(minimal: Course, key: IssuerKey) -> None:
    record = build_record(minimal, Learner("Cy", "cy@example.org"), 100, issued_at=ISSUED_AT)
    issuer = IssuerProfile.did_key(record.description, key)
    badge = to_openbadge(record, issuer)
    assert "JSON Schema" in validate_structure(badge)
    assert badge["credentialSubject"]["result"][-1]["value"] == "100"
    to_rdf(badge)


def test_percent_formatting() -> None:
    assert [percent(v) for v in (0, 50, 87.5, 88.25, 66.666, 100.0)] == [
        "0",
        "50",
        "87.5",
        "88.25",
        "66.67",
        "100",
    ]


# -- property: a signed full badge cannot be changed anywhere without failing verification --


def _leaves(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*prefix, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*prefix, i))]
    return [prefix]


@pytest.fixture(scope="module")
def signed_full_badge(record: CredentialRecord, issuer: IssuerProfile, key: IssuerKey) -> Any:
    entry = build_status_entry(
        "https://example.org/credentials/status/revocation.json", 3, "revocation"
    )
    badge = to_openbadge(record, issuer, credential_status=entry)
    return sign_credential(badge, key, verification_method=issuer.verification_method)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_change_to_any_field_of_a_full_badge_fails_verification(
    signed_full_badge: dict[str, Any], data: st.DataObject
) -> None:
    """Every leaf of a shipped-course badge (Achievement with Annex I, results, skill
    alignments, evidence, status entry, proof) is covered: changing it breaks verification,
    and the failure is the signature layer's, not just the JSON Schema's."""
    leaves = [p for p in _leaves(signed_full_badge) if p != ("proof", "proofValue")]
    path = data.draw(st.sampled_from(leaves), label="path")
    tampered = copy.deepcopy(signed_full_badge)
    parent = tampered
    for step in path[:-1]:
        parent = parent[step]
    old = parent[path[-1]]
    new = data.draw(
        st.one_of(st.text(min_size=1, max_size=12), st.integers(), st.booleans()).filter(
            lambda v: v != old or type(v) is not type(old)
        ),
        label="new value",
    )
    if isinstance(old, str) and data.draw(st.booleans(), label="keep it a similar string"):
        new = old + data.draw(st.sampled_from(["x", " ", "0", "Z", "é"]), label="suffix")
    parent[path[-1]] = new
    status = {"https://example.org/credentials/status/revocation.json": StatusList("revocation")}
    report = verify_credential(tampered, resolver=DidKeyResolver(), status_lists=status, now=NOW)
    assert not report.ok
    assert {"contexts", "proof", "issuer_key"} & set(report.failures), report.to_dict()
