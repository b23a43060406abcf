"""RDF terms and quads, and their canonical N-Quads form.

Signatures are computed over canonical N-Quads bytes, so the serialiser here must follow the
canonical N-Quads escaping rules to the letter (RDFC-1.0 test060 checks exactly this, and
pyld's serialiser gets it wrong). The parser exists for the W3C test suite and for callers who
hold N-Quads; credentials normally arrive as JSON-LD and become quads in ``jsonld.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, NamedTuple

from microcred.credentials.core.errors import NQuadsSyntaxError

__all__ = [
    "DEFAULT_GRAPH",
    "RDF_LANGSTRING",
    "XSD_STRING",
    "Quad",
    "Term",
    "TermKind",
    "parse_nquads",
    "serialize_nquads",
    "serialize_quad",
    "serialize_term",
]

TermKind = Literal["iri", "bnode", "literal", "default"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Term(NamedTuple):
    """One RDF term; ``datatype`` and ``language`` only matter for literals."""

    kind: TermKind
    value: str
    datatype: str = XSD_STRING
    language: str | None = None


class Quad(NamedTuple):
    """A statement in a named graph (``graph.kind == "default"`` for the default graph)."""

    subject: Term
    predicate: Term
    object: Term
    graph: Term


DEFAULT_GRAPH = Term("default", "")

# Canonical N-Quads: ECHAR for the six named escapes, UCHAR (upper-case hex) for the other
# control characters and DEL; everything else, including non-ASCII, is written as itself.
_LITERAL_ESCAPES: dict[int, str] = {
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
for _code in [*range(0x00, 0x20), 0x7F]:
    _LITERAL_ESCAPES.setdefault(_code, f"\\u{_code:04X}")
_NEEDS_ESCAPE = re.compile('[\\x00-\\x1f"\\\\\\x7f]')


def _escape_literal(value: str) -> str:
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return value.translate(_LITERAL_ESCAPES)


def serialize_term(term: Term) -> str:
    """Return the canonical N-Quads spelling of ``term`` (empty for the default graph)."""
    kind = term.kind
    if kind == "iri":
        return f"<{term.value}>"
    if kind == "bnode":
        return f"_:{term.value}"
    if kind == "literal":
        text = f'"{_escape_literal(term.value)}"'
        if term.language is not None:
            return f"{text}@{term.language}"
        if term.datatype != XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    return ""


def serialize_quad(quad: Quad) -> str:
    """Return one canonical N-Quads line, newline included."""
    graph = serialize_term(quad.graph)
    subject = serialize_term(quad.subject)
    predicate = serialize_term(quad.predicate)
    obj = serialize_term(quad.object)
    if graph:
        return f"{subject} {predicate} {obj} {graph} .\n"
    return f"{subject} {predicate} {obj} .\n"


def serialize_nquads(quads: Iterable[Quad]) -> str:
    """Serialise quads in the given order (callers sort when they need canonical order)."""
    return "".join(serialize_quad(q) for q in quads)


# --- parsing -----------------------------------------------------------------------------

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRI = rf"<((?:[^\x00-\x20<>\"{{}}|^`\\]|{_UCHAR})*)>"
_BNODE = r"_:([A-Za-z0-9_\u00c0-\U000effff](?:[A-Za-z0-9_\-.\u00b7\u00c0-\U000effff]*"
_BNODE += r"[A-Za-z0-9_\-\u00b7\u00c0-\U000effff])?)"
_LITERAL = rf"\"((?:[^\"\\\n\r]|\\[tbnrf\"'\\]|{_UCHAR})*)\""
_LITERAL += rf"(?:@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)|\^\^{_IRI})?"
_WS = r"[ \t]*"
_LINE = re.compile(
    rf"{_WS}(?:{_IRI}|{_BNODE}){_WS}{_IRI}{_WS}(?:{_IRI}|{_BNODE}|{_LITERAL})"
    rf"{_WS}(?:(?:{_IRI}|{_BNODE}){_WS})?\.{_WS}(?:#.*)?"
)
_EOL = re.compile(r"\r\n|[\r\n]")
_BLANK_LINE = re.compile(rf"{_WS}(?:#.*)?")
_UNESCAPE = re.compile(rf"{_UCHAR}|\\[tbnrf\"'\\]")
_ECHAR_VALUES = {
    "t": "\t",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}


def _unescape_match(match: re.Match[str]) -> str:
    text = match.group(0)
    if text[1] in "uU":
        return chr(int(text[2:], 16))
    return _ECHAR_VALUES[text[1]]


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(_unescape_match, text)


def _iri_or_bnode(iri: str | None, bnode: str | None) -> Term:
    if iri is not None:
        return Term("iri", _unescape(iri))
    assert bnode is not None
    return Term("bnode", bnode)


def parse_nquads(text: str) -> list[Quad]:
    """Parse N-Quads into a duplicate-free list (an RDF dataset is a set of quads)."""
    quads: dict[Quad, None] = {}
    # Only CR and LF end N-Quads lines; str.splitlines would also split on U+0085 and U+2028.
    for number, line in enumerate(_EOL.split(text), start=1):
        match = _LINE.fullmatch(line)
        if match is None:
            if _BLANK_LINE.fullmatch(line):
                continue
            raise NQuadsSyntaxError(f"line {number} is not a valid N-Quads statement: {line!r}")
        (s_iri, s_bn, p_iri, o_iri, o_bn, o_lit, o_lang, o_dt, g_iri, g_bn) = match.groups()
        subject = _iri_or_bnode(s_iri, s_bn)
        predicate = Term("iri", _unescape(p_iri))
        if o_lit is not None:
            value = _unescape(o_lit)
            if o_lang is not None:
                obj = Term("literal", value, RDF_LANGSTRING, o_lang)
            else:
                obj = Term("literal", value, _unescape(o_dt) if o_dt is not None else XSD_STRING)
        else:
            obj = _iri_or_bnode(o_iri, o_bn)
        graph = DEFAULT_GRAPH if g_iri is None and g_bn is None else _iri_or_bnode(g_iri, g_bn)
        quads[Quad(subject, predicate, obj, graph)] = None
    return list(quads)
