"""RDF Dataset Canonicalization (RDFC-1.0) with a work limit.

Written here rather than taken from pyld because pyld's URDNA2015 mis-escapes N-Quads
(RDFC-1.0 test060) and has no bound on the Hash N-Degree Quads recursion, whose cost is
factorial in the size of groups of indistinguishable blank nodes. A verifier canonicalises
documents chosen by strangers, so a crafted "poison" graph (a 10-node blank-node clique, test074)
must be refused quickly instead of pinning a CPU for hours. The limit counts units of deep work
(one unit per Hash N-Degree Quads call and per permutation examined); ordinary credentials need
none, because their blank nodes are told apart by their first-degree hashes.

``prepare`` canonicalises a part of a dataset ahead of time (the first-degree hashes of its
blank nodes and its N-Quads lines with the blank node labels left open), so that signing many
documents sharing that part does the work once (``canonicalize(..., prepared=[part])``). The
result is exactly RDFC-1.0 of the union: a blank node's first-degree hash depends only on the
quads that mention it, and the part's blank nodes are required to be its own.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from microcred.credentials.core.errors import CanonicalizationLimitError
from microcred.credentials.core.nquads import Quad, serialize_term

__all__ = [
    "DEFAULT_WORK_LIMIT",
    "CanonicalDataset",
    "HashAlgorithm",
    "PreparedQuads",
    "canonicalize",
    "prepare",
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


# A quad as an N-Quads line with its blank node labels left open: for subject, object and
# graph, either the serialised term (label None) or the blank node label to fill in.
_Template = tuple[str, str | None, str, str, str | None, str, str | None]


def _template(quad: Quad) -> _Template:
    s, o, g = quad.subject, quad.object, quad.graph
    s_node = s.value if s.kind == "bnode" else None
    o_node = o.value if o.kind == "bnode" else None
    g_node = g.value if g.kind == "bnode" else None
    return (
        "" if s_node is not None else serialize_term(s),
        s_node,
        serialize_term(quad.predicate),
        "" if o_node is not None else serialize_term(o),
        o_node,
        "" if g_node is not None else serialize_term(g),
        g_node,
    )


def _render(template: _Template, rename: Callable[[str], str]) -> str:
    s_text, s_node, predicate, o_text, o_node, g_text, g_node = template
    subject = s_text if s_node is None else f"_:{rename(s_node)}"
    obj = o_text if o_node is None else f"_:{rename(o_node)}"
    graph = g_text if g_node is None else f"_:{rename(g_node)}"
    if graph:
        return f"{subject} {predicate} {obj} {graph} .\n"
    return f"{subject} {predicate} {obj} .\n"


def _index_blank_nodes(
    quads: Sequence[Quad],
) -> tuple[dict[str, list[Quad]], dict[Quad, _Template], list[str]]:
    """Quads by blank node, the template of each quad naming one, and the other lines."""
    bnode_quads: dict[str, list[Quad]] = {}
    templates: dict[Quad, _Template] = {}
    fixed: list[str] = []
    for quad in quads:
        template = _template(quad)
        if template[1] is None and template[4] is None and template[6] is None:
            fixed.append(_render(template, str))
            continue
        templates[quad] = template
        for node in (template[1], template[4], template[6]):
            if node is not None:
                bucket = bnode_quads.setdefault(node, [])
                if not bucket or bucket[-1] is not quad:
                    bucket.append(quad)
    return bnode_quads, templates, fixed


@dataclass(frozen=True, slots=True)
class PreparedQuads:
    """Part of a dataset canonicalised ahead of time (see ``prepare``); treat as read-only."""

    hash_algorithm: HashAlgorithm
    quads: tuple[Quad, ...]
    bnode_quads: dict[str, list[Quad]]
    templates: dict[Quad, _Template]
    fixed_lines: tuple[str, ...]
    first_degree: dict[str, str]
    open_nodes: frozenset[str]


def prepare(
    quads: Iterable[Quad],
    *,
    hash_algorithm: HashAlgorithm = "sha256",
    open_nodes: Iterable[str] = (),
) -> PreparedQuads:
    """Do the document-independent RDFC-1.0 work for ``quads`` once.

    Pass the result to ``canonicalize(other, prepared=[part])`` for datasets ``other`` + the
    part. The part's blank node labels must not occur anywhere else in such a dataset
    (``canonicalize`` checks this), so every quad mentioning them is in the part; except
    for ``open_nodes`` (e.g. the node linking the part to the rest), whose first-degree hashes
    are left to ``canonicalize``.
    """
    _check_algorithm(hash_algorithm)
    unique = tuple(dict.fromkeys(quads))
    bnode_quads, templates, fixed = _index_blank_nodes(unique)
    worker = _Canonicalizer(unique, hash_algorithm, DEFAULT_WORK_LIMIT)
    worker.bnode_quads = bnode_quads
    worker.templates = templates
    opened = frozenset(open_nodes)
    first_degree = {
        node: worker.hash_first_degree(node) for node in bnode_quads if node not in opened
    }
    return PreparedQuads(
        hash_algorithm, unique, bnode_quads, templates, tuple(fixed), first_degree, opened
    )


class _Canonicalizer:
    def __init__(self, quads: Sequence[Quad], algorithm: HashAlgorithm, work_limit: int) -> None:
        self.quads = quads
        self.algorithm = algorithm
        self.hash_new = getattr(hashlib, algorithm)
        self.work_limit = work_limit
        self.work = 0
        self.canonical = _Issuer("c14n")
        self.bnode_quads: dict[str, list[Quad]] = {}
        self.templates: dict[Quad, _Template] = {}
        self.fixed_lines: list[str] = []
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

        templates = self.templates
        lines = sorted(_render(templates[q], rename) for q in self.bnode_quads[node])
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

    def add_prepared(self, part: PreparedQuads) -> None:
        if part.hash_algorithm != self.algorithm:
            raise ValueError(
                f"the prepared part was hashed with {part.hash_algorithm}, not {self.algorithm}"
            )
        for node, found in part.bnode_quads.items():
            elsewhere = self.bnode_quads.get(node)
            if elsewhere is None:
                self.bnode_quads[node] = found
            elif node in part.open_nodes:  # a dataset is a set: a quad in both counts once
                known = set(elsewhere)
                self.bnode_quads[node] = elsewhere + [q for q in found if q not in known]
            else:
                raise ValueError(
                    f"blank node _:{node} occurs in a prepared part and elsewhere; prepared "
                    "parts must have blank nodes of their own"
                )
        self.templates.update(part.templates)
        self.fixed_lines.extend(part.fixed_lines)
        self.first_degree.update(part.first_degree)

    def run(self, prepared: Sequence[PreparedQuads] = ()) -> CanonicalDataset:
        self.bnode_quads, self.templates, self.fixed_lines = _index_blank_nodes(self.quads)
        for part in prepared:
            self.add_prepared(part)

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

        rename = self.canonical.issued.__getitem__
        lines = set(self.fixed_lines)
        lines.update(_render(template, rename) for template in self.templates.values())
        return CanonicalDataset("".join(sorted(lines)), dict(self.canonical.issued))


def _check_algorithm(hash_algorithm: str) -> None:
    if hash_algorithm not in ("sha256", "sha384"):
        raise ValueError(f"unsupported RDFC-1.0 hash algorithm {hash_algorithm!r}")


def canonicalize(
    quads: Iterable[Quad],
    *,
    hash_algorithm: HashAlgorithm = "sha256",
    work_limit: int = DEFAULT_WORK_LIMIT,
    prepared: Sequence[PreparedQuads] = (),
) -> CanonicalDataset:
    """Canonicalise an RDF dataset with RDFC-1.0.

    Raises ``CanonicalizationLimitError`` once more than ``work_limit`` units of deep work
    are needed, long before a poison graph could exhaust the machine. ``prepared`` parts
    (from ``prepare``) are added to the dataset with their ahead-of-time work reused.
    """
    _check_algorithm(hash_algorithm)
    unique = list(dict.fromkeys(quads))
    return _Canonicalizer(unique, hash_algorithm, work_limit).run(prepared)
