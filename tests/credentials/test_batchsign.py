"""Shared-part signing produces exactly the signatures sign_credential does, only faster."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from cred_helpers import ISSUED_AT, NOW

from microcred.credentials.core import (
    DidKeyResolver,
    IssuerKey,
    ProofError,
    batchsign,
    canonical_nquads,
    sign_credential,
    verify_credential,
)
from microcred.credentials.core.batchsign import SharedPartSigner
from microcred.credentials.core.elm import to_elm
from microcred.credentials.core.issuer import IssuerProfile
from microcred.credentials.core.openbadge import to_openbadge
from microcred.credentials.core.record import CredentialRecord, Learner


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
