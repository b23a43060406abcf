from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from microcred.credentials.core import (
    ControllerDocumentResolver,
    DidKeyResolver,
    DidResolutionError,
    build_did_web_document,
    did_web_url,
    generate_issuer_key,
    sign_credential,
    to_rdf,
    verify_proof,
)
from microcred.credentials.core.did import did_web_from_domain


def test_did_key_resolves_offline() -> None:
    key = generate_issuer_key()
    method = DidKeyResolver().resolve(key.did_key_verification_method)
    assert method.public_key == key.public_key_bytes
    assert method.controller == key.did_key
    assert "assertionMethod" in method.relationships
    assert DidKeyResolver().resolve(key.did_key).id == key.did_key_verification_method


@pytest.mark.parametrize(
    "identifier",
    [
        "did:web:example.com#k",
        "did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76",  # P-256, not Ed25519
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkOther",
        "did:key:not-multibase",
    ],
)
def test_did_key_refuses_what_it_cannot_resolve(identifier: str) -> None:
    with pytest.raises(DidResolutionError):
        DidKeyResolver().resolve(identifier)


def test_did_web_document_shape_and_json_ld_validity() -> None:
    keys = [generate_issuer_key(), generate_issuer_key()]
    document = build_did_web_document("issuer.example", keys)
    assert document["id"] == "did:web:issuer.example"
    assert [m["publicKeyMultibase"] for m in document["verificationMethod"]] == [
        k.public_key_multibase for k in keys
    ]
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    assert all(m["controller"] == "did:web:issuer.example" for m in document["verificationMethod"])
    assert to_rdf(json.loads(json.dumps(document)))  # valid JSON-LD with the pinned contexts


def test_rotation_keeps_old_credentials_verifiable(unsigned_badge: Any) -> None:
    old, new = generate_issuer_key(), generate_issuer_key()
    before = build_did_web_document("issuer.example", [old])
    credential = sign_credential(
        unsigned_badge(before["id"]),
        old,
        verification_method=before["assertionMethod"][0],
        created=datetime(2026, 1, 1, tzinfo=UTC),
    )
    after = build_did_web_document("issuer.example", [new, old])
    assert after["verificationMethod"][1] == before["verificationMethod"][0]  # ids are stable
    assert verify_proof(credential, ControllerDocumentResolver([after]))
    retired = build_did_web_document("issuer.example", [new])
    with pytest.raises(DidResolutionError):
        verify_proof(credential, ControllerDocumentResolver([retired]))


def test_did_web_names_and_urls() -> None:
    assert did_web_from_domain("example.edu:8443", ["issuers", "1"]) == (
        "did:web:example.edu%3A8443:issuers:1"
    )
    assert did_web_url("did:web:example.edu") == "https://example.edu/.well-known/did.json"
    assert did_web_url("did:web:example.edu%3A8443:issuers:1") == (
        "https://example.edu:8443/issuers/1/did.json"
    )
    with pytest.raises(DidResolutionError):
        did_web_url("did:key:z6Mk")
    with pytest.raises(DidResolutionError):
        did_web_from_domain("example.edu/path")


def test_did_web_document_refuses_bad_keys() -> None:
    with pytest.raises(DidResolutionError):
        build_did_web_document("issuer.example", [])
    with pytest.raises(Exception, match="header"):
        build_did_web_document(
            "issuer.example", ["zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"]
        )


def test_controller_document_cannot_claim_foreign_keys() -> None:
    key = generate_issuer_key()
    document: dict[str, Any] = {
        "id": "https://issuer.example/profile",
        "verificationMethod": [
            {
                "id": "https://other.example/profile#k",
                "type": "Multikey",
                "controller": "https://other.example/profile",
                "publicKeyMultibase": key.public_key_multibase,
            }
        ],
        "assertionMethod": ["https://other.example/profile#k"],
    }
    with pytest.raises(DidResolutionError, match="not in any"):
        ControllerDocumentResolver([document]).resolve("https://other.example/profile#k")


def test_relative_references_and_embedded_methods() -> None:
    key = generate_issuer_key()
    document = {
        "id": "did:web:issuer.example",
        "assertionMethod": [
            {
                "id": "#key-1",
                "type": "Multikey",
                "controller": "did:web:issuer.example",
                "publicKeyMultibase": key.public_key_multibase,
            }
        ],
    }
    method = ControllerDocumentResolver([document]).resolve("did:web:issuer.example#key-1")
    assert method.public_key == key.public_key_bytes
    assert method.relationships == frozenset({"assertionMethod"})


def test_did_key_fallback_can_be_disabled() -> None:
    key = generate_issuer_key()
    with pytest.raises(DidResolutionError):
        ControllerDocumentResolver(did_key=False).resolve(key.did_key_verification_method)


def test_malformed_controller_documents() -> None:
    with pytest.raises(DidResolutionError, match="string 'id'"):
        ControllerDocumentResolver([{"verificationMethod": []}])
    key = generate_issuer_key()
    single = {
        "id": "did:web:a.example",
        "verificationMethod": {
            "id": "did:web:a.example#k",
            "type": "Multikey",
            "controller": "did:web:a.example",
            "publicKeyMultibase": key.public_key_multibase,
        },
        "assertionMethod": "did:web:a.example#k",
    }
    method = ControllerDocumentResolver([single]).resolve("did:web:a.example#k")
    assert method.relationships == frozenset({"assertionMethod"})
