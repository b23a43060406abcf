"""RDFC-1.0 against the W3C rdf-canon test suite (copied into vectors/rdf-canon)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from microcred.credentials.core.errors import CanonicalizationLimitError
from microcred.credentials.core.nquads import Quad, parse_nquads
from microcred.credentials.core.rdfc import DEFAULT_WORK_LIMIT, canonicalize, prepare

SUITE = Path(__file__).parent / "vectors" / "rdf-canon"
ENTRIES: list[dict[str, Any]] = json.loads((SUITE / "manifest.jsonld").read_text())["entries"]


def _algorithm(entry: dict[str, Any]) -> Any:
    return "sha384" if entry.get("hashAlgorithm") == "SHA384" else "sha256"


def _entries(kind: str) -> list[Any]:
    return [pytest.param(e, id=e["id"].lstrip("#")) for e in ENTRIES if e["type"] == kind]


def test_manifest_is_complete() -> None:
    kinds = [e["type"] for e in ENTRIES]
    assert kinds.count("rdfc:RDFC10EvalTest") == 64
    assert kinds.count("rdfc:RDFC10MapTest") == 21
    assert kinds.count("rdfc:RDFC10NegativeEvalTest") == 1


@pytest.mark.parametrize("entry", _entries("rdfc:RDFC10EvalTest"))
def test_eval(entry: dict[str, Any]) -> None:
    quads = parse_nquads((SUITE / entry["action"]).read_text("utf-8"))
    result = canonicalize(quads, hash_algorithm=_algorithm(entry))
    assert result.nquads == (SUITE / entry["result"]).read_text("utf-8")


@pytest.mark.parametrize("entry", _entries("rdfc:RDFC10MapTest"))
def test_issued_identifier_map(entry: dict[str, Any]) -> None:
    quads = parse_nquads((SUITE / entry["action"]).read_text("utf-8"))
    result = canonicalize(quads, hash_algorithm=_algorithm(entry))
    assert result.issued == json.loads((SUITE / entry["result"]).read_text("utf-8"))


@pytest.mark.parametrize("entry", _entries("rdfc:RDFC10NegativeEvalTest"))
def test_poison_graph_is_refused_quickly(entry: dict[str, Any]) -> None:
    quads = parse_nquads((SUITE / entry["action"]).read_text("utf-8"))
    started = time.perf_counter()
    with pytest.raises(CanonicalizationLimitError, match="work limit"):
        canonicalize(quads)
    assert time.perf_counter() - started < 2.0


def test_work_limit_is_configurable() -> None:
    # test044 ("high" complexity) needs deep work; a tiny limit must refuse it, the default not.
    quads = parse_nquads((SUITE / "rdfc10" / "test044-in.nq").read_text("utf-8"))
    with pytest.raises(CanonicalizationLimitError):
        canonicalize(quads, work_limit=5)
    assert canonicalize(quads, work_limit=DEFAULT_WORK_LIMIT).nquads


def test_blank_node_labels_do_not_matter() -> None:
    original = parse_nquads((SUITE / "rdfc10" / "test020-in.nq").read_text("utf-8"))
    text = (SUITE / "rdfc10" / "test020-in.nq").read_text("utf-8")
    relabelled = parse_nquads(text.replace("_:", "_:renamed"))
    assert canonicalize(original).nquads == canonicalize(relabelled).nquads


def test_unknown_hash_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="sha1"):
        canonicalize([], hash_algorithm="sha1")  # type: ignore[arg-type]


# -- prepared parts (work done once for a part shared by many datasets) -----------------------


def _components(quads: list[Quad]) -> list[list[Quad]]:
    """Quads grouped so that no blank node occurs in two groups (union-find on blank nodes)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    def nodes(quad: Quad) -> list[str]:
        return [t.value for t in (quad.subject, quad.object, quad.graph) if t.kind == "bnode"]

    for quad in quads:
        found = nodes(quad)
        for other in found[1:]:
            parent[find(other)] = find(found[0])
    groups: dict[str, list[Quad]] = {}
    for n, quad in enumerate(quads):
        found = nodes(quad)
        groups.setdefault(find(found[0]) if found else f"\0{n}", []).append(quad)
    return list(groups.values())


@pytest.mark.parametrize("entry", _entries("rdfc:RDFC10EvalTest"))
def test_prepared_parts_give_the_same_canonical_form(entry: dict[str, Any]) -> None:
    quads = list(dict.fromkeys(parse_nquads((SUITE / entry["action"]).read_text("utf-8"))))
    algorithm = _algorithm(entry)
    # Only the N-Quads: the issued map of automorphic blank nodes depends on input order.
    expected = canonicalize(quads, hash_algorithm=algorithm).nquads
    groups = _components(quads)
    first = [q for g in groups[0::3] for q in g]
    second = [q for g in groups[1::3] for q in g]
    rest = [q for g in groups[2::3] for q in g]
    parts = [prepare(first, hash_algorithm=algorithm), prepare(second, hash_algorithm=algorithm)]
    assert canonicalize(rest, hash_algorithm=algorithm, prepared=parts).nquads == expected
    whole = prepare(quads, hash_algorithm=algorithm)
    assert canonicalize([], hash_algorithm=algorithm, prepared=[whole]).nquads == expected
    # a part linked to the rest through "open" blank nodes, hashed when the whole is known
    linking = next((q for q in first if q.subject.kind == "bnode"), None)
    if linking is not None:
        terms = (linking.subject, linking.object, linking.graph)
        opened = {t.value for t in terms if t.kind == "bnode"}
        inside = [q for q in first if q != linking]
        part = prepare(inside, hash_algorithm=algorithm, open_nodes=opened)
        others = [*rest, *second, linking]
        assert canonicalize(others, hash_algorithm=algorithm, prepared=[part]).nquads == expected


def test_prepared_parts_must_have_blank_nodes_of_their_own() -> None:
    quads = parse_nquads('_:a <http://e/p> _:b .\n_:b <http://e/p> "x" .\n')
    part = prepare(quads[1:])
    with pytest.raises(ValueError, match="occurs in a prepared part and elsewhere"):
        canonicalize(quads[:1], prepared=[part])
    assert canonicalize(quads[:1], prepared=[prepare(quads[1:], open_nodes=["b"])]) == (
        canonicalize(quads)
    )
    # a quad given on both sides of an open node is one statement, counted once
    both = canonicalize(quads, prepared=[prepare(quads, open_nodes=["a", "b"])])
    assert both.nquads == canonicalize(quads).nquads
    with pytest.raises(ValueError, match="sha256"):
        canonicalize([], hash_algorithm="sha384", prepared=[part])
