"""The issuer as it appears in credentials: a DID plus the awarding body's public details.

The DID is what verifiers resolve to a key (did:key offline, did:web through the instance's
``/.well-known/did.json``); the name, address and legal identifier come from the course's
awarding body (Annex I: awarding body, country/region of the issuer).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from microcred.credentials.core.did import did_web_from_domain
from microcred.credentials.core.errors import DidResolutionError
from microcred.credentials.core.keys import IssuerKey
from microcred.curriculum.spec.model import Microcredential

__all__ = ["IssuerProfile", "did_web_for_base_url"]


@dataclass(frozen=True, slots=True)
class IssuerProfile:
    id: str
    verification_method: str
    name: str
    url: str = ""
    email: str = ""
    country: str = ""
    region: str = ""
    address: str = ""
    legal_identifier: str = ""
    unit: str = ""

    @property
    def is_did_key(self) -> bool:
        return self.id.startswith("did:key:")

    @classmethod
    def for_description(
        cls, description: Microcredential, did: str, verification_method: str
    ) -> IssuerProfile:
        body = description.awarding_body
        return cls(
            id=did,
            verification_method=verification_method,
            name=body.name,
            url=body.website,
            email=body.email,
            country=body.country,
            region=body.region,
            address=body.address,
            legal_identifier=body.legal_identifier,
            unit=body.unit,
        )

    @classmethod
    def did_key(cls, description: Microcredential, key: IssuerKey) -> IssuerProfile:
        """An issuer that verifies fully offline: the key is the identifier."""
        return cls.for_description(description, key.did_key, key.did_key_verification_method)

    @classmethod
    def did_web(cls, description: Microcredential, base_url: str, key: IssuerKey) -> IssuerProfile:
        """An issuer identified by the instance's domain; ``key`` must be in its DID document."""
        did = did_web_for_base_url(base_url)
        return cls.for_description(description, did, f"{did}#{key.public_key_multibase}")


def did_web_for_base_url(base_url: str) -> str:
    """``https://example.edu:8443/mc`` -> ``did:web:example.edu%3A8443:mc``."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise DidResolutionError(f"{base_url!r} is not an http(s) base URL")
    path = [segment for segment in parts.path.split("/") if segment]
    return did_web_from_domain(parts.netloc, path)
