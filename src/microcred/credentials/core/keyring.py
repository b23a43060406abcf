"""The issuer's signing keys in the instance data directory, with rotation.

Layout (``directory`` is passed in; the instance uses ``$MICROCRED_DATA_DIR/credentials``)::

    keyring.json              public metadata, newest key first (no secrets)
    keys/<fingerprint>.json   one Multikey secret per key, mode 0600, directory 0700

The first use generates a key. ``rotate()`` adds a new active key in front and keeps the
old ones, so the did:web document still lists them and credentials signed years ago keep
verifying. ``withdraw()`` removes a key from the DID document (a compromised key: its
credentials stop verifying, which is the point) but keeps its metadata for the audit trail.
A lock file serialises writers (the web server and the task worker may start together).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

from microcred.credentials.core.dates import format_datetime
from microcred.credentials.core.did import build_did_web_document
from microcred.credentials.core.errors import KeyFormatError
from microcred.credentials.core.issuer import did_web_for_base_url
from microcred.credentials.core.keys import (
    IssuerKey,
    KeyFileError,
    generate_issuer_key,
    load_issuer_key,
    save_issuer_key,
)

__all__ = ["KeyEntry", "Keyring", "KeyringError"]

KeyState = Literal["active", "retired", "withdrawn"]


class KeyringError(KeyFormatError):
    """The keyring is missing, malformed, or has no usable key."""


@dataclass(frozen=True, slots=True)
class KeyEntry:
    public_key_multibase: str
    file: str
    created: str
    state: KeyState
    withdrawn_reason: str = ""


class Keyring:
    """Issuer keys under ``directory``; every method re-reads the metadata file."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self._metadata = self.directory / "keyring.json"
        self._keys = self.directory / "keys"

    # -- storage ---------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._keys.mkdir(mode=0o700, exist_ok=True)
        os.chmod(self._keys, 0o700)
        fd = os.open(self.directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def entries(self) -> list[KeyEntry]:
        """Every key ever created, newest first."""
        try:
            payload = json.loads(self._metadata.read_text("utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as error:
            raise KeyringError(f"{self._metadata} is unreadable: {error}") from error
        try:
            return [KeyEntry(**item) for item in payload["keys"]]
        except (KeyError, TypeError) as error:
            raise KeyringError(f"{self._metadata} is not a microcred keyring") from error

    def _write(self, entries: list[KeyEntry]) -> None:
        temporary = self._metadata.with_suffix(".tmp")
        payload: dict[str, Any] = {"keys": [asdict(entry) for entry in entries]}
        temporary.write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
        os.replace(temporary, self._metadata)

    def _create_key(self) -> KeyEntry:
        key = generate_issuer_key()
        fingerprint = hashlib.sha256(key.public_key_bytes).hexdigest()[:16]
        name = f"keys/{fingerprint}.json"
        save_issuer_key(key, self.directory / name)
        return KeyEntry(
            public_key_multibase=key.public_key_multibase,
            file=name,
            created=format_datetime(datetime.now(UTC)),
            state="active",
        )

    # -- use -------------------------------------------------------------------------------

    def ensure(self) -> KeyEntry:
        """The active key's entry, generating the first key on first use."""
        with self._locked():
            entries = self.entries()
            active = [e for e in entries if e.state == "active"]
            if active:
                return active[0]
            entry = self._create_key()
            self._write([entry, *entries])
            return entry

    def active_key(self) -> IssuerKey:
        entry = self.ensure()
        return self.load(entry)

    def load(self, entry: KeyEntry) -> IssuerKey:
        key = load_issuer_key(self.directory / entry.file)
        if key.public_key_multibase != entry.public_key_multibase:
            raise KeyFileError(f"{entry.file} does not hold the key the keyring lists")
        return key

    def key_for(self, public_key_multibase: str) -> IssuerKey:
        for entry in self.entries():
            if entry.public_key_multibase == public_key_multibase:
                return self.load(entry)
        raise KeyringError(f"no key {public_key_multibase!r} in {self.directory}")

    def published_keys(self) -> list[str]:
        """Public Multikeys the DID document lists: active first, then retired ones."""
        return [e.public_key_multibase for e in self.entries() if e.state != "withdrawn"]

    def rotate(self) -> KeyEntry:
        """Make a new key active; the previous ones stay published (state ``retired``)."""
        with self._locked():
            entries = [
                KeyEntry(e.public_key_multibase, e.file, e.created, "retired", e.withdrawn_reason)
                if e.state == "active"
                else e
                for e in self.entries()
            ]
            entry = self._create_key()
            self._write([entry, *entries])
            return entry

    def withdraw(self, public_key_multibase: str, reason: str) -> None:
        """Stop publishing a key (compromise): credentials it signed stop verifying."""
        with self._locked():
            entries = self.entries()
            if not any(e.public_key_multibase == public_key_multibase for e in entries):
                raise KeyringError(f"no key {public_key_multibase!r} in {self.directory}")
            self._write(
                [
                    KeyEntry(e.public_key_multibase, e.file, e.created, "withdrawn", reason)
                    if e.public_key_multibase == public_key_multibase
                    else e
                    for e in entries
                ]
            )

    def did_web_document(self, base_url: str) -> dict[str, Any]:
        """The did:web document for ``base_url``, listing every published key, newest first."""
        did = did_web_for_base_url(base_url)
        host, *path = did[len("did:web:") :].split(":")
        keys = self.published_keys() or [self.ensure().public_key_multibase]
        return build_did_web_document(unquote(host), keys, path=[unquote(p) for p in path])
