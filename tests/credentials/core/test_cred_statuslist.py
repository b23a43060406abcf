from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.credentials.core import (
    StatusList,
    StatusListError,
    allocate_index,
    build_status_entry,
    build_status_list_credential,
    check_status,
    to_rdf,
)
from microcred.credentials.core.multibase import decode_base64url, encode_base64url
from microcred.credentials.core.statuslist import MIN_BITS

LIST_URL = "https://issuer.example/status/1"


def test_empty_list_matches_the_spec_example_size() -> None:
    status_list = StatusList("revocation")
    assert status_list.size == MIN_BITS == 131_072
    encoded = status_list.encode()
    assert encoded.startswith("u")
    decoded = StatusList.decode(encoded, "revocation")
    assert decoded.size == MIN_BITS
    assert not any(decoded.get(i) for i in (0, 1, 94567, MIN_BITS - 1))


def test_bit_zero_is_the_most_significant_bit() -> None:
    status_list = StatusList("revocation")
    status_list.set(0)
    status_list.set(9)
    raw = gzip.decompress(decode_base64url(status_list.encode()))
    assert raw[0] == 0x80
    assert raw[1] == 0x40


@settings(max_examples=30, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=MIN_BITS - 1), max_size=40))
def test_set_bits_survive_encoding(indexes: set[int]) -> None:
    status_list = StatusList("suspension")
    for index in indexes:
        status_list.set(index)
    decoded = StatusList.decode(status_list.encode(), "suspension")
    probe = indexes | {0, 1, MIN_BITS - 1}
    assert {i for i in probe if decoded.get(i)} == indexes


def test_clear_reinstates() -> None:
    status_list = StatusList("suspension")
    status_list.set(42)
    assert status_list.get(42)
    status_list.clear(42)
    assert not status_list.get(42)


def test_encoding_is_deterministic() -> None:
    assert StatusList("revocation").encode() == StatusList("revocation").encode()


@pytest.mark.parametrize("index", [-1, MIN_BITS, True, 2**70])
def test_out_of_range_indexes_are_refused(index: int) -> None:
    with pytest.raises(StatusListError, match="outside"):
        StatusList("revocation").get(index)


def test_too_small_lists_and_bad_purposes_are_refused() -> None:
    with pytest.raises(StatusListError, match="at least"):
        StatusList("revocation", size=1024)
    small = encode_base64url(gzip.compress(bytes(1024)))
    with pytest.raises(StatusListError, match="at least"):
        StatusList.decode(small, "revocation")
    with pytest.raises(StatusListError, match="purpose"):
        StatusList("refresh")  # type: ignore[arg-type]


def test_gzip_bombs_and_garbage_are_refused() -> None:
    bomb = encode_base64url(gzip.compress(bytes(64 * 1024 * 1024)))
    with pytest.raises(StatusListError, match="expands beyond"):
        StatusList.decode(bomb, "revocation")
    with pytest.raises(StatusListError, match="GZIP"):
        StatusList.decode(encode_base64url(b"not gzip at all"), "revocation")
    with pytest.raises(StatusListError, match="base64url"):
        StatusList.decode("zabc", "revocation")
    truncated = encode_base64url(gzip.compress(bytes(MIN_BITS // 8))[:-12])
    with pytest.raises(StatusListError, match="truncated"):
        StatusList.decode(truncated, "revocation")


def test_allocation_is_random_and_avoids_taken_indexes() -> None:
    taken: set[int] = set()
    for _ in range(200):
        taken.add(allocate_index(MIN_BITS, taken))
    assert len(taken) == 200
    assert max(taken) > 1000  # not sequential
    nearly_full = set(range(999))
    assert allocate_index(1000, nearly_full) == 999
    with pytest.raises(StatusListError, match="full"):
        allocate_index(1000, set(range(1000)))


def test_status_list_credential_is_valid_json_ld() -> None:
    status_list = StatusList("revocation")
    credential = build_status_list_credential(
        list_credential_id=LIST_URL,
        issuer="did:web:issuer.example",
        status_list=status_list,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        valid_until=datetime(2026, 2, 1, tzinfo=UTC),
    )
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["credentialSubject"]["statusPurpose"] == "revocation"
    assert credential["validUntil"] == "2026-02-01T00:00:00Z"
    assert to_rdf(credential)


def test_check_status_against_object_and_credential() -> None:
    status_list = StatusList("revocation")
    entry = build_status_entry(LIST_URL, 94567, "revocation")
    assert entry["statusListIndex"] == "94567"
    assert not check_status(entry, status_list).is_set
    status_list.set(94567)
    assert check_status(entry, status_list).is_set
    credential = build_status_list_credential(
        list_credential_id=LIST_URL,
        issuer="did:web:issuer.example",
        status_list=status_list,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    result = check_status(entry, credential)
    assert result.is_set
    assert result.index == 94567


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"statusPurpose": "suspension"}, "for suspension but"),
        ({"statusListIndex": 5}, "decimal string"),
        ({"statusListIndex": "-5"}, "decimal string"),
        ({"statusListIndex": str(MIN_BITS)}, "outside"),
        ({"statusSize": 2}, "one-bit"),
        ({"statusListCredential": None}, "names no"),
        ({"statusPurpose": "refresh"}, "purpose"),
    ],
)
def test_malformed_entries_are_refused(change: dict[str, object], match: str) -> None:
    entry: dict[str, object] = {**build_status_entry(LIST_URL, 7, "revocation"), **change}
    with pytest.raises(StatusListError, match=match):
        check_status(entry, StatusList("revocation"))
