"""RDFC-1.0 against the W3C rdf-canon test suite (copied into vectors/rdf-canon)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from microcred.credentials.core.errors import CanonicalizationLimitError
from microcred.credentials.core.nquads import parse_nquads
from microcred.credentials.core.rdfc import DEFAULT_WORK_LIMIT, canonicalize

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
