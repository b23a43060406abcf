"""RFC 4226/6238 vectors pin the one-time-password code down; the rest is the drift window."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlparse

import pytest

from microcred.accounts import totp

RFC_KEY = b"12345678901234567890"
RFC_SECRET = base64.b32encode(RFC_KEY).decode()


@pytest.mark.parametrize(
    ("counter", "expected"),
    list(
        enumerate(
            [
                "755224",
                "287082",
                "359152",
                "969429",
                "338314",
                "254676",
                "287922",
                "162583",
                "399871",
                "520489",
            ]
        )
    ),
)
def test_hotp_matches_rfc_4226_appendix_d(counter: int, expected: str) -> None:
    assert totp.hotp(RFC_KEY, counter) == expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_totp_matches_rfc_6238_appendix_b_sha1(at: int, expected: str) -> None:
    assert totp.hotp(RFC_KEY, totp.time_step(at), digits=8) == expected


def test_six_digit_totp_is_the_low_digits_of_the_rfc_value() -> None:
    assert totp.totp(RFC_SECRET, at=59) == "287082"


def test_codes_from_the_neighbouring_steps_are_accepted_but_not_further() -> None:
    now = 1_700_000_000.0
    step = totp.time_step(now)
    for offset in (-1, 0, 1):
        code = totp.totp(RFC_SECRET, at=now + offset * totp.PERIOD)
        assert totp.matching_step(RFC_SECRET, code, at=now) == step + offset
    for offset in (-3, 3):
        code = totp.totp(RFC_SECRET, at=now + offset * totp.PERIOD)
        assert totp.matching_step(RFC_SECRET, code, at=now) is None


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_codes_never_match(bad: str) -> None:
    assert totp.matching_step(RFC_SECRET, bad) is None


def test_spaces_in_a_typed_code_are_ignored() -> None:
    code = totp.totp(RFC_SECRET, at=1_700_000_000)
    spaced = f"{code[:3]} {code[3:]}"
    assert totp.matching_step(RFC_SECRET, spaced, at=1_700_000_000) is not None


def test_new_secrets_are_160_random_bits_in_base32() -> None:
    first, second = totp.new_secret(), totp.new_secret()
    assert first != second
    assert len(first) == 32
    assert len(base64.b32decode(first)) == 20


def test_provisioning_uri_is_what_authenticator_apps_read() -> None:
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", "ada lovelace", "microcred")
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth"
    assert parsed.netloc == "totp"
    assert parsed.path == "/microcred:ada%20lovelace"
    assert parse_qs(parsed.query) == {
        "secret": ["JBSWY3DPEHPK3PXP"],
        "issuer": ["microcred"],
        "digits": ["6"],
        "period": ["30"],
    }
