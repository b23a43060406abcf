"""Sign many credentials that share large identified parts, without re-expanding those parts.

A cohort's Open Badges all embed the same ``Achievement`` (about 250 of the 430 RDF
statements of a full credential) and the same issuer ``Profile``. JSON-LD turns a node
object that has an ``id`` into statements about that IRI, and the expansion of a node value
depends only on the active context at that point, which for these two is the document's
top-level context (the type-scoped contexts of their parents do not propagate). So the RDF of
a credential is exactly the RDF of the credential with those nodes replaced by ``{"id": ...}``
plus the RDF of each node on its own under the document's ``@context``. The shared parts are
expanded once and their statements reused; every document still goes through safe-mode
expansion and RDFC-1.0 canonicalisation, and the signature is the ordinary
``eddsa-rdfc-2022`` one: any verifier checks it without knowing this happened.

As a guard, the first document that uses a given shared part is also canonicalised whole,
and signing refuses (``ProofError``) if the two canonical forms differ.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from microcred.credentials.core.dataintegrity import (
    CRYPTOSUITE,
    PROOF_TYPE,
    _hash_for_proof,
    _with_integrity_context,
)
from microcred.credentials.core.dates import format_datetime
from microcred.credentials.core.errors import ProofError
from microcred.credentials.core.jsonld import canonical_nquads, to_rdf
from microcred.credentials.core.keys import IssuerKey
from microcred.credentials.core.multibase import encode_base58btc
from microcred.credentials.core.nquads import Quad, Term
from microcred.credentials.core.rdfc import DEFAULT_WORK_LIMIT, canonicalize

__all__ = ["SHARED_PARTS", "SharedPartSigner"]

# Paths of node objects that may be shared between credentials: only these, because the
# equivalence above needs the property leading to them to carry no scoped context.
SHARED_PARTS: tuple[tuple[str, ...], ...] = (("credentialSubject", "achievement"), ("issuer",))


def _relabel(quads: Sequence[Quad], prefix: str) -> list[Quad]:
    def term(value: Term) -> Term:
        if value.kind == "bnode":
            return Term("bnode", prefix + value.value, value.datatype, value.language)
        return value

    return [Quad(term(q.subject), term(q.predicate), term(q.object), term(q.graph)) for q in quads]


class SharedPartSigner:
    """Signs documents like ``sign_credential``, caching the RDF of shared, identified parts.

    Not thread-safe; use one per process or thread (the batch issuer uses one per worker).
    """

    def __init__(
        self,
        key: IssuerKey,
        verification_method: str,
        *,
        paths: Sequence[Sequence[str]] = SHARED_PARTS,
        work_limit: int = DEFAULT_WORK_LIMIT,
        max_entries: int = 64,
    ) -> None:
        self._key = key
        self._method = verification_method
        self._paths = [tuple(path) for path in paths]
        self._work_limit = work_limit
        self._cache: dict[str, list[Quad]] = {}
        self._max_entries = max_entries

    def _shared_quads(self, context: Any, node: Mapping[str, Any]) -> tuple[list[Quad], bool]:
        cache_key = json.dumps([context, node], sort_keys=True, separators=(",", ":"))
        found = self._cache.get(cache_key)
        if found is not None:
            return found, False
        quads = _relabel(
            to_rdf({"@context": copy.deepcopy(context), **node}), f"s{len(self._cache)}_"
        )
        if len(self._cache) >= self._max_entries:
            self._cache.clear()
        self._cache[cache_key] = quads
        return quads, True

    def canonical_document(self, document: Mapping[str, Any]) -> str:
        """The RDFC-1.0 canonical N-Quads of ``document`` (which must carry no proof)."""
        skeleton = dict(document)  # copied along the replaced paths only: never mutates input
        shared: list[Quad] = []
        new_part = False
        for path in self._paths:
            parent: Any = skeleton
            for step in path[:-1]:
                child = parent.get(step) if isinstance(parent, dict) else None
                if not isinstance(child, dict):
                    parent = None
                    break
                parent[step] = dict(child)
                parent = parent[step]
            node = parent.get(path[-1]) if isinstance(parent, dict) else None
            if not isinstance(node, dict) or not isinstance(node.get("id"), str):
                continue
            if "@context" in node:
                continue  # an embedded context changes the active context: no shortcut
            quads, fresh = self._shared_quads(document["@context"], node)
            shared.extend(quads)
            new_part = new_part or fresh
            parent[path[-1]] = {"id": node["id"]}
        canonical = canonicalize(to_rdf(skeleton) + shared, work_limit=self._work_limit).nquads
        if new_part and canonical != canonical_nquads(dict(document), work_limit=self._work_limit):
            raise ProofError(
                "shared-part signing would not match the document's own canonical form; "
                "sign it with sign_credential"
            )
        return canonical

    def sign(
        self,
        document: Mapping[str, Any],
        *,
        created: datetime | None = None,
        proof_purpose: str = "assertionMethod",
    ) -> dict[str, Any]:
        """``document`` plus an ``eddsa-rdfc-2022`` proof, as ``sign_credential`` makes it.

        Unlike ``sign_credential`` the result shares nested objects with ``document`` (no deep
        copy: a cohort's worth of copying is measurable), so do not mutate one afterwards.
        """
        if "proof" in document:
            raise ProofError("the document already has a proof; sign the unsecured document")
        if "@context" not in document:
            raise ProofError("the document has no @context, so it cannot be canonicalised")
        document = _with_integrity_context(document)
        options: dict[str, Any] = {
            "type": PROOF_TYPE,
            "cryptosuite": CRYPTOSUITE,
            "created": format_datetime(created if created is not None else datetime.now(UTC)),
            "verificationMethod": self._method,
            "proofPurpose": proof_purpose,
        }
        canonical = self.canonical_document(document)
        hashes = _hash_for_proof(document, options, self._work_limit, canonical)
        options["proofValue"] = encode_base58btc(self._key.sign(hashes.data))
        secured = dict(document)  # shallow: the caller hands over a freshly rendered document
        secured["proof"] = options
        return secured
