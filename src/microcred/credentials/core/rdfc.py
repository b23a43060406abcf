"""RDF Dataset Canonicalization (RDFC-1.0) with a work limit.

Written here rather than taken from pyld because pyld's URDNA2015 mis-escapes N-Quads
(RDFC-1.0 test060) and has no bound on the Hash N-Degree Quads recursion, whose cost is
factorial in the size of groups of indistinguishable blank nodes. A verifier canonicalises
documents chosen by strangers, so a crafted "poison" graph (a 10-node blank-node clique, test074)
must be refused quickly instead of pinning a CPU for hours. The limit counts units of deep work
(one unit per Hash N-Degree Quads call and per permutation examined); ordinary credentials need
none, because their blank nodes are told apart by their first-degree hashes.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from microcred.credentials.core.errors import CanonicalizationLimitError
from microcred.credentials.core.nquads import Quad, Term, serialize_quad

__all__ = [
    "DEFAULT_WORK_LIMIT",
    "CanonicalDataset",
    "HashAlgorithm",
    "canonicalize",
]

HashAlgorithm = Literal["sha256", "sha384"]

# The whole W3C suite needs at most 3,348 units (test044); a 10-node clique needs billions.
DEFAULT_WORK_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class CanonicalDataset:
    """Canonical N-Quads plus the issued map (input blank node id -> ``c14nN``)."""

    nquads: str
    issued: dict[str, str]


class _Issuer:
    """Identifier issuer: hands out ``prefix + counter`` in first-come order."""

    __slots__ = ("counter", "issued", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.counter = 0
        self.issued: dict[str, str] = {}

    def issue(self, existing: str) -> str:
        found = self.issued.get(existing)
        if found is not None:
            return found
        new = f"{self.prefix}{self.counter}"
        self.counter += 1
        self.issued[existing] = new
        return new

    def copy(self) -> _Issuer:
        twin = _Issuer(self.prefix)
        twin.counter = self.counter
        twin.issued = dict(self.issued)
        return twin


def _relabel(term: Term, rename: Callable[[str], str]) -> Term:
    if term.kind == "bnode":
        return Term("bnode", rename(term.value))
    return term


class _Canonicalizer:
    def __init__(self, quads: Sequence[Quad], algorithm: HashAlgorithm, work_limit: int) -> None:
        self.quads = quads
        self.hash_new = getattr(hashlib, algorithm)
        self.work_limit = work_limit
        self.work = 0
        self.canonical = _Issuer("c14n")
        self.bnode_quads: dict[str, list[Quad]] = {}
        self.first_degree: dict[str, str] = {}

    def _hash(self, data: str) -> str:
        digest: str = self.hash_new(data.encode("utf-8")).hexdigest()
        return digest

    def _spend(self, units: int = 1) -> None:
        self.work += units
        if self.work > self.work_limit:
            raise CanonicalizationLimitError(
                f"canonicalisation exceeded its work limit of {self.work_limit} units; the "
                "dataset has large groups of indistinguishable blank nodes (a poison graph)"
            )

    def hash_first_degree(self, node: str) -> str:
        cached = self.first_degree.get(node)
        if cached is not None:
            return cached

        def rename(value: str) -> str:
            return "a" if value == node else "z"

        lines = sorted(
            serialize_quad(
                Quad(
                    _relabel(q.subject, rename),
                    q.predicate,
                    _relabel(q.object, rename),
                    _relabel(q.graph, rename),
                )
            )
            for q in self.bnode_quads[node]
        )
        result = self._hash("".join(lines))
        self.first_degree[node] = result
        return result

    def hash_related(self, related: str, quad: Quad, issuer: _Issuer, position: str) -> str:
        data = position if position == "g" else f"{position}<{quad.predicate.value}>"
        canonical = self.canonical.issued.get(related)
        if canonical is not None:
            data += f"_:{canonical}"
        elif related in issuer.issued:
            data += f"_:{issuer.issued[related]}"
        else:
            data += self.hash_first_degree(related)
        return self._hash(data)

    def hash_n_degree(self, node: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        self._spend()
        by_hash: dict[str, list[str]] = {}
        for quad in self.bnode_quads[node]:
            for term, position in ((quad.subject, "s"), (quad.object, "o"), (quad.graph, "g")):
                if term.kind == "bnode" and term.value != node:
                    related_hash = self.hash_related(term.value, quad, issuer, position)
                    by_hash.setdefault(related_hash, []).append(term.value)
        data = ""
        for related_hash in sorted(by_hash):
            data += related_hash
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in itertools.permutations(by_hash[related_hash]):
                self._spend()
                issuer_copy = issuer.copy()
                path = ""
                recursion: list[str] = []
                skip = False
                for related in permutation:
                    canonical = self.canonical.issued.get(related)
                    if canonical is not None:
                        path += f"_:{canonical}"
                    else:
                        if related not in issuer_copy.issued:
                            recursion.append(related)
                        path += f"_:{issuer_copy.issue(related)}"
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion:
                    result_hash, result_issuer = self.hash_n_degree(related, issuer_copy)
                    path += f"_:{issuer_copy.issue(related)}<{result_hash}>"
                    issuer_copy = result_issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            data += chosen_path
            assert chosen_issuer is not None
            issuer = chosen_issuer
        return self._hash(data), issuer

    def run(self) -> CanonicalDataset:
        for quad in self.quads:
            for term in (quad.subject, quad.object, quad.graph):
                if term.kind == "bnode":
                    bucket = self.bnode_quads.setdefault(term.value, [])
                    if not bucket or bucket[-1] is not quad:
                        bucket.append(quad)

        by_hash: dict[str, list[str]] = {}
        for node in self.bnode_quads:
            by_hash.setdefault(self.hash_first_degree(node), []).append(node)

        shared: list[list[str]] = []
        for first_hash in sorted(by_hash):
            nodes = by_hash[first_hash]
            if len(nodes) == 1:
                self.canonical.issue(nodes[0])
            else:
                shared.append(nodes)

        for nodes in shared:
            paths: list[tuple[str, _Issuer]] = []
            for node in nodes:
                if node in self.canonical.issued:
                    continue
                temporary = _Issuer("b")
                temporary.issue(node)
                paths.append(self.hash_n_degree(node, temporary))
            for _, issuer in sorted(paths, key=lambda item: item[0]):
                for existing in issuer.issued:
                    self.canonical.issue(existing)

        def rename(value: str) -> str:
            return self.canonical.issued[value]

        lines = sorted(
            {
                serialize_quad(
                    Quad(
                        _relabel(q.subject, rename),
                        q.predicate,
                        _relabel(q.object, rename),
                        _relabel(q.graph, rename),
                    )
                )
                for q in self.quads
            }
        )
        return CanonicalDataset("".join(lines), dict(self.canonical.issued))


def canonicalize(
    quads: Iterable[Quad],
    *,
    hash_algorithm: HashAlgorithm = "sha256",
    work_limit: int = DEFAULT_WORK_LIMIT,
) -> CanonicalDataset:
    """Canonicalise an RDF dataset with RDFC-1.0.

    Raises ``CanonicalizationLimitError`` once more than ``work_limit`` units of deep work
    are needed, long before a poison graph could exhaust the machine.
    """
    if hash_algorithm not in ("sha256", "sha384"):
        raise ValueError(f"unsupported RDFC-1.0 hash algorithm {hash_algorithm!r}")
    unique = list(dict.fromkeys(quads))
    return _Canonicalizer(unique, hash_algorithm, work_limit).run()
