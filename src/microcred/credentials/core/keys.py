"""Issuer signing keys: generation, Multikey serialisation, and key files.

A key file holds the secret key, so it is created with mode 0600 (never briefly readable by
others: the mode is set when the file is created) and loading refuses a file that group or
others can read, as ssh does; a leaked issuer key lets anyone mint credentials in our name.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from microcred.credentials.core.errors import KeyFormatError
from microcred.credentials.core.multikey import (
    decode_secret_key,
    encode_public_key,
    encode_secret_key,
)

__all__ = [
    "IssuerKey",
    "KeyFileError",
    "generate_issuer_key",
    "load_issuer_key",
    "save_issuer_key",
    "verify_ed25519",
]


class KeyFileError(KeyFormatError):
    """A key file is missing, unreadable, malformed or too widely readable."""


@dataclass(frozen=True, slots=True)
class IssuerKey:
    """An Ed25519 signing key and its public Multikey."""

    private_key: Ed25519PrivateKey

    @classmethod
    def from_seed(cls, seed: bytes) -> IssuerKey:
        if len(seed) != 32:
            raise KeyFormatError("an Ed25519 seed is 32 bytes")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_secret_multibase(cls, text: str) -> IssuerKey:
        raw = decode_secret_key(text)
        key = cls.from_seed(raw[:32])
        if len(raw) == 64 and raw[32:] != key.public_key_bytes:
            raise KeyFormatError("the secret key's embedded public key does not match its seed")
        return key

    @property
    def seed(self) -> bytes:
        return self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    @property
    def public_key_bytes(self) -> bytes:
        return self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def public_key_multibase(self) -> str:
        return encode_public_key(self.public_key_bytes)

    @property
    def secret_key_multibase(self) -> str:
        return encode_secret_key(self.seed)

    @property
    def did_key(self) -> str:
        """The did:key DID of this key (its own controller)."""
        return f"did:key:{self.public_key_multibase}"

    @property
    def did_key_verification_method(self) -> str:
        return f"{self.did_key}#{self.public_key_multibase}"

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    def __repr__(self) -> str:  # never print the secret
        return f"IssuerKey(public_key_multibase={self.public_key_multibase!r})"


def verify_ed25519(public_key: bytes, signature: bytes, data: bytes) -> bool:
    """True when ``signature`` is a valid Ed25519 signature of ``data``."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def generate_issuer_key() -> IssuerKey:
    """A fresh key from the operating system's CSPRNG."""
    return IssuerKey(Ed25519PrivateKey.generate())


def save_issuer_key(
    key: IssuerKey, path: str | os.PathLike[str], *, overwrite: bool = False
) -> None:
    """Write ``key`` as a Multikey JSON file readable by its owner only (mode 0600)."""
    target = Path(path)
    payload = {
        "type": "Multikey",
        "publicKeyMultibase": key.public_key_multibase,
        "secretKeyMultibase": key.secret_key_multibase,
    }
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(target, flags, 0o600)
    except FileExistsError as error:
        raise KeyFileError(f"{target} already exists; pass overwrite=True to replace it") from error
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        json.dump(payload, handle, indent=2)
        handle.write("\n")


def load_issuer_key(path: str | os.PathLike[str]) -> IssuerKey:
    """Read a key written by ``save_issuer_key``; refuse it if others could read it."""
    target = Path(path)
    try:
        mode = target.stat().st_mode
        text = target.read_text(encoding="utf-8")
    except OSError as error:
        raise KeyFileError(f"cannot read key file {target}: {error.strerror}") from error
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"key file {target} is accessible by group or others (mode {stat.S_IMODE(mode):o}); "
            "run chmod 600 on it"
        )
    try:
        payload = json.loads(text)
        secret = payload["secretKeyMultibase"]
    except (ValueError, KeyError, TypeError) as error:
        raise KeyFileError(f"key file {target} is not a Multikey JSON file") from error
    key = IssuerKey.from_secret_multibase(secret)
    public = payload.get("publicKeyMultibase")
    if public is not None and public != key.public_key_multibase:
        raise KeyFileError(f"key file {target}: public key does not match the secret key")
    return key
