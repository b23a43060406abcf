"""The ELM / European Digital Credential rendering, validated with the official EDC SHACL shapes.

pyshacl against `EDC-generic-full.ttl` + `EDC-generic-no-cv.ttl` takes about 0.3-0.5 s per
credential here (the shapes are parsed once per session, about 0.3 s), so it runs in the
normal suite.
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest
from cred_helpers import ISSUED_AT, NOW

from microcred.credentials.core import (
    DidKeyResolver,
    IssuerKey,
    sign_credential,
    to_rdf,
    verify_credential,
)
from microcred.credentials.core.elm import SUPERVISION_VERIFICATION, elm_credential_id, to_elm
from microcred.credentials.core.issuer import IssuerProfile
from microcred.credentials.core.nquads import Term
from microcred.credentials.core.record import CredentialRecord, Learner, build_record
from microcred.curriculum.spec.course import Course

pyshacl = pytest.importorskip("pyshacl")
rdflib = pytest.importorskip("rdflib")

ELM = resources.files("microcred.specdata").joinpath("elm")


@pytest.fixture(scope="session")
def shapes() -> Any:
    graph = rdflib.Graph()
    for name in ("EDC-generic-full.ttl", "EDC-generic-no-cv.ttl"):
        graph.parse(data=ELM.joinpath(name).read_text("utf-8"), format="turtle")
    return graph


def shacl(document: dict[str, Any], shapes: Any) -> tuple[bool, str]:
    """Validate the default graph of ``document`` (RDF from our offline, safe-mode JSON-LD)."""
    graph = rdflib.Graph()

    def term(value: Term) -> Any:
        if value.kind == "iri":
            return rdflib.URIRef(value.value)
        if value.kind == "bnode":
            return rdflib.BNode(value.value)
        if value.language is not None:
            return rdflib.Literal(value.value, lang=value.language)
        return rdflib.Literal(value.value, datatype=rdflib.URIRef(value.datatype))

    for quad in to_rdf(document):
        if quad.graph.kind == "default":  # the proof lives in its own graph
            graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    conforms, _, text = pyshacl.validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        do_owl_imports=False,
        advanced=True,
        allow_warnings=True,
    )
    return bool(conforms), str(text)


def _drop(value: Any, key: str) -> None:
    if isinstance(value, dict):
        value.pop(key, None)
        for item in value.values():
            _drop(item, key)
    elif isinstance(value, list):
        for item in value:
            _drop(item, key)


def test_official_sample_needs_only_what_sealing_adds(shapes: Any) -> None:
    """The unsigned sample lacks `issued` and the issuer's eIDAS identifier, which the EDC
    sealing step adds; with those two it conforms. This is what taught us the shapes."""
    sample = json.loads(ELM.joinpath("Sample-MC-Annex1-unsigned.jsonld").read_text("utf-8"))
    conforms, text = shacl(sample, shapes)
    assert not conforms
    assert "Results (2)" in text
    assert "cred:issued" in text
    assert "elm:eidasLegalIdentifier" in text
    sealed = copy.deepcopy(sample)
    sealed["issued"] = sealed["validFrom"]
    issuer = sealed["issuer"]
    issuer["eIDASIdentifier"] = issuer["registration"]
    conforms, text = shacl(sealed, shapes)
    assert conforms, text


def test_our_credential_conforms(
    record: CredentialRecord, issuer: IssuerProfile, shapes: Any
) -> None:
    document = to_elm(record, issuer)
    conforms, text = shacl(document, shapes)
    assert conforms, text


def test_signed_credential_conforms_and_verifies(
    record: CredentialRecord, issuer: IssuerProfile, key: IssuerKey, shapes: Any
) -> None:
    signed = sign_credential(
        to_elm(record, issuer), key, verification_method=issuer.verification_method
    )
    assert signed["@context"][-1] == "https://w3id.org/security/data-integrity/v2"
    assert verify_credential(signed, resolver=DidKeyResolver(), now=NOW).ok
    conforms, text = shacl(signed, shapes)
    assert conforms, text


def test_minimal_course_without_scores_conforms(
    minimal: Course, key: IssuerKey, shapes: Any
) -> None:
    record = build_record(minimal, Learner("Cy", "cy@example.org"), 60, issued_at=ISSUED_AT)
    document = to_elm(record, IssuerProfile.did_key(record.description, key))
    conforms, text = shacl(document, shapes)
    assert conforms, text


def test_shacl_check_is_not_vacuous(
    record: CredentialRecord, issuer: IssuerProfile, shapes: Any
) -> None:
    document = to_elm(record, issuer)
    del document["credentialSubject"]["hasClaim"]["provenBy"][0]["grade"]
    _drop(document, "eIDASIdentifier")  # every copy of the issuer node
    conforms, text = shacl(document, shapes)
    assert not conforms
    assert "elm:grade" in text
    assert "eidasLegalIdentifier" in text


def test_elm_carries_the_annex_i_elements(record: CredentialRecord, issuer: IssuerProfile) -> None:
    document = to_elm(record, issuer)
    assert document["id"] == elm_credential_id(record)
    assert document["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert document["issuer"]["id"] == issuer.id
    subject = document["credentialSubject"]
    assert subject["fullName"] == {"en": "Ana Andromeda"}
    # A public document: no date of birth or e-mail (they only tell learners apart).
    assert "dateOfBirth" not in subject
    assert "contactPoint" not in subject
    claim = subject["hasClaim"]
    qualification = claim["specifiedBy"]
    assert qualification["type"] == "Qualification"
    assert qualification["creditPoint"][0]["point"] == "6"
    assert qualification["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/7"
    assert qualification["entryRequirement"]["type"] == "Note"
    assert qualification["mode"][0]["prefLabel"] == {"en": "Blended"}
    assert qualification["accreditation"][0]["dcType"]["id"].endswith("/820101cba6")
    assert all(lo["relatedESCOSkill"] for lo in qualification["learningOutcome"])
    grades = [a["grade"]["noteLiteral"]["en"] for a in claim["provenBy"]]
    assert grades == ["90 %", "85 %", "88.25 %", "87.5 %"]
    verification = claim["provenBy"][0]["idVerification"]
    assert verification["prefLabel"] == {"en": "Supervised online with ID verification"}
    lab = claim["provenBy"][0]["hasPart"][0]
    assert lab["identifier"]["notation"] == "ab" * 32
    assert claim["awardedBy"]["type"] == "AwardingProcess"
    assert claim["creditReceived"][0]["point"] == "6"


def test_unsupervised_levels_use_the_europass_concepts() -> None:
    assert SUPERVISION_VERIFICATION[("none", False)][0].endswith("/c598449d64")
    assert SUPERVISION_VERIFICATION[("none", True)][0].endswith("/df2880c5cb")
