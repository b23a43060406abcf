from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred.credentials.core.errors import (
    InvalidJsonLdError,
    UndefinedTermError,
    UnknownContextError,
)
from microcred.credentials.core.jsonld import (
    canonical_nquads,
    load_context,
    pinned_context_urls,
    to_rdf,
)

VECTORS = Path(__file__).parent / "vectors"
VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"


def test_every_pinned_context_loads_as_json_ld() -> None:
    urls = pinned_context_urls()
    assert VC2 in urls
    for url in urls:
        assert "@context" in load_context(url)


def test_unknown_context_names_the_url_and_never_fetches() -> None:
    document = {
        "@context": [VC2, "https://evil.example/context.jsonld"],
        "type": "VerifiableCredential",
    }
    with pytest.raises(UnknownContextError, match=r"https://evil\.example/context\.jsonld") as info:
        to_rdf(document)
    assert info.value.url == "https://evil.example/context.jsonld"


def test_load_context_returns_a_copy() -> None:
    first = load_context(VC2)
    first["@context"]["tampered"] = "urn:x"
    assert "tampered" not in load_context(VC2)["@context"]


def _vc1(**extra: Any) -> dict[str, Any]:
    return {
        "@context": [VC1],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:s"},
        **extra,
    }


def test_undefined_property_is_rejected_by_name() -> None:
    with pytest.raises(UndefinedTermError, match="'favouriteColour'") as info:
        to_rdf(_vc1(favouriteColour="blue"))
    assert info.value.term == "favouriteColour"


def test_undefined_nested_property_is_rejected() -> None:
    document = _vc1()
    document["credentialSubject"]["nickname"] = "Ace"
    with pytest.raises(UndefinedTermError, match="'nickname'"):
        to_rdf(document)


def test_undefined_type_is_rejected_by_name() -> None:
    with pytest.raises(UndefinedTermError, match="'AlumniCredential'"):
        to_rdf(_vc1(type=["VerifiableCredential", "AlumniCredential"]))


def test_relative_id_is_rejected() -> None:
    with pytest.raises(InvalidJsonLdError, match="relative IRI"):
        to_rdf(_vc1(id="credential-1"))


def test_vc2_has_no_catch_all_vocab_so_undefined_terms_are_refused() -> None:
    document = {
        "@context": [VC2],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:i",
        "credentialSubject": {"id": "did:example:s", "shoeSize": 44},
    }
    with pytest.raises(UndefinedTermError, match="'shoeSize'"):
        to_rdf(document)
    document["credentialSubject"] = {"id": "did:example:s"}
    document["type"] = ["VerifiableCredential", "HomeMadeCredential"]
    with pytest.raises(UndefinedTermError, match="'HomeMadeCredential'"):
        to_rdf(document)


@pytest.mark.parametrize(
    "document",
    [
        {"@context": [VC2, {"@vocab": None}], "type": "VerifiableCredential"},  # crashes pyld
        {"@context": [VC2], "@id": 5},
        {"@context": 42},
    ],
)
def test_malformed_json_ld_raises_a_typed_error(document: dict[str, Any]) -> None:
    with pytest.raises(InvalidJsonLdError):
        to_rdf(document)


def test_not_an_object() -> None:
    with pytest.raises(InvalidJsonLdError, match="JSON object"):
        to_rdf([1, 2])


def test_w3c_alumni_document_canonicalises_byte_for_byte() -> None:
    unsigned = json.loads((VECTORS / "vc-di-eddsa" / "unsigned.json").read_text())
    expected = (VECTORS / "vc-di-eddsa" / "eddsa-rdfc-2022" / "canonDocDataInt.txt").read_text()
    assert canonical_nquads(unsigned) == expected


def test_input_document_is_not_mutated() -> None:
    unsigned = json.loads((VECTORS / "vc-di-eddsa" / "unsigned.json").read_text())
    before = json.dumps(unsigned, sort_keys=True)
    canonical_nquads(unsigned)
    assert json.dumps(unsigned, sort_keys=True) == before


def test_languages_and_blank_node_named_graphs() -> None:
    presentation = {
        "@context": [VC2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [
            {
                "@context": [VC2],
                "type": ["VerifiableCredential"],
                "issuer": "did:example:i",
                "name": {"@value": "Diplôme", "@language": "fr"},
                "credentialSubject": {"id": "did:example:s"},
            }
        ],
    }
    quads = to_rdf(presentation)
    graphs = {q.graph.kind for q in quads}
    assert graphs == {"default", "bnode"}  # the credential sits in its own (blank) graph
    names = [q.object for q in quads if q.predicate.value == "https://schema.org/name"]
    assert [(n.value, n.language) for n in names] == [("Diplôme", "fr")]
    lines = canonical_nquads(presentation).splitlines()
    assert any(
        line.endswith('"Diplôme"@fr _:c14n1 .') or '"Diplôme"@fr _:c14n' in line for line in lines
    )


@pytest.mark.parametrize(
    ("extra", "error", "match"),
    [
        (
            {"name": {"@value": "x", "@language": "ar", "@direction": "rtl"}},
            InvalidJsonLdError,
            "direction",
        ),
        ({"name": {"@value": "x", "@index": "secret"}}, InvalidJsonLdError, "@index"),
        (
            {"@context": [VC2, {"bnodeProp": "_:p"}], "bnodeProp": "x"},
            UndefinedTermError,
            "blank node",
        ),
        ({"id": "http://a b"}, InvalidJsonLdError, "relative IRI"),
        (
            {"@context": [VC2, {"t": {"@id": "https://ex.example/t", "@type": "nope"}}], "t": "v"},
            InvalidJsonLdError,
            "must be an absolute IRI",
        ),
    ],
)
def test_data_that_rdf_would_drop_is_refused(
    extra: dict[str, Any], error: type[Exception], match: str
) -> None:
    document: dict[str, Any] = {
        "@context": [VC2],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:i",
        "credentialSubject": {"id": "did:example:s"},
        **extra,
    }
    with pytest.raises(error, match=match):
        to_rdf(document)
