"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite.

Signature input, per the W3C EdDSA cryptosuites spec: SHA-256 of the RDFC-1.0 canonical proof
configuration (the proof without ``proofValue``, under the document's ``@context``) followed by
SHA-256 of the canonical document without its proof. Hashing both means neither the claims nor
the proof metadata (key, purpose, creation time) can be swapped without breaking the signature.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from microcred.credentials.core.dates import format_datetime, parse_datetime
from microcred.credentials.core.did import VerificationMethod, VerificationMethodResolver
from microcred.credentials.core.errors import DidResolutionError, MultibaseError, ProofError
from microcred.credentials.core.jsonld import canonical_nquads
from microcred.credentials.core.keys import IssuerKey, verify_ed25519
from microcred.credentials.core.multibase import decode_base58btc, encode_base58btc
from microcred.credentials.core.rdfc import DEFAULT_WORK_LIMIT

__all__ = [
    "CRYPTOSUITE",
    "PROOF_TYPE",
    "ProofHashes",
    "VerifiedProof",
    "hash_for_proof",
    "sign_credential",
    "verify_proof",
]

CRYPTOSUITE = "eddsa-rdfc-2022"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
_PROOF_TERM_CONTEXTS = frozenset(
    {
        "https://www.w3.org/ns/credentials/v2",
        DATA_INTEGRITY_V2,
        "https://w3id.org/security/data-integrity/v1",
    }
)
PROOF_TYPE = "DataIntegrityProof"


@dataclass(frozen=True, slots=True)
class ProofHashes:
    """Every intermediate value of the signature input, for tests and debugging."""

    canonical_document: str
    canonical_proof: str
    document_hash: bytes
    proof_hash: bytes

    @property
    def data(self) -> bytes:
        """What Ed25519 signs: proof hash, then document hash."""
        return self.proof_hash + self.document_hash


@dataclass(frozen=True, slots=True)
class VerifiedProof:
    verification_method: VerificationMethod
    proof_purpose: str
    created: datetime | None


def hash_for_proof(
    unsecured: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    *,
    work_limit: int = DEFAULT_WORK_LIMIT,
) -> ProofHashes:
    """Canonicalise and hash a document (without proof) and a proof configuration."""
    return _hash_for_proof(unsecured, proof_options, work_limit, None)


def _hash_for_proof(
    unsecured: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    work_limit: int,
    canonical_document: str | None,
    canonical_proof: str | None = None,
) -> ProofHashes:
    if "@context" not in unsecured:
        raise ProofError("the document has no @context, so it cannot be canonicalised")
    if canonical_proof is None:
        config = {k: v for k, v in proof_options.items() if k != "proofValue"}
        config["@context"] = copy.deepcopy(unsecured["@context"])
        canonical_proof = canonical_nquads(config, work_limit=work_limit)
    if canonical_document is None:
        canonical_document = canonical_nquads(dict(unsecured), work_limit=work_limit)
    return ProofHashes(
        canonical_document=canonical_document,
        canonical_proof=canonical_proof,
        document_hash=hashlib.sha256(canonical_document.encode("utf-8")).digest(),
        proof_hash=hashlib.sha256(canonical_proof.encode("utf-8")).digest(),
    )


def sign_credential(
    document: Mapping[str, Any],
    key: IssuerKey,
    *,
    verification_method: str,
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
    work_limit: int = DEFAULT_WORK_LIMIT,
) -> dict[str, Any]:
    """Return a copy of ``document`` with an ``eddsa-rdfc-2022`` proof added.

    For VC 1.1 documents the Data Integrity v2 context is appended to ``@context`` first, as
    the Data Integrity spec requires.

    Undefined terms and unknown contexts raise before anything is signed, so we never issue a
    credential that independent verifiers would reject or that carries unsigned fields.
    """
    if "proof" in document:
        raise ProofError("the document already has a proof; sign the unsecured document")
    document = _with_integrity_context(document)
    moment = created if created is not None else datetime.now(UTC)
    options: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": format_datetime(moment),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    hashes = hash_for_proof(document, options, work_limit=work_limit)
    options["proofValue"] = encode_base58btc(key.sign(hashes.data))
    secured = copy.deepcopy(dict(document))
    secured["proof"] = options
    return secured


def _with_integrity_context(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """Add the Data Integrity context when the document's contexts lack the proof terms.

    VC 2.0's context defines ``DataIntegrityProof``, ``cryptosuite`` and friends; VC 1.1's does
    not, and the Data Integrity spec requires ``data-integrity/v2`` to be added then (ELM/EDC
    credentials are VC 1.1).
    """
    raw = document.get("@context")
    contexts = raw if isinstance(raw, list) else [raw]
    if any(c in _PROOF_TERM_CONTEXTS for c in contexts):
        return document
    return {**document, "@context": [*contexts, DATA_INTEGRITY_V2]}


def _single_proof(document: Mapping[str, Any]) -> dict[str, Any]:
    proof = document.get("proof")
    if proof is None:
        raise ProofError("the credential has no proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise ProofError("only credentials with exactly one proof are supported")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("the proof must be a JSON object")
    return proof


def verify_proof(
    document: Mapping[str, Any],
    resolver: VerificationMethodResolver,
    *,
    expected_purpose: str = "assertionMethod",
    work_limit: int = DEFAULT_WORK_LIMIT,
) -> VerifiedProof:
    """Check the ``eddsa-rdfc-2022`` proof of ``document``; raise instead of returning False.

    Raises ``ProofError`` when the proof is absent, malformed or the signature does not match,
    ``DidResolutionError`` when the key cannot be found or is not authorised for the purpose,
    and JSON-LD errors (unknown context, undefined term) from canonicalisation.
    """
    return _verify_proof(document, resolver, expected_purpose, work_limit, None)


def _verify_proof(
    document: Mapping[str, Any],
    resolver: VerificationMethodResolver,
    expected_purpose: str,
    work_limit: int,
    canonical_document: str | None,
) -> VerifiedProof:
    """``verify_proof``, reusing the canonical document when the verifier already has it."""
    proof = _single_proof(document)
    if proof.get("type") != PROOF_TYPE:
        raise ProofError(f"proof type {proof.get('type')!r} is not {PROOF_TYPE!r}")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"cryptosuite {proof.get('cryptosuite')!r} is not {CRYPTOSUITE!r}")
    purpose = proof.get("proofPurpose")
    if purpose != expected_purpose:
        raise ProofError(f"proof purpose {purpose!r} is not the expected {expected_purpose!r}")
    method_id = proof.get("verificationMethod")
    if not isinstance(method_id, str):
        raise ProofError("the proof names no verificationMethod")
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str):
        raise ProofError("the proof has no proofValue")
    if len(proof_value) > 100:  # base58 decoding is quadratic; a signature needs about 88
        raise ProofError("proofValue is far too long for an Ed25519 signature")
    try:
        signature = decode_base58btc(proof_value)
    except MultibaseError as error:
        raise ProofError(f"proofValue is not base58btc multibase: {error}") from error
    if len(signature) != 64:
        raise ProofError(f"an Ed25519 signature is 64 bytes, proofValue holds {len(signature)}")
    created: datetime | None = None
    if "created" in proof:
        try:
            created = parse_datetime(proof["created"])
        except ValueError as error:
            raise ProofError(f"proof 'created' is invalid: {error}") from error
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof_context = proof.get("@context")
    if proof_context is not None:
        document_context = unsecured.get("@context")
        doc_list = document_context if isinstance(document_context, list) else [document_context]
        proof_list = proof_context if isinstance(proof_context, list) else [proof_context]
        if doc_list[: len(proof_list)] != proof_list:
            raise ProofError("the proof's @context is not a prefix of the document's @context")
    options = {k: v for k, v in proof.items() if k != "@context"}
    hashes = _hash_for_proof(unsecured, options, work_limit, canonical_document)
    method = resolver.resolve(method_id)
    if purpose not in method.relationships:
        raise DidResolutionError(
            f"key {method_id!r} is not authorised by its controller for {purpose!r}"
        )
    if not verify_ed25519(method.public_key, signature, hashes.data):
        raise ProofError(
            "the signature does not match the credential: it was altered or signed with another key"
        )
    return VerifiedProof(verification_method=method, proof_purpose=purpose, created=created)
