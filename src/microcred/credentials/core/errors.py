"""Typed errors of the credentials core.

Every failure a caller may want to tell apart has its own class, so the verifier can map
exceptions onto named checks without parsing messages, and messages can stay written for
people.
"""

from __future__ import annotations

__all__ = [
    "CanonicalizationLimitError",
    "CredentialError",
    "DidResolutionError",
    "InvalidJsonLdError",
    "KeyFormatError",
    "MultibaseError",
    "NQuadsSyntaxError",
    "ProofError",
    "SchemaViolationError",
    "StatusListError",
    "UndefinedTermError",
    "UnknownContextError",
]


class CredentialError(Exception):
    """Base class: anything the credentials core refuses raises a subclass of this."""


class UnknownContextError(CredentialError):
    """A document names a JSON-LD context that is not pinned in this package."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"unknown JSON-LD context {url!r}: only contexts pinned in microcred are "
            "accepted and nothing is fetched from the network"
        )
        self.url = url


class UndefinedTermError(CredentialError):
    """A property or type is not defined by the document's contexts."""

    def __init__(self, term: str, detail: str) -> None:
        super().__init__(f"term {term!r} is not defined by the document's contexts: {detail}")
        self.term = term


class InvalidJsonLdError(CredentialError):
    """The document is not valid JSON-LD (pyld refused it)."""


class NQuadsSyntaxError(CredentialError):
    """Text handed to the N-Quads parser is not N-Quads."""


class CanonicalizationLimitError(CredentialError):
    """RDFC-1.0 needed more work than allowed: the dataset is (likely) a poison graph."""


class MultibaseError(CredentialError):
    """A multibase string is malformed or uses an unexpected base."""


class KeyFormatError(CredentialError):
    """A key is not an Ed25519 Multikey (wrong multicodec header, length or encoding)."""


class DidResolutionError(CredentialError):
    """A DID or verification method could not be resolved to a usable key."""


class ProofError(CredentialError):
    """A Data Integrity proof is missing, malformed, or does not verify."""


class SchemaViolationError(CredentialError):
    """The document is not shaped like the credential it claims to be."""


class StatusListError(CredentialError):
    """A status list or status entry is malformed, or an index is out of range or taken."""
