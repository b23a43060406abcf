"""Sign many credentials that share large parts, without redoing the work on those parts.

A cohort's Open Badges all embed the same ``Achievement`` (about 250 of the 430 RDF
statements of a full credential), the same issuer ``Profile`` and, in the final grade's
result, the same ESCO skill ``Alignment``s (another 100). JSON-LD turns a node object into
statements about its ``id`` (or a fresh blank node when it has none), and the expansion of a
node object depends only on the active context at that point and on the object itself. So
the RDF of a credential is exactly the RDF of the credential with each such node replaced by
a reference to it, plus the RDF of each node on its own, expanded under the same active
context: for the paths in ``SHARED_PARTS`` that is the document's top-level ``@context``,
because the parents' type-scoped contexts do not propagate and the properties leading there
carry no scoped context. A node without an ``id`` is given a placeholder IRI for this, which
is then turned back into a blank node of its own in both halves.

Each shared part is expanded once per signer and *prepared* for RDFC-1.0 (``rdfc.prepare``:
the first-degree hashes of its blank nodes and its N-Quads lines); a cohort's proof
configuration (same key, purpose and ``created`` time) is canonicalised once. Per document
only the rest is expanded (in safe mode) and only its own blank nodes are hashed, then the
whole dataset is canonicalised with RDFC-1.0 as usual. The signature is the ordinary
``eddsa-rdfc-2022`` one: any verifier checks it without knowing this happened, and it is
byte-identical to ``sign_credential``'s (tested).

Guards: a part is cached under the document's ``@context``, the types of every node above it
and its own JSON, so equal keys mean equal expansions. Parts with an embedded ``@context`` on
the way, with keywords other than ``@type`` (``@id``, ``@value``...), with blank node labels
(``_:``) of their own, or that do not expand on their own stay in the document.
The first document that uses a given part is also canonicalised whole, and signing refuses
(``ProofError``) if the two canonical forms differ.
"""

from __future__ import annotations

import copy
import itertools
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from microcred.credentials.core.dataintegrity import (
    CRYPTOSUITE,
    PROOF_TYPE,
    _hash_for_proof,
    _with_integrity_context,
)
from microcred.credentials.core.dates import format_datetime
from microcred.credentials.core.errors import CredentialError, ProofError
from microcred.credentials.core.jsonld import canonical_nquads, to_rdf
from microcred.credentials.core.keys import IssuerKey
from microcred.credentials.core.multibase import encode_base58btc
from microcred.credentials.core.nquads import Quad, Term
from microcred.credentials.core.rdfc import (
    DEFAULT_WORK_LIMIT,
    PreparedQuads,
    canonicalize,
    prepare,
)

__all__ = ["SHARED_PARTS", "SharedPartSigner"]

# Paths of node objects that may be shared between credentials ("*": each element of a
# list): only these, because the equivalence above needs the properties leading to them to
# carry no scoped context and their parents' type-scoped contexts not to propagate.
SHARED_PARTS: tuple[tuple[str, ...], ...] = (
    ("credentialSubject", "achievement"),
    ("issuer",),
    ("credentialSubject", "result", "*", "alignment", "*"),
)


def _relabel(quads: Sequence[Quad], prefix: str, root: str | None = None) -> list[Quad]:
    """Prefix every blank node label; the IRI ``root`` becomes ``_:<prefix>root``."""

    def term(value: Term) -> Term:
        if value.kind == "bnode":
            return Term("bnode", prefix + value.value)
        if value.kind == "iri" and value.value == root:
            return Term("bnode", prefix + "root")
        return value

    return [Quad(term(q.subject), term(q.predicate), term(q.object), term(q.graph)) for q in quads]


@dataclass(frozen=True, slots=True)
class _Part:
    prepared: PreparedQuads
    placeholder: str | None  # the IRI standing in for an anonymous node, else None
    label: str  # the blank node the placeholder becomes


_Visit = Callable[[dict[str, Any], tuple[Any, ...]], "dict[str, Any] | None"]


def _substitute(value: Any, path: Sequence[str], types: tuple[Any, ...], visit: _Visit) -> Any:
    """``value`` with the nodes at ``path`` replaced by ``visit``; copies only what changes."""
    if not path:
        if isinstance(value, dict):
            replacement = visit(value, types)
            return value if replacement is None else replacement
        return value
    step, rest = path[0], path[1:]
    if step == "*":
        if not isinstance(value, list):
            return _substitute(value, rest, types, visit)
        items = [_substitute(item, rest, types, visit) for item in value]
        changed = any(new is not old for new, old in zip(items, value, strict=True))
        return items if changed else value
    if not isinstance(value, dict) or step not in value:
        return value
    if types and "@context" in value:
        return value  # an embedded context changes the active context: no shortcut below
    child = _substitute(value[step], rest, (*types, [value.get("type"), value.get("@type")]), visit)
    if child is value[step]:
        return value
    return {**value, step: child}


class SharedPartSigner:
    """Signs documents like ``sign_credential``, reusing the work on parts they share.

    For each shared part it keeps the part's RDF, prepared for RDFC-1.0 (``rdfc.prepare``:
    the first-degree hashes of its blank nodes and its N-Quads lines), and for each proof
    configuration (the proof options and the document's ``@context``; a batch signs every
    credential with the same ``created`` time) its canonical form. Per document, only the
    document without its shared parts is expanded and only its own blank nodes are hashed.

    Not thread-safe; use one per process or thread (the batch issuer uses one per worker).
    """

    def __init__(
        self,
        key: IssuerKey,
        verification_method: str,
        *,
        paths: Sequence[Sequence[str]] = SHARED_PARTS,
        work_limit: int = DEFAULT_WORK_LIMIT,
        max_entries: int = 1024,  # parts per cohort: Achievement, issuer, one per skill
    ) -> None:
        self._key = key
        self._method = verification_method
        self._paths = [tuple(path) for path in paths]
        self._work_limit = work_limit
        self._cache: dict[str, _Part] = {}
        self._proofs: dict[str, str] = {}
        self._max_entries = max_entries
        self._labels = itertools.count()  # never reused, so parts never share blank nodes
        self._token = secrets.token_hex(16)

    def _shared_part(
        self, context: Any, types: tuple[Any, ...], node: Mapping[str, Any]
    ) -> tuple[_Part | None, bool]:
        """The prepared part for ``node`` (None: not shareable) and whether it is new."""
        cache_key = json.dumps([context, types, node], sort_keys=True, separators=(",", ":"))
        found = self._cache.get(cache_key)
        if found is not None:
            return found, False
        if '"_:' in cache_key or any(k.startswith("@") and k != "@type" for k in node):
            return None, False  # blank node labels, or not a plain node object: keep it
        number = next(self._labels)
        prefix = f"s{number}_"
        placeholder = None
        standalone: dict[str, Any] = {"@context": copy.deepcopy(context), **node}
        if "id" not in node:
            placeholder = f"urn:microcred:batchsign:{self._token}:{number}"
            standalone["@id"] = placeholder
        label = prefix + "root"  # linked to its parent in each document: hashed there
        try:
            quads = to_rdf(standalone)
        except CredentialError:
            return None, False  # let the document's own processing accept or refuse it
        part = _Part(
            prepare(_relabel(quads, prefix, placeholder), open_nodes=[label]), placeholder, label
        )
        if len(self._cache) >= self._max_entries:
            self._cache.clear()
        self._cache[cache_key] = part
        return part, True

    def _canonical_proof(self, document: Mapping[str, Any], options: Mapping[str, Any]) -> str:
        cache_key = json.dumps(
            [document["@context"], options], sort_keys=True, separators=(",", ":")
        )
        found = self._proofs.get(cache_key)
        if found is None:
            config = {**options, "@context": copy.deepcopy(document["@context"])}
            found = canonical_nquads(config, work_limit=self._work_limit)
            if len(self._proofs) >= self._max_entries:
                self._proofs.clear()
            self._proofs[cache_key] = found
        return found

    def canonical_document(self, document: Mapping[str, Any]) -> str:
        """The RDFC-1.0 canonical N-Quads of ``document`` (which must carry no proof)."""
        context = document["@context"]
        used: dict[int, _Part] = {}
        new_part = False

        def visit(node: dict[str, Any], types: tuple[Any, ...]) -> dict[str, Any] | None:
            nonlocal new_part
            if "@context" in node or not isinstance(node.get("id", ""), str):
                return None
            part, fresh = self._shared_part(context, types, node)
            if part is None or id(part) in used:
                return None  # a second use in one document would merge two blank nodes
            used[id(part)] = part
            new_part = new_part or fresh
            if part.placeholder is None:
                return {"id": node["id"]}
            return {"@id": part.placeholder}

        skeleton: Any = document
        for path in self._paths:
            skeleton = _substitute(skeleton, path, (), visit)
        parts = list(used.values())
        quads = self._link(to_rdf(skeleton), parts)
        if quads is None:  # a placeholder turned up where it should not: no shortcut
            return canonical_nquads(dict(document), work_limit=self._work_limit)
        canonical = canonicalize(
            quads, work_limit=self._work_limit, prepared=[p.prepared for p in parts]
        ).nquads
        if new_part and canonical != canonical_nquads(dict(document), work_limit=self._work_limit):
            raise ProofError(
                "shared-part signing would not match the document's own canonical form; "
                "sign it with sign_credential"
            )
        return canonical

    @staticmethod
    def _link(quads: list[Quad], parts: Sequence[_Part]) -> list[Quad] | None:
        """Turn each placeholder IRI back into its part's blank node (None: not as expected).

        A placeholder must occur exactly once, as the object linking the node to its parent.
        """
        labels = {p.placeholder: p.label for p in parts if p.placeholder is not None}
        if not labels:
            return quads
        seen: set[str] = set()
        linked: list[Quad] = []
        for quad in quads:
            if (
                quad.subject.value in labels
                or quad.predicate.value in labels
                or quad.graph.value in labels
            ):
                return None
            obj = quad.object
            if obj.kind == "iri" and obj.value in labels:
                if obj.value in seen:
                    return None
                seen.add(obj.value)
                quad = quad._replace(object=Term("bnode", labels[obj.value]))
            linked.append(quad)
        return linked if len(seen) == len(labels) else None

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
        hashes = _hash_for_proof(
            document, options, self._work_limit, canonical, self._canonical_proof(document, options)
        )
        options["proofValue"] = encode_base58btc(self._key.sign(hashes.data))
        secured = dict(document)  # shallow: the caller hands over a freshly rendered document
        secured["proof"] = options
        return secured
