"""verify_credential: every named check, and that bad input never raises."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.credentials.core import (
    CheckStatus,
    ControllerDocumentResolver,
    IssuerKey,
    StatusList,
    build_did_web_document,
    build_status_entry,
    build_status_list_credential,
    sign_credential,
    verify_credential,
)
from microcred.credentials.core.verify import CHECK_NAMES

LIST_URL = "https://issuer.example/status/1"
SIGNED_AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def _sign(document: dict[str, Any], key: IssuerKey, did_document: dict[str, Any]) -> dict[str, Any]:
    return sign_credential(
        document, key, verification_method=did_document["assertionMethod"][0], created=SIGNED_AT
    )


def test_a_good_credential_passes_every_check(
    signed_badge: dict[str, Any], resolver: ControllerDocumentResolver, now: datetime
) -> None:
    report = verify_credential(signed_badge, resolver=resolver, now=now)
    assert report.ok, report.to_dict()
    assert [c.name for c in report.checks] == list(CHECK_NAMES)
    assert report["schema"].message.startswith("is valid against the Open Badges 3.0")
    assert report.failures == ()


def test_json_text_and_bytes_are_accepted(
    signed_badge: dict[str, Any], resolver: ControllerDocumentResolver, now: datetime
) -> None:
    text = json.dumps(signed_badge)
    assert verify_credential(text, resolver=resolver, now=now).ok
    assert verify_credential(text.encode(), resolver=resolver, now=now).ok


@pytest.mark.parametrize("raw", ["{not json", b"\xff\xfe", "[1, 2]", 42, None])
def test_malformed_json(raw: Any, resolver: ControllerDocumentResolver) -> None:
    report = verify_credential(raw, resolver=resolver)
    assert report.failures == ("json",)
    assert all(c.status is CheckStatus.SKIPPED for c in report.checks[1:])
    assert not report.ok


def _failures(report: Any) -> tuple[str, ...]:
    return tuple(report.failures)


def test_unknown_context(
    signed_badge: dict[str, Any], resolver: ControllerDocumentResolver, now: datetime
) -> None:
    signed_badge["@context"].append("https://evil.example/ctx")
    report = verify_credential(signed_badge, resolver=resolver, now=now)
    assert "contexts" in report.failures
    assert "https://evil.example/ctx" in report["contexts"].message
    assert report["proof"].status is CheckStatus.SKIPPED


def test_undefined_term_is_a_contexts_failure(
    signed_badge: dict[str, Any], resolver: ControllerDocumentResolver, now: datetime
) -> None:
    signed_badge["credentialSubject"]["shoeSize"] = 44
    report = verify_credential(signed_badge, resolver=resolver, now=now)
    assert report.failures == ("contexts",)
    assert "shoeSize" in report["contexts"].message


def test_missing_proof(
    signed_badge: dict[str, Any], resolver: ControllerDocumentResolver, now: datetime
) -> None:
    del signed_badge["proof"]
    report = verify_credential(signed_badge, resolver=resolver, now=now)
    assert report.failures == ("proof",)
    assert "no proof" in report["proof"].message
    assert report["issuer_key"].status is CheckStatus.SKIPPED


def test_tampered_claim(
    signed_badge: dict[str, Any], resolver: ControllerDocumentResolver, now: datetime
) -> None:
    signed_badge["credentialSubject"]["achievement"]["name"] = "Rocket Science"
    report = verify_credential(signed_badge, resolver=resolver, now=now)
    assert report.failures == ("proof",)
    assert "altered" in report["proof"].message


def test_wrong_key_unknown_to_the_resolver(signed_badge: dict[str, Any], now: datetime) -> None:
    stranger = build_did_web_document("issuer.example", [IssuerKey.from_seed(b"\x09" * 32)])
    report = verify_credential(
        signed_badge, resolver=ControllerDocumentResolver([stranger]), now=now
    )
    assert report.failures == ("issuer_key",)
    assert "not in any trusted controller document" in report["issuer_key"].message


def test_key_of_someone_else_than_the_issuer(
    unsigned_badge: Any, issuer_did_document: dict[str, Any], now: datetime
) -> None:
    impostor = IssuerKey.from_seed(b"\x05" * 32)
    credential = sign_credential(
        unsigned_badge(issuer_did_document["id"]),
        impostor,
        verification_method=impostor.did_key_verification_method,
        created=SIGNED_AT,
    )
    report = verify_credential(
        credential, resolver=ControllerDocumentResolver([issuer_did_document]), now=now
    )
    assert report.failures == ("issuer_key",)
    assert "not of its issuer" in report["issuer_key"].message


def test_schema_failure_for_an_incomplete_open_badge(
    issuer_key: IssuerKey,
    issuer_did_document: dict[str, Any],
    resolver: ControllerDocumentResolver,
    unsigned_badge: Any,
    now: datetime,
) -> None:
    document = unsigned_badge(issuer_did_document["id"])
    del document["credentialSubject"]["achievement"]["criteria"]
    report = verify_credential(
        _sign(document, issuer_key, issuer_did_document), resolver=resolver, now=now
    )
    assert report.failures == ("schema",)
    assert "Open Badges 3.0 schema" in report["schema"].message


def test_expired_and_not_yet_valid(
    signed_badge: dict[str, Any], resolver: ControllerDocumentResolver
) -> None:
    late = verify_credential(signed_badge, resolver=resolver, now=datetime(2032, 1, 1, tzinfo=UTC))
    assert late.failures == ("validity_window",)
    assert "expired" in late["validity_window"].message
    early = verify_credential(signed_badge, resolver=resolver, now=datetime(2025, 1, 1, tzinfo=UTC))
    assert early.failures == ("validity_window",)
    assert "not valid yet" in early["validity_window"].message


def _badge_with_status(
    key: IssuerKey, did_document: dict[str, Any], make: Any, purpose: Any, index: int
) -> dict[str, Any]:
    # OB 3.0's schema allows one credentialStatus object, so one purpose per credential.
    suffix = "r" if purpose == "revocation" else "s"
    entry = build_status_entry(LIST_URL + suffix, index, purpose)
    return _sign(make(did_document["id"], credentialStatus=entry), key, did_document)


@pytest.fixture
def with_status(
    issuer_key: IssuerKey, issuer_did_document: dict[str, Any], unsigned_badge: Any
) -> dict[str, Any]:
    return _badge_with_status(issuer_key, issuer_did_document, unsigned_badge, "revocation", 1234)


@pytest.fixture
def with_suspension(
    issuer_key: IssuerKey, issuer_did_document: dict[str, Any], unsigned_badge: Any
) -> dict[str, Any]:
    return _badge_with_status(issuer_key, issuer_did_document, unsigned_badge, "suspension", 4321)


def _lists() -> dict[str, StatusList]:
    return {LIST_URL + "r": StatusList("revocation"), LIST_URL + "s": StatusList("suspension")}


def test_status_not_revoked(
    with_status: dict[str, Any], resolver: ControllerDocumentResolver, now: datetime
) -> None:
    report = verify_credential(with_status, resolver=resolver, status_lists=_lists(), now=now)
    assert report.ok, report.to_dict()


def test_revoked(
    with_status: dict[str, Any], resolver: ControllerDocumentResolver, now: datetime
) -> None:
    lists = _lists()
    lists[LIST_URL + "r"].set(1234)
    report = verify_credential(with_status, resolver=resolver, status_lists=lists, now=now)
    assert report.failures == ("status",)
    assert "revoked" in report["status"].message


def test_suspended_then_reinstated(
    with_suspension: dict[str, Any], resolver: ControllerDocumentResolver, now: datetime
) -> None:
    lists = _lists()
    lists[LIST_URL + "s"].set(4321)
    report = verify_credential(with_suspension, resolver=resolver, status_lists=lists, now=now)
    assert report.failures == ("status",)
    assert "suspended" in report["status"].message
    lists[LIST_URL + "s"].clear(4321)
    assert verify_credential(with_suspension, resolver=resolver, status_lists=lists, now=now).ok


def test_list_with_the_wrong_purpose(
    with_status: dict[str, Any], resolver: ControllerDocumentResolver, now: datetime
) -> None:
    lists: dict[str, Any] = {LIST_URL + "r": StatusList("suspension")}
    report = verify_credential(with_status, resolver=resolver, status_lists=lists, now=now)
    assert report.failures == ("status",)
    assert "for revocation but" in report["status"].message


def test_missing_status_list_is_a_failure_not_a_pass(
    with_status: dict[str, Any], resolver: ControllerDocumentResolver, now: datetime
) -> None:
    report = verify_credential(with_status, resolver=resolver, now=now)
    assert report.failures == ("status",)
    assert "could not be checked" in report["status"].message


def _signed_list(
    key: IssuerKey, did_document: dict[str, Any], status_list: StatusList, url: str, **kw: Any
) -> dict[str, Any]:
    credential = build_status_list_credential(
        list_credential_id=url,
        issuer=did_document["id"],
        status_list=status_list,
        valid_from=kw.pop("valid_from", SIGNED_AT),
        **kw,
    )
    return _sign(credential, key, did_document)


def test_signed_status_list_credentials(
    with_status: dict[str, Any],
    issuer_key: IssuerKey,
    issuer_did_document: dict[str, Any],
    resolver: ControllerDocumentResolver,
    now: datetime,
) -> None:
    revocations = StatusList("revocation")
    lists: dict[str, Any] = {
        LIST_URL + "r": _signed_list(issuer_key, issuer_did_document, revocations, LIST_URL + "r"),
        LIST_URL + "s": _signed_list(
            issuer_key, issuer_did_document, StatusList("suspension"), LIST_URL + "s"
        ),
    }
    assert verify_credential(with_status, resolver=resolver, status_lists=lists, now=now).ok
    revocations.set(1234)
    lists[LIST_URL + "r"] = _signed_list(
        issuer_key, issuer_did_document, revocations, LIST_URL + "r"
    )
    report = verify_credential(with_status, resolver=resolver, status_lists=lists, now=now)
    assert "revoked" in report["status"].message

    forged = copy.deepcopy(lists[LIST_URL + "r"])
    forged["credentialSubject"]["encodedList"] = StatusList("revocation").encode()
    lists[LIST_URL + "r"] = forged
    report = verify_credential(with_status, resolver=resolver, status_lists=lists, now=now)
    assert report.failures == ("status",)
    assert "not trustworthy" in report["status"].message


def test_status_list_signed_by_another_issuer_or_stale(
    with_status: dict[str, Any],
    issuer_key: IssuerKey,
    issuer_did_document: dict[str, Any],
    now: datetime,
) -> None:
    other_key = IssuerKey.from_seed(b"\x03" * 32)
    other_doc = build_did_web_document("other.example", [other_key])
    resolver = ControllerDocumentResolver([issuer_did_document, other_doc])
    lists: dict[str, Any] = {
        LIST_URL + "r": _signed_list(
            other_key, other_doc, StatusList("revocation"), LIST_URL + "r"
        ),
        LIST_URL + "s": StatusList("suspension"),
    }
    report = verify_credential(with_status, resolver=resolver, status_lists=lists, now=now)
    assert "not signed by the issuer" in report["status"].message
    lists[LIST_URL + "r"] = _signed_list(
        issuer_key,
        issuer_did_document,
        StatusList("revocation"),
        LIST_URL + "r",
        valid_until=now - timedelta(days=1),
    )
    report = verify_credential(with_status, resolver=resolver, status_lists=lists, now=now)
    assert "out of date" in report["status"].message


def test_plain_vc_without_open_badges_schema(now: datetime) -> None:
    key = IssuerKey.from_seed(b"\x11" * 32)
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": key.did_key,
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abc", "alumniOf": "The School of Examples"},
    }
    signed = sign_credential(document, key, verification_method=key.did_key_verification_method)
    report = verify_credential(signed, resolver=ControllerDocumentResolver(), now=now)
    assert report.ok, report.to_dict()
    assert "W3C Verifiable Credential" in report["schema"].message


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    junk=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(
                st.sampled_from(["@context", "type", "issuer", "proof", "id", "@id", "@type", "x"]),
                children,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_never_raises_on_junk(junk: Any, resolver: ControllerDocumentResolver) -> None:
    report = verify_credential(junk, resolver=resolver)
    assert not report.ok
    assert report.failures


def _clique(size: int) -> list[dict[str, Any]]:
    p = "https://example.com/vocab#knows"
    return [
        {"@id": f"_:e{i}", p: [{"@id": f"_:e{j}"} for j in range(size) if j != i]}
        for i in range(size)
    ]


def test_poison_graph_fails_fast_instead_of_hanging(
    signed_badge: dict[str, Any], resolver: ControllerDocumentResolver, now: datetime
) -> None:
    import time

    signed_badge["credentialSubject"]["achievement"]["https://example.com/vocab#clique"] = _clique(
        10
    )
    started = time.perf_counter()
    report = verify_credential(signed_badge, resolver=resolver, now=now)
    assert time.perf_counter() - started < 5.0
    assert "contexts" in report.failures
    assert "work limit" in report["contexts"].message


def test_official_elm_sample_signs_and_verifies(now: datetime) -> None:
    """The EU's own EDC micro-credential sample (VC 1.1 + ELM context) passes safe mode."""
    import json as _json
    from importlib import resources

    text = (
        resources.files("microcred.specdata")
        .joinpath("elm", "Sample-MC-Annex1-unsigned.jsonld")
        .read_text("utf-8")
    )
    sample = _json.loads(text)
    key = IssuerKey.from_seed(b"\x21" * 32)
    issuer = sample["issuer"]["id"]
    method = f"{issuer}#key-1"
    controller = {
        "id": issuer,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": issuer,
                "publicKeyMultibase": key.public_key_multibase,
            }
        ],
        "assertionMethod": [method],
    }
    signed = sign_credential(sample, key, verification_method=method, created=SIGNED_AT)
    # VC 1.1 lacks the proof terms, so the Data Integrity context is added, as its spec says.
    assert signed["@context"] == [
        *sample["@context"],
        "https://w3id.org/security/data-integrity/v2",
    ]
    report = verify_credential(signed, resolver=ControllerDocumentResolver([controller]), now=now)
    assert report.ok, report.to_dict()
    signed["credentialSubject"]["id"] = "urn:epass:person:someone-else"
    report = verify_credential(signed, resolver=ControllerDocumentResolver([controller]), now=now)
    assert report.failures == ("proof",)
