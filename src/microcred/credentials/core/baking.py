"""Open Badges 3.0 baking: a credential inside its badge image, and back out again.

* PNG: an ``iTXt`` chunk with keyword ``openbadgecredential`` (uncompressed, no language)
  holding the signed credential JSON, placed before ``IEND``; an existing one is replaced.
* SVG: the ``openbadges`` namespace (``https://purl.imsglobal.org/ob/v3p0``) on the root and an
  ``<openbadges:credential>`` element, first child of ``<svg>``, with the JSON in CDATA.

Extraction reads only those structures (CRCs checked, sizes bounded) and never parses the
SVG as XML, so no entity or external-reference trick applies.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from html import escape, unescape
from typing import Any

from microcred.credentials.core.errors import CredentialError

__all__ = [
    "OB_NAMESPACE",
    "PNG_KEYWORD",
    "BakingError",
    "badge_png",
    "badge_svg",
    "bake_png",
    "bake_svg",
    "unbake",
    "unbake_png",
    "unbake_svg",
]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
MAX_CREDENTIAL_BYTES = 8 * 1024 * 1024


class BakingError(CredentialError):
    """The image is not a badge we can bake into or extract a credential from."""


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG image")
    chunks: list[tuple[bytes, bytes]] = []
    offset = len(PNG_SIGNATURE)
    while offset < len(data):
        if offset + 12 > len(data):
            raise BakingError("the PNG is truncated")
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if len(body) != length or offset + 12 + length > len(data):
            raise BakingError("the PNG is truncated")
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise BakingError(f"the PNG chunk {kind.decode('latin-1')!r} is corrupt (CRC)")
        chunks.append((kind, body))
        offset += 12 + length
        if kind == b"IEND":
            break
    if not chunks or chunks[-1][0] != b"IEND":
        raise BakingError("the PNG has no IEND chunk")
    return chunks


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _is_credential_itxt(kind: bytes, body: bytes) -> bool:
    return kind == b"iTXt" and body.split(b"\x00", 1)[0] == PNG_KEYWORD


def _credential_text(credential: dict[str, Any] | str) -> str:
    return credential if isinstance(credential, str) else json.dumps(credential, ensure_ascii=False)


def bake_png(image: bytes, credential: dict[str, Any] | str) -> bytes:
    """``image`` with ``credential`` (JSON object or compact JWS) in an ``iTXt`` chunk."""
    chunks = [(k, b) for k, b in _chunks(image) if not _is_credential_itxt(k, b)]
    text = _credential_text(credential).encode("utf-8")
    itxt = PNG_KEYWORD + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + text
    out = bytearray(PNG_SIGNATURE)
    for kind, body in chunks[:-1]:
        out += _chunk(kind, body)
    out += _chunk(b"iTXt", itxt)
    out += _chunk(b"IEND", b"")
    return bytes(out)


def unbake_png(image: bytes) -> str:
    """The credential text baked into a PNG (JSON or compact JWS)."""
    for kind, body in _chunks(image):
        if not _is_credential_itxt(kind, body):
            continue
        rest = body[len(PNG_KEYWORD) + 1 :]
        if len(rest) < 2:
            raise BakingError("the openbadgecredential chunk is malformed")
        compressed, method = rest[0], rest[1]
        parts = rest[2:].split(b"\x00", 2)
        if len(parts) != 3:
            raise BakingError("the openbadgecredential chunk is malformed")
        text = parts[2]
        if compressed:
            if method != 0:
                raise BakingError("unknown iTXt compression method")
            inflater = zlib.decompressobj()
            text = inflater.decompress(text, MAX_CREDENTIAL_BYTES + 1)
            if len(text) > MAX_CREDENTIAL_BYTES:
                raise BakingError("the baked credential is implausibly large")
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BakingError("the baked credential is not UTF-8 text") from error
    raise BakingError("the PNG carries no Open Badges credential")


_SVG_ROOT = re.compile(r"<svg\b[^>]*>", re.S)
_SVG_CREDENTIAL = re.compile(
    r"<openbadges:credential\b[^>]*?(?:/>|>(.*?)</openbadges:credential\s*>)", re.S
)
_CDATA = re.compile(r"\s*<!\[CDATA\[(.*?)\]\]>\s*", re.S)
_VERIFY = re.compile(r"""\bverify\s*=\s*(["'])(.*?)\1""", re.S)


def bake_svg(svg: str, credential: dict[str, Any] | str) -> str:
    """``svg`` with an ``<openbadges:credential>`` element holding ``credential``."""
    svg = _SVG_CREDENTIAL.sub("", svg)
    root = _SVG_ROOT.search(svg)
    if root is None:
        raise BakingError("not an SVG image")
    tag = root.group(0)
    if "xmlns:openbadges" not in tag:
        tag = tag[:-1].rstrip("/") + f' xmlns:openbadges="{OB_NAMESPACE}">'
    text = _credential_text(credential)
    if isinstance(credential, str) and not text.lstrip().startswith("{"):
        element = f'<openbadges:credential verify="{escape(text, quote=True)}"/>'
    else:
        if "]]>" in text:
            text = text.replace("]]>", "]]]]><![CDATA[>")
        element = f"<openbadges:credential><![CDATA[{text}]]></openbadges:credential>"
    return svg[: root.start()] + tag + element + svg[root.end() :]


def unbake_svg(svg: str) -> str:
    match = _SVG_CREDENTIAL.search(svg)
    if match is None:
        raise BakingError("the SVG carries no Open Badges credential")
    inner = match.group(1)
    if inner is None or not inner.strip():
        verify = _VERIFY.search(match.group(0))
        if verify is None:
            raise BakingError("the openbadges:credential element is empty")
        return unescape(verify.group(2))
    pieces = _CDATA.findall(inner)
    return "".join(pieces) if pieces else inner.strip()


def unbake(data: bytes) -> str:
    """Extract from a PNG or an SVG, whichever ``data`` is."""
    if data.startswith(PNG_SIGNATURE):
        return unbake_png(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BakingError("neither a PNG nor an SVG image") from error
    return unbake_svg(text)


def badge_svg(title: str, subtitle: str) -> str:
    """A plain round badge (EU blue, white lettering) to bake credentials into."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" '
        'viewBox="0 0 400 400" role="img">'
        f"<title>{escape(title)}</title>"
        '<circle cx="200" cy="200" r="190" fill="#003399"/>'
        '<circle cx="200" cy="200" r="170" fill="none" stroke="#ffcc00" stroke-width="6"/>'
        '<text x="200" y="180" font-family="sans-serif" font-size="22" fill="#fff" '
        f'text-anchor="middle">{escape(title[:32])}</text>'
        '<text x="200" y="220" font-family="sans-serif" font-size="18" fill="#ffcc00" '
        f'text-anchor="middle">{escape(subtitle[:40])}</text>'
        "</svg>"
    )


def badge_png(size: int = 256) -> bytes:
    """A plain round badge PNG (EU blue disc, gold ring) drawn without any imaging library."""
    centre = (size - 1) / 2
    outer, ring_out, ring_in = size * 0.48, size * 0.44, size * 0.41
    rows = bytearray()
    for y in range(size):
        rows.append(0)
        for x in range(size):
            d = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
            if d > outer:
                rows += b"\xff\xff\xff\x00"
            elif ring_in <= d <= ring_out:
                rows += b"\xff\xcc\x00\xff"
            else:
                rows += b"\x00\x33\x99\xff"
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )
