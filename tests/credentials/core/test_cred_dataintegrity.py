"""eddsa-rdfc-2022 against the W3C vc-di-eddsa and the 1EdTech OB 3.0 vectors, byte for byte."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.credentials.core import (
    ControllerDocumentResolver,
    CredentialError,
    DidKeyResolver,
    DidResolutionError,
    IssuerKey,
    ProofError,
    UndefinedTermError,
    UnknownContextError,
    hash_for_proof,
    sign_credential,
    verify_proof,
)
from microcred.credentials.core.multibase import decode_base58btc

EDDSA = Path(__file__).parent / "vectors" / "vc-di-eddsa"
RDFC = EDDSA / "eddsa-rdfc-2022"
W3C_CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)


def _text(path: Path) -> str:
    return path.read_text("utf-8")


@pytest.fixture(scope="module")
def w3c_key() -> IssuerKey:
    pair = json.loads(_text(EDDSA / "keyPair.json"))
    return IssuerKey.from_secret_multibase(pair["privateKeyMultibase"])


@pytest.mark.parametrize(
    ("unsigned", "folder"), [("unsigned.json", RDFC), ("employmentAuth.json", RDFC / "employ")]
)
def test_w3c_vector_byte_for_byte(w3c_key: IssuerKey, unsigned: str, folder: Path) -> None:
    document = json.loads(_text(EDDSA / unsigned))
    config = json.loads(_text(folder / "proofConfigDataInt.json"))
    hashes = hash_for_proof(document, config)
    assert hashes.canonical_document == _text(folder / "canonDocDataInt.txt")
    assert hashes.canonical_proof == _text(folder / "proofCanonDataInt.txt")
    assert hashes.document_hash.hex() == _text(folder / "docHashDataInt.txt").strip()
    assert hashes.proof_hash.hex() == _text(folder / "proofHashDataInt.txt").strip()
    assert hashes.data.hex() == _text(folder / "combinedHashDataInt.txt").strip()
    assert w3c_key.sign(hashes.data).hex() == _text(folder / "sigHexDataInt.txt").strip()

    signed = sign_credential(
        document, w3c_key, verification_method=config["verificationMethod"], created=W3C_CREATED
    )
    expected = json.loads(_text(folder / "signedDataInt.json"))
    assert signed == expected
    assert signed["proof"]["proofValue"] == _text(folder / "sigBTC58DataInt.txt").strip()
    verified = verify_proof(expected, DidKeyResolver())
    assert verified.created == W3C_CREATED
    assert verified.verification_method.id == config["verificationMethod"]


def _ob_resolver(vector: dict[str, Any]) -> ControllerDocumentResolver:
    method = vector["signed"]["proof"]["verificationMethod"]
    controller = vector["signed"]["issuer"]["id"]
    return ControllerDocumentResolver(
        [
            {
                "id": controller,
                "verificationMethod": [
                    {
                        "id": method,
                        "type": "Multikey",
                        "controller": controller,
                        "publicKeyMultibase": vector["public_multibase"],
                    }
                ],
                "assertionMethod": [method],
            }
        ]
    )


def test_open_badges_vector_byte_for_byte(ob_vector: dict[str, Any]) -> None:
    signed = ob_vector["signed"]
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    options = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    hashes = hash_for_proof(unsigned, options)
    vectors = Path(__file__).parent / "vectors" / "ob-v3p0"
    assert hashes.canonical_document == _text(vectors / "document-canon.txt")
    assert hashes.canonical_proof == _text(vectors / "proof-canon.txt")
    assert hashes.document_hash.hex() == ob_vector["document_hash"]
    assert hashes.proof_hash.hex() == ob_vector["proof_hash"]
    assert hashes.data.hex() == ob_vector["data"]

    key = IssuerKey.from_secret_multibase(ob_vector["secret_multibase"])
    assert key.sign(hashes.data).hex() == ob_vector["signature"]
    resigned = sign_credential(
        unsigned,
        key,
        verification_method=options["verificationMethod"],
        created=datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC),
    )
    assert resigned["proof"]["proofValue"] == ob_vector["proof_value"]
    assert resigned == signed
    assert verify_proof(signed, _ob_resolver(ob_vector)).proof_purpose == "assertionMethod"


def test_signing_refuses_undefined_terms(issuer_key: IssuerKey, unsigned_badge: Any) -> None:
    document = unsigned_badge("did:example:i", shoeSize=44)
    with pytest.raises(UndefinedTermError, match="shoeSize"):
        sign_credential(
            document, issuer_key, verification_method=issuer_key.did_key_verification_method
        )


def test_signing_refuses_unknown_contexts(issuer_key: IssuerKey, unsigned_badge: Any) -> None:
    document = unsigned_badge("did:example:i")
    document["@context"].append("https://contexts.example/extra.json")
    with pytest.raises(UnknownContextError, match=r"contexts\.example"):
        sign_credential(
            document, issuer_key, verification_method=issuer_key.did_key_verification_method
        )


def test_signing_twice_is_refused(signed_badge: dict[str, Any], issuer_key: IssuerKey) -> None:
    with pytest.raises(ProofError, match="already has a proof"):
        sign_credential(signed_badge, issuer_key, verification_method="did:key:x")


def test_sign_does_not_mutate_and_defaults_created_to_now(
    issuer_key: IssuerKey, unsigned_badge: Any
) -> None:
    document = unsigned_badge(issuer_key.did_key)
    before = copy.deepcopy(document)
    signed = sign_credential(
        document, issuer_key, verification_method=issuer_key.did_key_verification_method
    )
    assert document == before
    created = datetime.fromisoformat(signed["proof"]["created"])
    assert abs((datetime.now(UTC) - created).total_seconds()) < 60
    assert (
        verify_proof(signed, DidKeyResolver()).verification_method.controller == issuer_key.did_key
    )


def _mutate(signed: dict[str, Any], change: Any) -> dict[str, Any]:
    tampered = copy.deepcopy(signed)
    change(tampered)
    return tampered


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        (lambda d: d.pop("proof"), ProofError, "no proof"),
        (lambda d: d["proof"].update(type="Ed25519Signature2020"), ProofError, "proof type"),
        (lambda d: d["proof"].update(cryptosuite="ecdsa-rdfc-2019"), ProofError, "cryptosuite"),
        (lambda d: d["proof"].update(proofPurpose="authentication"), ProofError, "purpose"),
        (lambda d: d["proof"].pop("verificationMethod"), ProofError, "verificationMethod"),
        (lambda d: d["proof"].update(proofValue="u" + "A" * 86), ProofError, "base58btc"),
        (lambda d: d["proof"].update(proofValue="z3"), ProofError, "64 bytes"),
        (lambda d: d["proof"].update(proofValue="z" + "2" * 100_000), ProofError, "too long"),
        (lambda d: d["proof"].update(created="yesterday"), ProofError, "created"),
        (lambda d: d["proof"].update(created="2026-01-15T09:30:01Z"), ProofError, "signature"),
        (lambda d: d.update(name="Another badge"), ProofError, "signature"),
        (
            lambda d: d["proof"].update(verificationMethod="did:web:other.example#k"),
            DidResolutionError,
            "not in any",
        ),
        (lambda d: d.__setitem__("proof", [d["proof"], d["proof"]]), ProofError, "exactly one"),
    ],
)
def test_tampering_is_detected(
    signed_badge: dict[str, Any],
    resolver: ControllerDocumentResolver,
    change: Any,
    error: type[Exception],
    match: str,
) -> None:
    verify_proof(signed_badge, resolver)  # the untouched credential verifies
    with pytest.raises(error, match=match):
        verify_proof(_mutate(signed_badge, change), resolver)


def test_key_not_authorised_for_assertions_is_refused(
    signed_badge: dict[str, Any], issuer_did_document: dict[str, Any]
) -> None:
    document = copy.deepcopy(issuer_did_document)
    document["assertionMethod"] = []
    with pytest.raises(DidResolutionError, match="not authorised"):
        verify_proof(signed_badge, ControllerDocumentResolver([document]))


def test_wrong_key_is_refused(
    signed_badge: dict[str, Any], issuer_did_document: dict[str, Any]
) -> None:
    document = copy.deepcopy(issuer_did_document)
    document["verificationMethod"][0]["publicKeyMultibase"] = IssuerKey.from_seed(
        b"\x07" * 32
    ).public_key_multibase
    with pytest.raises(ProofError, match="signature"):
        verify_proof(signed_badge, ControllerDocumentResolver([document]))


def test_proof_context_must_prefix_the_document_context(
    signed_badge: dict[str, Any], resolver: ControllerDocumentResolver
) -> None:
    ok = _mutate(signed_badge, lambda d: d["proof"].update({"@context": d["@context"][:1]}))
    assert verify_proof(ok, resolver)
    bad = _mutate(
        signed_badge,
        lambda d: d["proof"].update({"@context": ["https://w3id.org/security/data-integrity/v2"]}),
    )
    with pytest.raises(ProofError, match="prefix"):
        verify_proof(bad, resolver)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths(v, (*prefix, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _paths(v, (*prefix, i))]
    return [prefix]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_change_to_any_field_breaks_verification(
    signed_badge: dict[str, Any], resolver: ControllerDocumentResolver, data: st.DataObject
) -> None:
    """Property: change any leaf (except the signature itself) and verification must fail."""
    leaves = [p for p in _paths(signed_badge) if p != ("proof", "proofValue")]
    path = data.draw(st.sampled_from(leaves), label="path")
    tampered = copy.deepcopy(signed_badge)
    parent = tampered
    for step in path[:-1]:
        parent = parent[step]
    old = parent[path[-1]]
    new = data.draw(
        st.one_of(st.text(min_size=1, max_size=12), st.integers(), st.booleans()).filter(
            lambda v: v != old
        ),
        label="new value",
    )
    if isinstance(old, str) and data.draw(st.booleans(), label="keep it a similar string"):
        new = old + data.draw(st.sampled_from(["x", " ", "0", "Z"]), label="suffix")
    parent[path[-1]] = new
    with pytest.raises(CredentialError):
        verify_proof(tampered, resolver)


def test_proof_value_flip_breaks_verification(
    signed_badge: dict[str, Any], resolver: ControllerDocumentResolver
) -> None:
    signature = bytearray(decode_base58btc(signed_badge["proof"]["proofValue"]))
    signature[10] ^= 1
    from microcred.credentials.core.multibase import encode_base58btc

    tampered = _mutate(
        signed_badge, lambda d: d["proof"].update(proofValue=encode_base58btc(bytes(signature)))
    )
    with pytest.raises(ProofError, match="signature"):
        verify_proof(tampered, resolver)
