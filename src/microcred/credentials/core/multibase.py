"""Multibase: base58btc (``z``) and base64url without padding (``u``).

Multikeys and proof values use base58btc, Bitstring Status Lists use base64url. Only these two
bases are accepted: a verifier that understood every multibase alphabet would accept many
spellings of the same bytes for no benefit. base58 is a dozen lines, not worth a dependency.
"""

from __future__ import annotations

import base64
import binascii

from microcred.credentials.core.errors import MultibaseError

__all__ = [
    "b58decode",
    "b58encode",
    "decode_base58btc",
    "decode_base64url",
    "encode_base58btc",
    "encode_base64url",
]

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(_ALPHABET)}


def b58encode(data: bytes) -> str:
    """Bitcoin base58: leading zero bytes become ``1``, the rest is a big-endian number."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        value = _INDEX.get(char)
        if value is None:
            raise MultibaseError(f"{char!r} is not a base58btc character")
        number = number * 58 + value
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_base58btc(data: bytes) -> str:
    return "z" + b58encode(data)


def decode_base58btc(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise MultibaseError("expected a base58btc multibase string starting with 'z'")
    return b58decode(text[1:])


def encode_base64url(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("u"):
        raise MultibaseError("expected a base64url multibase string starting with 'u'")
    body = text[1:]
    if "=" in body or any(c in body for c in "+/"):
        raise MultibaseError("base64url multibase must use the URL-safe alphabet without padding")
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as error:
        raise MultibaseError(f"invalid base64url data: {error}") from error
