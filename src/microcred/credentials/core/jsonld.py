"""JSON-LD to RDF, offline and in safe mode.

Two rules make a signature over JSON-LD mean what the signer saw:

* Contexts come only from the copies pinned in ``microcred.specdata``; any other URL raises
  ``UnknownContextError`` naming it. A context fetched at verification time could map the same
  JSON onto different statements than the ones that were signed.
* Safe mode: JSON-LD silently drops a property or type its contexts do not define, and then the
  signature does not cover that value at all (anyone could change it). Independent verifiers
  expand in safe mode and reject such documents, so we refuse to sign or verify them too.
"""

from __future__ import annotations

import json
import threading
from functools import cache
from importlib import resources
from typing import Any

from microcred.credentials.core import _pyld
from microcred.credentials.core.errors import (
    CredentialError,
    InvalidJsonLdError,
    UndefinedTermError,
    UnknownContextError,
)
from microcred.credentials.core.nquads import (
    DEFAULT_GRAPH,
    RDF_LANGSTRING,
    XSD_STRING,
    Quad,
    Term,
)
from microcred.credentials.core.rdfc import DEFAULT_WORK_LIMIT, canonicalize

__all__ = [
    "canonical_nquads",
    "expand",
    "load_context",
    "pinned_context_urls",
    "to_rdf",
]


@cache
def _index() -> dict[str, str]:
    text = resources.files("microcred.specdata").joinpath("contexts", "index.json").read_text()
    index: dict[str, str] = json.loads(text)
    return index


@cache
def _context_text(url: str) -> str:
    name = _index()[url]
    return resources.files("microcred.specdata").joinpath("contexts", name).read_text("utf-8")


def pinned_context_urls() -> frozenset[str]:
    """The context URLs this package can serve (and therefore the only ones it accepts)."""
    return frozenset(_index())


def load_context(url: str) -> dict[str, Any]:
    """Return a fresh copy of a pinned context document, or raise ``UnknownContextError``."""
    if url not in _index():
        raise UnknownContextError(url)
    document: dict[str, Any] = json.loads(_context_text(url))
    return document


def _loader(url: str, options: dict[str, Any]) -> _pyld.RemoteDocument:
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": load_context(url),
    }


_local = threading.local()


def _session() -> _pyld.Session:
    session: _pyld.Session | None = getattr(_local, "session", None)
    if session is None:
        session = _pyld.Session(_loader)
        _local.session = session
    return session


def _credential_error_in(error: BaseException) -> CredentialError | None:
    """Find our own error (raised by the loader) inside the exceptions pyld wrapped it in."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, CredentialError):
            return current
        seen.add(id(current))
        details = getattr(current, "details", None)
        cause = details.get("cause") if isinstance(details, dict) else None
        current = cause if isinstance(cause, BaseException) else current.__cause__
    return None


def _is_absolute(iri: str) -> bool:
    return _pyld.ABSOLUTE_IRI.fullmatch(iri) is not None


def _check_iri(value: Any, what: str) -> None:
    if not isinstance(value, str):
        return
    if not _is_absolute(value):
        if what == "type":
            raise UndefinedTermError(value, "it is used as a type but expands to no IRI")
        raise InvalidJsonLdError(
            f"{what} {value!r} is a relative IRI; JSON-LD would drop it from the signed data"
        )


# Keywords whose content toRDF discards (without ``rdfDirection``): a signature over the RDF
# would not cover them, so a holder could change them freely.
_UNSIGNED_KEYWORDS = {
    "@index": "an @index value",
    "@direction": "a text direction (@direction)",
}


def _walk(node: Any) -> None:
    """Reject what pyld keeps in the expanded form but toRDF would silently drop."""
    if isinstance(node, list):
        for item in node:
            _walk(item)
        return
    if not isinstance(node, dict):
        return
    for keyword, what in _UNSIGNED_KEYWORDS.items():
        if keyword in node:
            raise InvalidJsonLdError(
                f"the document uses {what}, which RDF canonicalisation drops, so a signature "
                "could not protect it"
            )
    if "@value" in node:
        datatype = node.get("@type")
        if datatype is not None and datatype != "@json":
            _check_iri(datatype, "datatype")
        return
    for key, value in node.items():
        if key == "@id":
            _check_iri(value, "@id")
        elif key == "@type":
            for item in value if isinstance(value, list) else [value]:
                _check_iri(item, "type")
        else:
            if key.startswith("_:"):
                raise UndefinedTermError(key, "it expands to a blank node, which RDF drops")
            _walk(value)


def expand(document: Any) -> list[dict[str, Any]]:
    """Expand ``document`` offline and in safe mode (see the module docstring)."""
    if not isinstance(document, dict):
        raise InvalidJsonLdError("a credential must be a JSON object")
    dropped: list[str | None] = []
    try:
        # No copy here: pyld's expand deep-copies its input first (tested: never mutated).
        expanded = _session().expand(document, dropped.append)
    except Exception as error:  # pyld raises JsonLdError and, on odd input, anything else
        found = _credential_error_in(error)
        if found is not None:
            raise found from error
        raise InvalidJsonLdError(
            f"the document is not valid JSON-LD: {_describe(error)}"
        ) from error
    if dropped:
        name = dropped[0] if dropped[0] is not None else "(a key that looks like a keyword)"
        raise UndefinedTermError(name, "it is used as a property but expands to no IRI")
    _walk(expanded)
    return expanded


def _describe(error: Exception) -> str:
    if isinstance(error, _pyld.PyldError):
        return str(error.args[0]) if error.args else type(error).__name__
    return f"{type(error).__name__}: {error}"


# IRI terms recur in every document (predicates, types, shared nodes): reuse the tuples.
_IRI_TERMS: dict[str, Term] = {}


def _term(raw: _pyld.RdfTerm) -> Term:
    kind = raw.get("type")
    value = raw.get("value", "")
    if kind == "IRI":
        found = _IRI_TERMS.get(value)
        if found is None:
            if len(_IRI_TERMS) >= 8192:
                _IRI_TERMS.clear()
            found = _IRI_TERMS[value] = Term("iri", value)
        return found
    if kind == "blank node":
        return Term("bnode", value[2:] if value.startswith("_:") else value)
    language = raw.get("language")
    if language is not None:
        return Term("literal", value, RDF_LANGSTRING, language)
    return Term("literal", value, raw.get("datatype", XSD_STRING))


def to_rdf(document: Any) -> list[Quad]:
    """Convert a JSON-LD document to RDF quads, offline and in safe mode."""
    expanded = expand(document)
    try:
        dataset = _session().to_rdf(expanded)
    except Exception as error:
        raise InvalidJsonLdError(f"the document has no RDF form: {_describe(error)}") from error
    quads: list[Quad] = []
    for graph_name, triples in dataset.items():
        if graph_name == "@default":
            graph = DEFAULT_GRAPH
        elif graph_name.startswith("_:"):
            graph = Term("bnode", graph_name[2:])
        else:
            graph = Term("iri", graph_name)
        for triple in triples:
            quads.append(
                Quad(
                    _term(triple["subject"]),
                    _term(triple["predicate"]),
                    _term(triple["object"]),
                    graph,
                )
            )
    return quads


def canonical_nquads(document: Any, *, work_limit: int = DEFAULT_WORK_LIMIT) -> str:
    """JSON-LD document -> RDFC-1.0 canonical N-Quads (SHA-256), the input to signing."""
    quads = to_rdf(document)
    return canonicalize(quads, work_limit=work_limit).nquads
