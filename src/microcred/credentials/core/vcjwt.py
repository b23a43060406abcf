"""VC-JOSE-COSE: a credential secured as a compact JWS with ES256 (ECDSA P-256, SHA-256).

Some wallets and verifiers only speak JOSE. The payload is the credential itself (VC 2.0
style, no ``vc`` claim), and verification pins the algorithm to ES256: accepting whatever the
header names is how "alg: none" and HMAC-with-a-public-key forgeries happen. Twenty lines of
``cryptography`` are simpler to audit than a JOSE library.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from microcred.credentials.core.errors import ProofError

__all__ = ["VcJwt", "es256_public_jwk", "sign_vc_jwt", "verify_vc_jwt"]

_TYP = "vc+jwt"


@dataclass(frozen=True, slots=True)
class VcJwt:
    """A verified VC-JWT: its protected header and the credential it carries."""

    header: dict[str, Any]
    credential: dict[str, Any]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as error:
        raise ProofError("the VC-JWT is not base64url encoded") from error


def _require_p256(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> None:
    if not isinstance(key.curve, ec.SECP256R1):
        raise ProofError("ES256 needs a P-256 key")


def sign_vc_jwt(
    credential: Mapping[str, Any], private_key: ec.EllipticCurvePrivateKey, *, kid: str
) -> str:
    """Return ``header.payload.signature`` with the 64-byte raw R||S signature JOSE requires."""
    _require_p256(private_key)
    header = {"alg": "ES256", "kid": kid, "typ": _TYP, "cty": "vc"}
    signing_input = (
        _b64(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64(json.dumps(dict(credential), separators=(",", ":"), ensure_ascii=False).encode())
    )
    der = private_key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return signing_input + "." + _b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def verify_vc_jwt(token: str, public_key: ec.EllipticCurvePublicKey) -> VcJwt:
    """Verify a VC-JWT and return its credential; raise ``ProofError`` on any problem."""
    _require_p256(public_key)
    if not isinstance(token, str) or token.count(".") != 2:
        raise ProofError("a VC-JWT has three dot-separated parts")
    header_part, payload_part, signature_part = token.split(".")
    try:
        header = json.loads(_unb64(header_part))
        payload = json.loads(_unb64(payload_part))
    except (ValueError, UnicodeDecodeError) as error:
        raise ProofError("the VC-JWT header or payload is not JSON") from error
    if not isinstance(header, dict):
        raise ProofError("the VC-JWT header is not a JSON object")
    if header.get("alg") != "ES256":
        raise ProofError(f"VC-JWT algorithm {header.get('alg')!r} is not ES256")
    if header.get("typ") not in (None, _TYP):
        raise ProofError(f"VC-JWT type {header.get('typ')!r} is not {_TYP!r}")
    if "crit" in header:
        raise ProofError("VC-JWT critical header parameters are not supported")
    signature = _unb64(signature_part)
    if len(signature) != 64:
        raise ProofError("an ES256 signature is 64 bytes")
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        public_key.verify(
            der, f"{header_part}.{payload_part}".encode("ascii"), ec.ECDSA(hashes.SHA256())
        )
    except InvalidSignature as error:
        raise ProofError("the VC-JWT signature does not match") from error
    if not isinstance(payload, dict):
        raise ProofError("the VC-JWT payload is not a credential object")
    return VcJwt(header=header, credential=payload)


def es256_public_jwk(public_key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    """The public key as a JWK, for publishing in a DID document as ``JsonWebKey``."""
    _require_p256(public_key)
    numbers = public_key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64(numbers.x.to_bytes(32, "big")),
        "y": _b64(numbers.y.to_bytes(32, "big")),
    }
