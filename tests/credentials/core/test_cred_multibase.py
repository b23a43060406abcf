from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.credentials.core.errors import MultibaseError
from microcred.credentials.core.multibase import (
    b58decode,
    b58encode,
    decode_base58btc,
    decode_base64url,
    encode_base58btc,
    encode_base64url,
)


def test_known_base58_values() -> None:
    # Values from the base58btc draft (draft-msporny-base58).
    assert b58encode(b"Hello World!") == "2NEpo7TZRRrLZSi2U"
    assert b58encode(b"\0\0\x28\x7f\xb4\xcd") == "11233QC4"
    assert b58decode("11233QC4") == b"\0\0\x28\x7f\xb4\xcd"
    assert b58encode(b"") == ""


@given(st.binary(max_size=80))
def test_base58btc_round_trip(data: bytes) -> None:
    encoded = encode_base58btc(data)
    assert encoded.startswith("z")
    assert decode_base58btc(encoded) == data


@given(st.binary(max_size=80))
def test_base64url_round_trip(data: bytes) -> None:
    encoded = encode_base64url(data)
    assert encoded.startswith("u")
    assert "=" not in encoded
    assert decode_base64url(encoded) == data


@pytest.mark.parametrize("text", ["2NEpo7", "z0OIl", "", "zabc!"])
def test_base58btc_rejects_bad_input(text: str) -> None:
    with pytest.raises(MultibaseError):
        decode_base58btc(text)


@pytest.mark.parametrize("text", ["zabc", "uab+/", "uYQ==", "u%%%"])
def test_base64url_rejects_bad_input(text: str) -> None:
    with pytest.raises(MultibaseError):
        decode_base64url(text)
