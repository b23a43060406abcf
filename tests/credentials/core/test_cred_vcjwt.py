from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from microcred.credentials.core.errors import ProofError
from microcred.credentials.core.vcjwt import es256_public_jwk, sign_vc_jwt, verify_vc_jwt

KID = "did:web:issuer.example#es256-1"


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_round_trip(key: ec.EllipticCurvePrivateKey, unsigned_badge: Any) -> None:
    credential = unsigned_badge("did:web:issuer.example")
    token = sign_vc_jwt(credential, key, kid=KID)
    verified = verify_vc_jwt(token, key.public_key())
    assert verified.credential == credential
    assert verified.header == {"alg": "ES256", "kid": KID, "typ": "vc+jwt", "cty": "vc"}
    assert len(base64.urlsafe_b64decode(token.split(".")[2] + "==")) == 64


def test_tampering_and_wrong_key(key: ec.EllipticCurvePrivateKey, unsigned_badge: Any) -> None:
    token = sign_vc_jwt(unsigned_badge("did:web:issuer.example"), key, kid=KID)
    header, _payload, signature = token.split(".")
    forged_payload = _b64({**unsigned_badge("did:web:issuer.example"), "name": "Forged"})
    with pytest.raises(ProofError, match="does not match"):
        verify_vc_jwt(f"{header}.{forged_payload}.{signature}", key.public_key())
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    with pytest.raises(ProofError, match="does not match"):
        verify_vc_jwt(token, other)


@pytest.mark.parametrize(
    ("header", "match"),
    [
        ({"alg": "none", "typ": "vc+jwt"}, "not ES256"),
        ({"alg": "HS256", "typ": "vc+jwt"}, "not ES256"),
        ({"alg": "ES256", "typ": "JWT+other"}, "type"),
        ({"alg": "ES256", "crit": ["b64"]}, "critical"),
    ],
)
def test_header_algorithm_is_pinned(
    key: ec.EllipticCurvePrivateKey, header: dict[str, Any], match: str
) -> None:
    token = sign_vc_jwt({"a": 1}, key, kid=KID)
    _, payload, signature = token.split(".")
    with pytest.raises(ProofError, match=match):
        verify_vc_jwt(f"{_b64(header)}.{payload}.{signature}", key.public_key())


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", "!!.??.**", "e30.e30.AAAA"])
def test_malformed_tokens(key: ec.EllipticCurvePrivateKey, token: str) -> None:
    with pytest.raises(ProofError):
        verify_vc_jwt(token, key.public_key())


def test_only_p256(key: ec.EllipticCurvePrivateKey) -> None:
    with pytest.raises(ProofError, match="P-256"):
        sign_vc_jwt({}, ec.generate_private_key(ec.SECP384R1()), kid=KID)
    jwk = es256_public_jwk(key.public_key())
    assert jwk["crv"] == "P-256"
    assert len(base64.urlsafe_b64decode(jwk["x"] + "=")) == 32
