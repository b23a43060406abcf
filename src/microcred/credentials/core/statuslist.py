"""Bitstring Status List v1.0: revocation and suspension without phoning home per credential.

A verifier downloads one list of at least 131,072 bits and reads the bit at the credential's
index, so the issuer cannot tell which credential is being checked (herd privacy). That only
holds if indexes are random and the list is large, hence random allocation and the minimum size.
Bit 0 is the most significant bit of the first byte, as the spec requires.
"""

from __future__ import annotations

import gzip
import secrets
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from microcred.credentials.core.dates import format_datetime
from microcred.credentials.core.errors import MultibaseError, StatusListError
from microcred.credentials.core.multibase import decode_base64url, encode_base64url

__all__ = [
    "MAX_DECODED_BYTES",
    "MIN_BITS",
    "StatusCheck",
    "StatusList",
    "StatusPurpose",
    "allocate_index",
    "build_status_entry",
    "build_status_list_credential",
    "check_status",
    "status_entries",
]

StatusPurpose = Literal["revocation", "suspension"]
PURPOSES: tuple[StatusPurpose, ...] = ("revocation", "suspension")
MIN_BITS = 131_072
# A gzip bomb could expand a few kilobytes into gigabytes; no honest list needs more than this.
MAX_DECODED_BYTES = 16 * 1024 * 1024
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def _purpose(value: object) -> StatusPurpose:
    if value == "revocation":
        return "revocation"
    if value == "suspension":
        return "suspension"
    raise StatusListError(f"status purpose {value!r} is not 'revocation' or 'suspension'")


class StatusList:
    """A mutable bitstring for one status purpose."""

    def __init__(self, purpose: StatusPurpose, size: int = MIN_BITS) -> None:
        if size < MIN_BITS or size % 8:
            raise StatusListError(
                f"a status list needs at least {MIN_BITS} bits (a multiple of 8), not {size}"
            )
        self.purpose = _purpose(purpose)
        self._bits = bytearray(size // 8)

    @property
    def size(self) -> int:
        return len(self._bits) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.size:
            raise StatusListError(f"index {index!r} is outside the list of {self.size} entries")
        return index // 8, 0x80 >> (index % 8)

    def get(self, index: int) -> bool:
        byte, mask = self._locate(index)
        return bool(self._bits[byte] & mask)

    def set(self, index: int, value: bool = True) -> None:
        """Set (revoke or suspend) or clear (reinstate) the bit at ``index``."""
        byte, mask = self._locate(index)
        if value:
            self._bits[byte] |= mask
        else:
            self._bits[byte] &= ~mask & 0xFF

    def clear(self, index: int) -> None:
        self.set(index, False)

    def encode(self) -> str:
        """GZIP (with a fixed timestamp, so equal lists encode equally) + base64url multibase."""
        return encode_base64url(gzip.compress(bytes(self._bits), mtime=0))

    @classmethod
    def decode(cls, encoded: str, purpose: StatusPurpose) -> StatusList:
        try:
            compressed = decode_base64url(encoded)
        except MultibaseError as error:
            raise StatusListError(f"encodedList is not base64url multibase: {error}") from error
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            raw = inflater.decompress(compressed, MAX_DECODED_BYTES + 1)
        except zlib.error as error:
            raise StatusListError(f"encodedList is not GZIP data: {error}") from error
        if len(raw) > MAX_DECODED_BYTES:
            raise StatusListError("encodedList expands beyond the size any status list needs")
        if not inflater.eof:
            raise StatusListError("encodedList is truncated GZIP data")
        if len(raw) * 8 < MIN_BITS:
            raise StatusListError(
                f"the status list has {len(raw) * 8} entries; at least {MIN_BITS} are required"
            )
        status_list = cls(purpose, MIN_BITS)
        status_list._bits = bytearray(raw)
        return status_list


def allocate_index(size: int, taken: Collection[int]) -> int:
    """A uniformly random index not in ``taken``.

    Sequential indexes would let anyone watching a list infer issuance order and volume.
    """
    if len(taken) >= size:
        raise StatusListError("the status list is full; start a new list")
    for _ in range(64):
        candidate = secrets.randbelow(size)
        if candidate not in taken:
            return candidate
    free = [i for i in range(size) if i not in taken]  # nearly full: draw from what is left
    if not free:
        raise StatusListError("the status list is full; start a new list")
    return free[secrets.randbelow(len(free))]


def build_status_entry(
    list_credential_id: str, index: int, purpose: StatusPurpose
) -> dict[str, str]:
    """The ``credentialStatus`` entry pointing a credential at its bit."""
    return {
        "id": f"{list_credential_id}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": _purpose(purpose),
        "statusListIndex": str(index),
        "statusListCredential": list_credential_id,
    }


def build_status_list_credential(
    *,
    list_credential_id: str,
    issuer: str,
    status_list: StatusList,
    valid_from: datetime,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """An unsigned VC 2.0 ``BitstringStatusListCredential`` (sign it like any credential)."""
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": list_credential_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from),
        "credentialSubject": {
            "id": f"{list_credential_id}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": status_list.encode(),
        },
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    return credential


@dataclass(frozen=True, slots=True)
class StatusCheck:
    """The state of one ``credentialStatus`` entry: ``is_set`` means revoked or suspended."""

    purpose: StatusPurpose
    list_credential: str
    index: int
    is_set: bool


def status_entries(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The ``BitstringStatusListEntry`` objects of a credential (others are not ours to read)."""
    raw = credential.get("credentialStatus")
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    entries: list[Mapping[str, Any]] = []
    for item in items:
        if not isinstance(item, Mapping):
            raise StatusListError("credentialStatus entries must be JSON objects")
        if item.get("type") == "BitstringStatusListEntry":
            entries.append(item)
    return entries


def _list_from_credential(list_credential: Mapping[str, Any]) -> StatusList:
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != "BitstringStatusList":
        raise StatusListError("the status list credential has no BitstringStatusList subject")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusListError("the status list credential has no encodedList")
    return StatusList.decode(encoded, _purpose(subject.get("statusPurpose")))


def check_status(
    entry: Mapping[str, Any], status_list: StatusList | Mapping[str, Any]
) -> StatusCheck:
    """Read the bit an entry points at, in an already trusted list (object or credential)."""
    purpose = _purpose(entry.get("statusPurpose"))
    list_id = entry.get("statusListCredential")
    if not isinstance(list_id, str):
        raise StatusListError("the status entry names no statusListCredential")
    if entry.get("statusSize", 1) not in (1, "1"):
        raise StatusListError("only one-bit status entries (revocation, suspension) are supported")
    raw_index = entry.get("statusListIndex")
    if not isinstance(raw_index, str) or not raw_index.isascii() or not raw_index.isdigit():
        raise StatusListError(f"statusListIndex {raw_index!r} is not a decimal string")
    decoded = (
        status_list if isinstance(status_list, StatusList) else _list_from_credential(status_list)
    )
    if decoded.purpose != purpose:
        raise StatusListError(
            f"the entry is for {purpose} but the list {list_id!r} is for {decoded.purpose}"
        )
    index = int(raw_index)
    return StatusCheck(
        purpose=purpose, list_credential=list_id, index=index, is_set=decoded.get(index)
    )
