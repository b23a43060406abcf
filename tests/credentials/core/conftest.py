"""Shared fixtures: the copied W3C / 1EdTech vectors and a freshly signed sample credential."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.credentials.core import (
    ControllerDocumentResolver,
    IssuerKey,
    build_did_web_document,
    sign_credential,
)

VECTORS = Path(__file__).parent / "vectors"
EDDSA = VECTORS / "vc-di-eddsa"
OB = VECTORS / "ob-v3p0"
RDF_CANON = VECTORS / "rdf-canon"

SIGNED_AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def load_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


@pytest.fixture(scope="session")
def ob_vector() -> dict[str, Any]:
    """The parts of the OB 3.0 impl-guide vector that live in its HTML page."""
    html = (OB / "linked-data-proof-ob.html").read_text("utf-8")

    def code(section: str) -> str:
        match = re.search(rf'id="{section}">.*?<code\s*>(.*?)</code', html, re.S)
        assert match, section
        return match.group(1).strip()

    signed = re.search(r'title="Signed credential">(.*?)</pre>', html, re.S)
    secret = re.search(r"secretKeyMultibase: '(z[1-9A-HJ-NP-Za-km-z]+)'", html)
    public = re.search(r"publicKeyMultibase: '(z[1-9A-HJ-NP-Za-km-z]+)'", html)
    pair = re.search(r"Public key \(hex\):\s*<code\s*>([0-9a-f]+)</code", html)
    private = re.search(r"Private key \(hex\):\s*<code\s*>([0-9a-f]+)</code", html)
    assert signed
    assert secret
    assert public
    assert pair
    assert private
    return {
        "signed": json.loads(signed.group(1)),
        "secret_multibase": secret.group(1),
        "public_multibase": public.group(1),
        "public_hex": pair.group(1),
        "private_hex": private.group(1),
        "document_hash": code("ob-document-hash"),
        "proof_hash": code("ob-proof-hash"),
        "data": code("ob-data"),
        "signature": code("ob-signature"),
        "proof_value": code("ob-proof-value"),
    }


@pytest.fixture(scope="session")
def issuer_key() -> IssuerKey:
    return IssuerKey.from_seed(bytes(range(32)))


@pytest.fixture(scope="session")
def issuer_did_document(issuer_key: IssuerKey) -> dict[str, Any]:
    return build_did_web_document("issuer.example", [issuer_key])


@pytest.fixture(scope="session")
def resolver(issuer_did_document: dict[str, Any]) -> ControllerDocumentResolver:
    return ControllerDocumentResolver([issuer_did_document])


def _unsigned_badge(issuer: str, **extra: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:2f0b3c9e-8a51-4f60-9d43-6a8f8d2b1c01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Institute"},
        "validFrom": "2026-01-15T09:30:00Z",
        "validUntil": "2031-01-15T09:30:00Z",
        "name": "Applied Machine Learning",
        "credentialSubject": {
            "id": "did:example:learner-42",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/aml",
                "type": ["Achievement"],
                "name": "Applied Machine Learning",
                "description": "Trains, evaluates and ships supervised models.",
                "criteria": {"narrative": "Pass every graded lab."},
            },
        },
    }
    credential.update(extra)
    return credential


@pytest.fixture
def unsigned_badge() -> Any:
    """Factory for a minimal valid OB 3.0 AchievementCredential (not built from course data)."""
    return _unsigned_badge


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def signed_badge(issuer_key: IssuerKey, issuer_did_document: dict[str, Any]) -> dict[str, Any]:
    did = issuer_did_document["id"]
    return sign_credential(
        _unsigned_badge(did),
        issuer_key,
        verification_method=issuer_did_document["assertionMethod"][0],
        created=SIGNED_AT,
    )
