from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.credentials.core.errors import NQuadsSyntaxError
from microcred.credentials.core.nquads import (
    DEFAULT_GRAPH,
    RDF_LANGSTRING,
    Quad,
    Term,
    parse_nquads,
    serialize_nquads,
    serialize_term,
)


def test_canonical_escapes_use_echar_then_uppercase_uchar() -> None:
    literal = Term("literal", '\b\t\n\f\r"\\\x00\x0b\x1f\x7f\u00e9\U0001f303')
    assert (
        serialize_term(literal)
        == '"\\b\\t\\n\\f\\r\\"\\\\\\u0000\\u000B\\u001F\\u007F\u00e9\U0001f303"'
    )


def test_datatype_and_language_spelling() -> None:
    assert serialize_term(Term("literal", "1", "http://ex/dt")) == '"1"^^<http://ex/dt>'
    assert serialize_term(Term("literal", "hi", RDF_LANGSTRING, "en-GB")) == '"hi"@en-GB'
    assert serialize_term(Term("literal", "plain")) == '"plain"'


def test_parse_reads_escapes_graphs_and_drops_duplicates() -> None:
    text = (
        '<urn:s> <urn:p> "a\\u0041\\n" <urn:g> .\n'
        "# comment\n"
        "\n"
        '<urn:s> <urn:p> "a\\u0041\\n" <urn:g> .\n'
        "_:b0 <urn:\\u0070> _:b1 .\n"
    )
    quads = parse_nquads(text)
    assert quads == [
        Quad(
            Term("iri", "urn:s"),
            Term("iri", "urn:p"),
            Term("literal", "aA\n"),
            Term("iri", "urn:g"),
        ),
        Quad(Term("bnode", "b0"), Term("iri", "urn:p"), Term("bnode", "b1"), DEFAULT_GRAPH),
    ]


@pytest.mark.parametrize(
    "line",
    ['<urn:s> <urn:p> "unterminated .', "<urn:s> _:p <urn:o> .", "<urn:s> <urn:p> <urn:o>"],
)
def test_parse_rejects_malformed_lines(line: str) -> None:
    with pytest.raises(NQuadsSyntaxError, match="line 1"):
        parse_nquads(line)


@given(st.text())
def test_literal_round_trip(value: str) -> None:
    quad = Quad(Term("iri", "urn:s"), Term("iri", "urn:p"), Term("literal", value), DEFAULT_GRAPH)
    assert parse_nquads(serialize_nquads([quad])) == [quad]
