"""Spec-level core of microcred's verifiable credentials.

Purity rule: this package imports no Django and no web code, performs no network I/O, and
writes no files except where the caller passes a path (``save_issuer_key``). JSON-LD contexts
come only from the copies pinned in ``microcred.specdata``; anything needing the network (fetching
a did:web document or a status list) is the caller's job, and the result is handed in. This
keeps signing and verification deterministic, testable offline, and usable from the CLI, the
web app and background tasks alike.

Public API (everything else is an implementation detail):

Signing and verifying
    ``sign_credential(document, key, verification_method=..., created=None)``
        adds an ``eddsa-rdfc-2022`` Data Integrity proof.
    ``verify_credential(document, resolver=..., status_lists=None, now=None)``
        returns a ``VerificationReport`` with the named checks ``json``, ``schema``,
        ``contexts``, ``proof``, ``issuer_key``, ``validity_window`` and ``status``; never
        raises for bad input.
    ``verify_proof(document, resolver)`` checks the proof alone and raises on failure.

Keys and issuer identity
    ``IssuerKey``, ``generate_issuer_key()``, ``save_issuer_key(key, path)`` (mode 0600),
    ``load_issuer_key(path)``; ``DidKeyResolver``, ``ControllerDocumentResolver``,
    ``build_did_web_document(domain, keys)``, ``did_web_url(did)``.

Status (Bitstring Status List v1.0)
    ``StatusList``, ``allocate_index``, ``build_status_entry``,
    ``build_status_list_credential``, ``check_status``.

JSON-LD and canonicalisation
    ``to_rdf(document)`` (offline, safe mode), ``canonicalize(quads, work_limit=...)``
    (RDFC-1.0), ``canonical_nquads(document)``.

Optional JOSE
    ``vcjwt.sign_vc_jwt`` / ``vcjwt.verify_vc_jwt``: a credential as an ES256 VC-JWT (not
    re-exported here; the Data Integrity proof above is the primary format).

Errors: every refusal raises a subclass of ``CredentialError`` (see ``errors``).
"""

from __future__ import annotations

from microcred.credentials.core.dataintegrity import (
    ProofHashes,
    VerifiedProof,
    hash_for_proof,
    sign_credential,
    verify_proof,
)
from microcred.credentials.core.did import (
    ControllerDocumentResolver,
    DidKeyResolver,
    VerificationMethod,
    VerificationMethodResolver,
    build_did_web_document,
    did_web_url,
)
from microcred.credentials.core.errors import (
    CanonicalizationLimitError,
    CredentialError,
    DidResolutionError,
    InvalidJsonLdError,
    KeyFormatError,
    MultibaseError,
    NQuadsSyntaxError,
    ProofError,
    SchemaViolationError,
    StatusListError,
    UndefinedTermError,
    UnknownContextError,
)
from microcred.credentials.core.jsonld import canonical_nquads, to_rdf
from microcred.credentials.core.keys import (
    IssuerKey,
    KeyFileError,
    generate_issuer_key,
    load_issuer_key,
    save_issuer_key,
)
from microcred.credentials.core.rdfc import canonicalize
from microcred.credentials.core.statuslist import (
    StatusList,
    allocate_index,
    build_status_entry,
    build_status_list_credential,
    check_status,
)
from microcred.credentials.core.verify import (
    Check,
    CheckStatus,
    VerificationReport,
    verify_credential,
)

__all__ = [
    "CanonicalizationLimitError",
    "Check",
    "CheckStatus",
    "ControllerDocumentResolver",
    "CredentialError",
    "DidKeyResolver",
    "DidResolutionError",
    "InvalidJsonLdError",
    "IssuerKey",
    "KeyFileError",
    "KeyFormatError",
    "MultibaseError",
    "NQuadsSyntaxError",
    "ProofError",
    "ProofHashes",
    "SchemaViolationError",
    "StatusList",
    "StatusListError",
    "UndefinedTermError",
    "UnknownContextError",
    "VerificationMethod",
    "VerificationMethodResolver",
    "VerificationReport",
    "VerifiedProof",
    "allocate_index",
    "build_did_web_document",
    "build_status_entry",
    "build_status_list_credential",
    "canonical_nquads",
    "canonicalize",
    "check_status",
    "did_web_url",
    "generate_issuer_key",
    "hash_for_proof",
    "load_issuer_key",
    "save_issuer_key",
    "sign_credential",
    "to_rdf",
    "verify_credential",
    "verify_proof",
]
