"""Shared-part signing produces exactly the signatures sign_credential does, only faster."""

from __future__ import annotations

import copy
import dataclasses
import uuid
from datetime import date
from typing import Any

import pytest
from cred_helpers import ISSUED_AT, NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.credentials.core import (
    DidKeyResolver,
    IssuerKey,
    ProofError,
    UndefinedTermError,
    batchsign,
    build_status_entry,
    canonical_nquads,
    sign_credential,
    verify_credential,
)
from microcred.credentials.core.batchsign import SharedPartSigner
from microcred.credentials.core.elm import to_elm
from microcred.credentials.core.issuer import IssuerProfile
from microcred.credentials.core.openbadge import to_openbadge
from microcred.credentials.core.record import CredentialRecord, Evidence, Learner, build_record
from microcred.curriculum.spec.course import Course

# One signer for all examples of the property test, so its caches see many documents.
_SIGNER = SharedPartSigner(
    IssuerKey.from_seed(bytes(range(32, 64))),
    IssuerKey.from_seed(bytes(range(32, 64))).did_key_verification_method,
)


@pytest.mark.parametrize("render", [to_openbadge, to_elm], ids=["ob3", "elm"])
def test_same_proof_as_sign_credential(
    record: CredentialRecord, issuer: IssuerProfile, key: IssuerKey, render: object
) -> None:
    signer = SharedPartSigner(key, issuer.verification_method)
    for n in range(3):  # the first fills the cache (and is checked whole), the rest reuse it
        other = dataclasses.replace(
            record,
            credential_id=uuid.UUID(int=n + 1),
            learner=Learner(f"Learner {n}", f"l{n}@example.org"),
        )
        document = render(other, issuer)  # type: ignore[operator]
        expected = sign_credential(
            document, key, verification_method=issuer.verification_method, created=ISSUED_AT
        )
        assert signer.sign(document, created=ISSUED_AT) == expected
    assert verify_credential(expected, resolver=DidKeyResolver(), now=NOW).ok


def test_canonical_form_equals_the_whole_document(
    record: CredentialRecord, issuer: IssuerProfile, key: IssuerKey
) -> None:
    document = to_openbadge(record, issuer)
    signer = SharedPartSigner(key, issuer.verification_method)
    assert signer.canonical_document(document) == canonical_nquads(document)
    assert signer.canonical_document(document) == canonical_nquads(document)  # cached path


def test_guard_refuses_when_the_shortcut_would_differ(
    record: CredentialRecord, issuer: IssuerProfile, key: IssuerKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batchsign, "canonical_nquads", lambda *a, **k: "something else\n")
    with pytest.raises(ProofError, match="would not match"):
        SharedPartSigner(key, issuer.verification_method).sign(to_openbadge(record, issuer))


def test_refuses_signed_documents(
    record: CredentialRecord, issuer: IssuerProfile, key: IssuerKey
) -> None:
    signer = SharedPartSigner(key, issuer.verification_method)
    signed = signer.sign(to_openbadge(record, issuer))
    with pytest.raises(ProofError, match="already has a proof"):
        signer.sign(signed)


# -- the shortcut is taken, and never changes a signature ----------------------------------------


def _signed(document: dict[str, Any], key: IssuerKey, issuer: IssuerProfile) -> dict[str, Any]:
    return sign_credential(
        document, key, verification_method=issuer.verification_method, created=ISSUED_AT
    )


def test_cached_parts_skip_whole_document_canonicalisation(
    record: CredentialRecord, issuer: IssuerProfile, key: IssuerKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the first credential, signing expands only the learner's part: no fallback."""
    signer = SharedPartSigner(key, issuer.verification_method)
    signer.sign(to_openbadge(record, issuer), created=ISSUED_AT)
    other = dataclasses.replace(record, credential_id=uuid.UUID(int=7))
    expected = _signed(to_openbadge(other, issuer), key, issuer)

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("the whole document was canonicalised again")

    monkeypatch.setattr(batchsign, "canonical_nquads", refuse)
    assert signer.sign(to_openbadge(other, issuer), created=ISSUED_AT) == expected
    # the final grade's skill alignments are shared as anonymous parts, one per skill
    anonymous = [p for p in signer._cache.values() if p.placeholder is not None]
    assert len(anonymous) == len(other.skills) > 5


def test_identical_anonymous_parts_in_one_document_stay_two_nodes(
    record: CredentialRecord, issuer: IssuerProfile, key: IssuerKey
) -> None:
    document = to_openbadge(record, issuer)
    results = document["credentialSubject"]["result"]
    results[0]["alignment"] = copy.deepcopy(results[-1]["alignment"][:2])
    results[-1]["alignment"].append(copy.deepcopy(results[-1]["alignment"][0]))  # a duplicate
    signer = SharedPartSigner(key, issuer.verification_method)
    for _ in range(2):
        assert signer.sign(document, created=ISSUED_AT) == _signed(document, key, issuer)


def test_no_shortcut_under_an_embedded_context_or_with_blank_node_labels(
    record: CredentialRecord, issuer: IssuerProfile, key: IssuerKey
) -> None:
    signer = SharedPartSigner(key, issuer.verification_method)
    plain = to_openbadge(record, issuer)
    scoped = copy.deepcopy(plain)
    scoped["credentialSubject"]["@context"] = {"extra": "https://example.org/extra"}
    scoped["credentialSubject"]["extra"] = "x"
    labelled = copy.deepcopy(plain)
    labelled["credentialSubject"]["result"][-1]["alignment"][0]["id"] = "_:shared"
    achievement = copy.deepcopy(plain)
    achievement["credentialSubject"]["achievement"]["@context"] = {"x": "https://example.org/x"}
    literal = copy.deepcopy(plain)
    literal["credentialSubject"]["result"][-1]["alignment"].append({"@value": "free text"})
    for document in (plain, scoped, labelled, achievement, literal, plain):
        assert signer.sign(document, created=ISSUED_AT) == _signed(document, key, issuer)
    undefined = copy.deepcopy(plain)
    undefined["credentialSubject"]["result"][-1]["alignment"][0]["bogusTerm"] = 1
    for sign in (signer.sign, lambda d: _signed(d, key, issuer)):
        with pytest.raises(UndefinedTermError, match="bogusTerm"):
            sign(undefined)


def test_a_placeholder_in_the_document_falls_back_to_the_plain_path(
    record: CredentialRecord, issuer: IssuerProfile, key: IssuerKey
) -> None:
    signer = SharedPartSigner(key, issuer.verification_method)
    document = to_openbadge(record, issuer)
    signer.sign(document, created=ISSUED_AT)
    # a (guessed) placeholder IRI of an alignment part, used elsewhere in the document
    placeholder = f"urn:microcred:batchsign:{signer._token}:2"
    assert any(p.placeholder == placeholder for p in signer._cache.values())
    clash = copy.deepcopy(document)
    clash["evidence"][0]["id"] = placeholder
    assert signer.sign(clash, created=ISSUED_AT) == _signed(clash, key, issuer)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(min_size=1, max_size=30).filter(lambda s: s.strip() != ""),
    grade=st.floats(min_value=50, max_value=100),
    exam=st.one_of(st.none(), st.floats(min_value=40, max_value=100)),
    project=st.one_of(st.none(), st.integers(min_value=40, max_value=100)),
    lab_score=st.one_of(st.none(), st.floats(min_value=0, max_value=100)),
)
def test_batch_signatures_equal_sign_credential(
    shipped: Course,
    issuer: IssuerProfile,
    key: IssuerKey,
    name: str,
    grade: float,
    exam: float | None,
    project: int | None,
    lab_score: float | None,
) -> None:
    """Property: for any learner the shared-part signer's output is sign_credential's."""
    percents = {
        k: v for k, v in (("written-exam", exam), ("final-project", project)) if v is not None
    }
    evidence = []
    if lab_score is not None:
        evidence.append(
            Evidence("lab:mlp-backprop", "MLP lab", "programming-assignments", lab_score,
                     date(2027, 3, 1), "cd" * 32)
        )  # fmt: skip
    record = build_record(
        shipped, Learner(name, "x@example.org"), grade, component_percents=percents,
        evidence=evidence, issued_at=ISSUED_AT,
    )  # fmt: skip
    entry = build_status_entry("https://example.org/status/1", 17, "revocation")
    for document in (to_openbadge(record, issuer, credential_status=entry), to_elm(record, issuer)):
        assert _SIGNER.sign(document, created=ISSUED_AT) == _signed(document, key, issuer)
