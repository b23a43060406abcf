"""Issuer keys in the data directory: generated on first use, 0600, rotation keeps old keys."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cred_helpers import NOW

from microcred.credentials.core import (
    ControllerDocumentResolver,
    sign_credential,
    verify_credential,
)
from microcred.credentials.core.issuer import IssuerProfile, did_web_for_base_url
from microcred.credentials.core.keyring import Keyring, KeyringError
from microcred.credentials.core.openbadge import to_openbadge
from microcred.credentials.core.record import CredentialRecord

BASE = "https://credentials.tech-university.example"


def test_first_use_generates_a_private_key_file(tmp_path: Path) -> None:
    ring = Keyring(tmp_path / "credentials")
    assert ring.entries() == []
    entry = ring.ensure()
    assert ring.ensure() == entry  # idempotent
    key_file = tmp_path / "credentials" / entry.file
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "credentials" / "keys").stat().st_mode) == 0o700
    assert ring.active_key().public_key_multibase == entry.public_key_multibase
    metadata = (tmp_path / "credentials" / "keyring.json").read_text()
    assert "secretKeyMultibase" not in metadata


def test_rotation_keeps_old_keys_in_the_did_document(
    tmp_path: Path, record: CredentialRecord
) -> None:
    ring = Keyring(tmp_path)
    old = ring.active_key()
    issuer = IssuerProfile.did_web(record.description, BASE, old)
    signed = sign_credential(
        to_openbadge(record, issuer), old, verification_method=issuer.verification_method
    )
    new_entry = ring.rotate()
    assert ring.active_key().public_key_multibase == new_entry.public_key_multibase
    document = ring.did_web_document(BASE)
    assert document["id"] == "did:web:credentials.tech-university.example"
    listed = [m["publicKeyMultibase"] for m in document["verificationMethod"]]
    assert listed == [new_entry.public_key_multibase, old.public_key_multibase]  # newest first
    resolver = ControllerDocumentResolver([document], did_key=False)
    assert verify_credential(signed, resolver=resolver, now=NOW).ok
    # withdrawing the old (compromised) key makes its credentials fail issuer_key
    ring.withdraw(old.public_key_multibase, "laptop stolen")
    document = ring.did_web_document(BASE)
    assert [m["publicKeyMultibase"] for m in document["verificationMethod"]] == [
        new_entry.public_key_multibase
    ]
    report = verify_credential(
        signed, resolver=ControllerDocumentResolver([document], did_key=False), now=NOW
    )
    assert report.failures == ("issuer_key",)
    assert ring.entries()[1].withdrawn_reason == "laptop stolen"


def test_key_files_readable_by_others_are_refused(tmp_path: Path) -> None:
    ring = Keyring(tmp_path)
    entry = ring.ensure()
    (tmp_path / entry.file).chmod(0o644)
    with pytest.raises(Exception, match="chmod 600"):
        ring.active_key()


def test_unknown_and_malformed(tmp_path: Path) -> None:
    ring = Keyring(tmp_path)
    with pytest.raises(KeyringError):
        ring.key_for("z6MkNotThere")
    (tmp_path / "keyring.json").write_text("{nope")
    with pytest.raises(KeyringError, match="unreadable"):
        ring.entries()


@pytest.mark.parametrize(
    ("base", "did"),
    [
        ("https://example.edu", "did:web:example.edu"),
        ("https://example.edu:8443/", "did:web:example.edu%3A8443"),
        ("https://example.edu/micro/creds", "did:web:example.edu:micro:creds"),
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
    ],
)
def test_did_web_for_base_url(base: str, did: str) -> None:
    assert did_web_for_base_url(base) == did


def test_did_web_document_with_port_and_path(tmp_path: Path) -> None:
    ring = Keyring(tmp_path)
    document = ring.did_web_document("https://example.edu:8443/micro")
    assert document["id"] == "did:web:example.edu%3A8443:micro"
    assert document["assertionMethod"][0].startswith("did:web:example.edu%3A8443:micro#z6Mk")
