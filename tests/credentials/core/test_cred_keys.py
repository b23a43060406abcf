from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from microcred.credentials.core.errors import KeyFormatError
from microcred.credentials.core.keys import (
    IssuerKey,
    KeyFileError,
    generate_issuer_key,
    load_issuer_key,
    save_issuer_key,
    verify_ed25519,
)
from microcred.credentials.core.multikey import (
    decode_public_key,
    decode_secret_key,
    encode_public_key,
)

VECTORS = Path(__file__).parent / "vectors"


def test_w3c_key_pair_round_trips() -> None:
    pair = json.loads((VECTORS / "vc-di-eddsa" / "keyPair.json").read_text())
    key = IssuerKey.from_secret_multibase(pair["privateKeyMultibase"])
    assert key.public_key_multibase == pair["publicKeyMultibase"]
    assert key.secret_key_multibase == pair["privateKeyMultibase"]
    assert key.did_key == "did:key:" + pair["publicKeyMultibase"]


def test_ob_64_byte_secret_key_is_accepted_and_checked(ob_vector: dict[str, str]) -> None:
    key = IssuerKey.from_secret_multibase(ob_vector["secret_multibase"])
    assert key.public_key_bytes.hex() == ob_vector["public_hex"]
    assert (key.seed + key.public_key_bytes).hex() == ob_vector["private_hex"]
    assert key.public_key_multibase == ob_vector["public_multibase"]
    other = generate_issuer_key()
    from microcred.credentials.core.multibase import encode_base58btc

    forged = encode_base58btc(b"\x80\x26" + key.seed + other.public_key_bytes)
    with pytest.raises(KeyFormatError, match="does not match"):
        IssuerKey.from_secret_multibase(forged)


def test_public_and_secret_headers_are_not_interchangeable() -> None:
    key = generate_issuer_key()
    with pytest.raises(KeyFormatError, match="header"):
        decode_public_key(key.secret_key_multibase)
    with pytest.raises(KeyFormatError, match="header"):
        decode_secret_key(key.public_key_multibase)
    with pytest.raises(KeyFormatError):
        encode_public_key(b"short")


def test_sign_and_verify_raw() -> None:
    key = generate_issuer_key()
    signature = key.sign(b"data")
    assert verify_ed25519(key.public_key_bytes, signature, b"data")
    assert not verify_ed25519(key.public_key_bytes, signature, b"date")
    assert not verify_ed25519(b"\x00" * 31, signature, b"data")


def test_repr_hides_the_secret() -> None:
    key = generate_issuer_key()
    assert key.secret_key_multibase not in repr(key)


def test_save_uses_0600_and_load_round_trips(tmp_path: Path) -> None:
    key = generate_issuer_key()
    path = tmp_path / "issuer.key.json"
    save_issuer_key(key, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_issuer_key(path).seed == key.seed


def test_save_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "issuer.key.json"
    save_issuer_key(generate_issuer_key(), path)
    with pytest.raises(KeyFileError, match="already exists"):
        save_issuer_key(generate_issuer_key(), path)
    replacement = generate_issuer_key()
    save_issuer_key(replacement, path, overwrite=True)
    assert load_issuer_key(path).seed == replacement.seed


def test_load_refuses_a_world_readable_key(tmp_path: Path) -> None:
    path = tmp_path / "issuer.key.json"
    save_issuer_key(generate_issuer_key(), path)
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_issuer_key(path)


def test_load_reports_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="cannot read"):
        load_issuer_key(tmp_path / "missing.json")
    path = tmp_path / "bad.json"
    path.write_text("{}")
    os.chmod(path, 0o600)
    with pytest.raises(KeyFileError, match="not a Multikey"):
        load_issuer_key(path)


def test_load_detects_a_mismatched_public_key(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    key, other = generate_issuer_key(), generate_issuer_key()
    payload = {
        "publicKeyMultibase": other.public_key_multibase,
        "secretKeyMultibase": key.secret_key_multibase,
    }
    path.write_text(json.dumps(payload))
    os.chmod(path, 0o600)
    with pytest.raises(KeyFileError, match="does not match"):
        load_issuer_key(path)
