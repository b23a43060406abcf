"""Ed25519 Multikey encoding (multicodec header + raw key, in base58btc multibase).

The header is part of the key: ``0xed 0x01`` marks an Ed25519 public key and ``0x80 0x26`` an
Ed25519 secret key, so a key of one kind can never be read as the other.
"""

from __future__ import annotations

from microcred.credentials.core.errors import KeyFormatError, MultibaseError
from microcred.credentials.core.multibase import decode_base58btc, encode_base58btc

__all__ = [
    "ED25519_PUB_HEADER",
    "ED25519_SECRET_HEADER",
    "decode_public_key",
    "decode_secret_key",
    "encode_public_key",
    "encode_secret_key",
]

ED25519_PUB_HEADER = b"\xed\x01"
ED25519_SECRET_HEADER = b"\x80\x26"


def encode_public_key(raw: bytes) -> str:
    if len(raw) != 32:
        raise KeyFormatError("an Ed25519 public key is 32 bytes")
    return encode_base58btc(ED25519_PUB_HEADER + raw)


def encode_secret_key(seed: bytes) -> str:
    if len(seed) != 32:
        raise KeyFormatError("an Ed25519 secret key (seed) is 32 bytes")
    return encode_base58btc(ED25519_SECRET_HEADER + seed)


def _decode(text: str, header: bytes, what: str) -> bytes:
    try:
        data = decode_base58btc(text)
    except MultibaseError as error:
        raise KeyFormatError(f"{what} is not a base58btc Multikey: {error}") from error
    if not data.startswith(header):
        raise KeyFormatError(f"{what} does not carry the Ed25519 multicodec header")
    return data[len(header) :]


def decode_public_key(text: str) -> bytes:
    """Return the 32 raw bytes of an Ed25519 public Multikey."""
    raw = _decode(text, ED25519_PUB_HEADER, "public key")
    if len(raw) != 32:
        raise KeyFormatError(f"an Ed25519 public key is 32 bytes, not {len(raw)}")
    return raw


def decode_secret_key(text: str) -> bytes:
    """Return the 32-byte seed of an Ed25519 secret Multikey.

    Some producers (the Open Badges 3.0 test vector among them) store seed + public key,
    64 bytes; the public half is returned for the caller to check, not trusted.
    """
    raw = _decode(text, ED25519_SECRET_HEADER, "secret key")
    if len(raw) not in (32, 64):
        raise KeyFormatError(f"an Ed25519 secret key is 32 (or 64) bytes, not {len(raw)}")
    return raw
