"""Issuer identity: verification method resolution (did:key offline, controller documents)
and did:web document building.

Resolution never touches the network: did:key carries its key in the identifier, and for
did:web (or an Open Badges issuer profile) the caller hands in the controller document it
fetched and trusts. Keeping I/O out makes verification reproducible and testable, and lets the
web layer decide about caching and timeouts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, unquote

from microcred.credentials.core.errors import DidResolutionError, KeyFormatError
from microcred.credentials.core.keys import IssuerKey
from microcred.credentials.core.multikey import decode_public_key

__all__ = [
    "DID_CONTEXTS",
    "ControllerDocumentResolver",
    "DidKeyResolver",
    "VerificationMethod",
    "VerificationMethodResolver",
    "build_did_web_document",
    "did_web_from_domain",
    "did_web_url",
]

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
_RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
)


@dataclass(frozen=True, slots=True)
class VerificationMethod:
    """A resolved public key and what its controller authorised it for."""

    id: str
    controller: str
    public_key: bytes
    relationships: frozenset[str] = field(default_factory=frozenset)


class VerificationMethodResolver(Protocol):
    """Anything that turns a verification method id into a key, or raises DidResolutionError."""

    def resolve(self, verification_method_id: str) -> VerificationMethod: ...


class DidKeyResolver:
    """Resolves ``did:key`` Ed25519 verification methods without any I/O."""

    def resolve(self, verification_method_id: str) -> VerificationMethod:
        did, _, fragment = verification_method_id.partition("#")
        if not did.startswith("did:key:"):
            raise DidResolutionError(f"{verification_method_id!r} is not a did:key identifier")
        multibase = did[len("did:key:") :]
        if fragment and fragment != multibase:
            raise DidResolutionError(
                f"{verification_method_id!r}: a did:key fragment must repeat the key"
            )
        try:
            public_key = decode_public_key(multibase)
        except KeyFormatError as error:
            raise DidResolutionError(
                f"{did!r} is not an Ed25519 did:key (only Ed25519 is supported): {error}"
            ) from error
        return VerificationMethod(
            id=f"{did}#{multibase}",
            controller=did,
            public_key=public_key,
            relationships=frozenset(_RELATIONSHIPS),
        )


def _reference_id(entry: Any, base: str) -> str | None:
    if isinstance(entry, str):
        return base + entry if entry.startswith("#") else entry
    if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
        value: str = entry["id"]
        return base + value if value.startswith("#") else value
    return None


class ControllerDocumentResolver:
    """Resolves verification methods listed in controller documents the caller trusts.

    Accepts DID documents (did:web) and Open Badges issuer profiles that embed Multikey
    verification methods. Falls back to did:key, which needs no document.
    """

    def __init__(self, documents: Iterable[Mapping[str, Any]] = (), *, did_key: bool = True):
        self._methods: dict[str, VerificationMethod] = {}
        self._did_key = DidKeyResolver() if did_key else None
        for document in documents:
            self.add(document)

    def add(self, document: Mapping[str, Any]) -> None:
        controller = document.get("id")
        if not isinstance(controller, str):
            raise DidResolutionError("a controller document needs a string 'id'")
        relationships: dict[str, set[str]] = {}
        for name in _RELATIONSHIPS:
            entries = document.get(name, [])
            for entry in entries if isinstance(entries, list) else [entries]:
                ref = _reference_id(entry, controller)
                if ref is not None:
                    relationships.setdefault(ref, set()).add(name)
        listed = document.get("verificationMethod", [])
        candidates = list(listed) if isinstance(listed, list) else [listed]
        for name in _RELATIONSHIPS:  # embedded verification methods
            entries = document.get(name, [])
            for entry in entries if isinstance(entries, list) else [entries]:
                if isinstance(entry, Mapping):
                    candidates.append(entry)
        for method in candidates:
            if not isinstance(method, Mapping):
                continue
            method_id = _reference_id(method, controller)
            method_controller = method.get("controller", controller)
            if method_id is None or method_controller != controller:
                continue  # a document may only speak for keys it controls
            if method.get("type") != "Multikey" or "publicKeyMultibase" not in method:
                continue
            try:
                public_key = decode_public_key(method["publicKeyMultibase"])
            except KeyFormatError:
                continue
            self._methods[method_id] = VerificationMethod(
                id=method_id,
                controller=controller,
                public_key=public_key,
                relationships=frozenset(relationships.get(method_id, set())),
            )

    def resolve(self, verification_method_id: str) -> VerificationMethod:
        found = self._methods.get(verification_method_id)
        if found is not None:
            return found
        if self._did_key is not None and verification_method_id.startswith("did:key:"):
            return self._did_key.resolve(verification_method_id)
        raise DidResolutionError(
            f"verification method {verification_method_id!r} is not in any trusted controller "
            "document"
        )


def did_web_from_domain(domain: str, path: Sequence[str] = ()) -> str:
    """``example.edu:8443`` + ``["issuers", "1"]`` -> ``did:web:example.edu%3A8443:issuers:1``."""
    if not domain or "/" in domain:
        raise DidResolutionError(f"{domain!r} is not a host name (with optional port)")
    parts = [quote(domain, safe="."), *(quote(p, safe="") for p in path)]
    return "did:web:" + ":".join(parts)


def did_web_url(did: str) -> str:
    """Where a did:web document lives (the caller fetches it; this module never does)."""
    if not did.startswith("did:web:"):
        raise DidResolutionError(f"{did!r} is not a did:web identifier")
    host, *path = did[len("did:web:") :].split(":")
    if not host:
        raise DidResolutionError(f"{did!r} has no host")
    base = "https://" + unquote(host)
    if path:
        return base + "/" + "/".join(unquote(p) for p in path) + "/did.json"
    return base + "/.well-known/did.json"


def build_did_web_document(
    domain: str, keys: Sequence[IssuerKey | str], *, path: Sequence[str] = ()
) -> dict[str, Any]:
    """A did:web DID document listing every key, newest first, for assertions.

    Rotation means adding the new key in front and keeping the old ones: credentials signed
    with an old key stay verifiable until the issuer deliberately removes it. Key fragments are
    the public Multikeys themselves, so ids never shift when keys are added or removed.
    """
    if not keys:
        raise DidResolutionError("a did:web document needs at least one key")
    did = did_web_from_domain(domain, path)
    methods: list[dict[str, str]] = []
    seen: set[str] = set()
    for key in keys:
        multibase = key.public_key_multibase if isinstance(key, IssuerKey) else key
        decode_public_key(multibase)  # refuse anything that is not an Ed25519 Multikey
        if multibase in seen:
            continue
        seen.add(multibase)
        methods.append(
            {
                "id": f"{did}#{multibase}",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multibase,
            }
        )
    ids = [m["id"] for m in methods]
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }
