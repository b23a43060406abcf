"""PDF certificate, baked PNG/SVG badges (and un-baking), the LinkedIn link."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cred_helpers import NOW

from microcred.credentials.core import DidKeyResolver, IssuerKey, sign_credential, verify_credential
from microcred.credentials.core.baking import (
    PNG_KEYWORD,
    BakingError,
    badge_png,
    badge_svg,
    bake_png,
    bake_svg,
    unbake,
    unbake_png,
    unbake_svg,
)
from microcred.credentials.core.certificate import certificate_pdf, latin1_safe, unicode_font
from microcred.credentials.core.issuer import IssuerProfile
from microcred.credentials.core.linkedin import linkedin_add_url
from microcred.credentials.core.openbadge import to_openbadge
from microcred.credentials.core.record import CredentialRecord

URL = "https://credentials.example.edu/verify/0b1c"


@pytest.fixture(scope="module")
def signed(record: CredentialRecord, issuer: IssuerProfile, key: IssuerKey) -> dict[str, object]:
    return sign_credential(
        to_openbadge(record, issuer), key, verification_method=issuer.verification_method
    )


def test_latin1_fallback_pdf_has_every_annex_i_element(record: CredentialRecord) -> None:
    pdf = certificate_pdf(record, URL, unicode=False)
    assert pdf.startswith(b"%PDF-")
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf  # A4
    text = b"".join(
        zlib.decompress(part.split(b"endstream", 1)[0])
        for part in pdf.split(b"stream\n")[1:]
        if part.startswith(b"x")  # zlib-compressed page streams
    )
    for label in (
        b"Identification of the learner",
        b"Awarding body",
        b"Learning outcomes",
        b"Notional workload",
        b"Type of quality assurance",
        b"Supervision and identity verification",
        b"Grade achieved",
        b"Integration / stackability",
        b"87.5 %",
        b"Ana Andromeda",
    ):
        assert label in text, label
    assert b"/Subtype /Image" in pdf  # the QR code


def test_unicode_pdf_embeds_noto_sans(record: CredentialRecord, tmp_path: Path) -> None:
    import dataclasses

    # fontpkg-noto-sans is a dependency: the font must be there, not skipped when missing.
    assert unicode_font() is not None

    from microcred.credentials.core.record import Learner

    greek = dataclasses.replace(record, learner=Learner("Ελένη Παπαδοπούλου", "e@example.org"))
    pdf = certificate_pdf(greek, URL)
    assert b"NotoSans" in pdf
    assert b"/FontFile2" in pdf


def test_latin1_safe_transliterates() -> None:
    assert latin1_safe("Ελένη – Zoë “x”") == 'Eleni - Zoë "x"'
    assert latin1_safe("Łódź") == "Lódz"
    assert latin1_safe("学") == "?"


def _itxt_chunks(png: bytes) -> list[bytes]:
    found, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        if kind == b"iTXt":
            found.append(png[offset + 8 : offset + 8 + length])
        offset += 12 + length
    return found


def test_png_baking_round_trip(signed: dict[str, object]) -> None:
    baked = bake_png(badge_png(), signed)
    (chunk,) = _itxt_chunks(baked)
    assert chunk.startswith(PNG_KEYWORD + b"\x00\x00\x00\x00\x00")
    text = unbake_png(baked)
    assert json.loads(text) == signed
    assert verify_credential(text, resolver=DidKeyResolver(), now=NOW).ok
    rebaked = bake_png(baked, {"id": "x"})  # baking again replaces, never duplicates
    assert len(_itxt_chunks(rebaked)) == 1
    assert json.loads(unbake(rebaked)) == {"id": "x"}


def test_svg_baking_round_trip(signed: dict[str, object]) -> None:
    svg = bake_svg(badge_svg("Applied ML & DL", "EQF 7 · 6 ECTS"), signed)
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg
    assert "<openbadges:credential><![CDATA[" in svg
    assert json.loads(unbake_svg(svg)) == signed
    assert json.loads(unbake(svg.encode())) == signed
    jws = "eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ.sig"
    assert unbake_svg(bake_svg(svg, jws)) == jws


def test_unbaking_refuses_what_is_not_a_badge() -> None:
    with pytest.raises(BakingError, match="no Open Badges credential"):
        unbake_png(badge_png(8))
    with pytest.raises(BakingError, match="not a PNG"):
        unbake_png(b"GIF89a")
    corrupt = bytearray(bake_png(badge_png(8), {"id": "x"}))
    corrupt[-20] ^= 0xFF
    with pytest.raises(BakingError):
        unbake_png(bytes(corrupt))
    with pytest.raises(BakingError, match="no Open Badges credential"):
        unbake_svg("<svg/>")
    with pytest.raises(BakingError):
        unbake(b"\xff\xfe\x00")


def test_linkedin_url(record: CredentialRecord) -> None:
    url = linkedin_add_url(
        name="Applied Machine Learning and Deep Learning",
        organization_name="Tech University",
        issued_at=record.issued_at,
        cert_url=URL,
        cert_id=str(record.credential_id),
    )
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.linkedin.com/profile/add"
    query = parse_qs(parts.query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == ["Applied Machine Learning and Deep Learning"]
    assert query["organizationName"] == ["Tech University"]
    assert query["issueYear"] == ["2027"]
    assert query["issueMonth"] == ["7"]
    assert query["certUrl"] == [URL]
    assert query["certId"] == [str(record.credential_id)]
