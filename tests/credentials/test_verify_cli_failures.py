"""`microcred credential verify` on full OB 3.0 credentials of the shipped course: every way a
credential can be invalid is exit 1 with the failing check named, and never a traceback."""

from __future__ import annotations

import argparse
import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cred_helpers import SHIPPED

from microcred.credentials.cli import add_commands
from microcred.credentials.core import IssuerKey, sign_credential

pytestmark = pytest.mark.django_db
BASE = "https://credentials.tech-university.example"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="microcred")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    code: int = args.handler(args)
    return code


@pytest.fixture
def instance(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.DATA_DIR = tmp_path / "var"
    settings.PUBLIC_BASE_URL = BASE
    monkeypatch.setenv("MICROCRED_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MICROCRED_PUBLIC_BASE_URL", BASE)
    return tmp_path


def issue(out: Path, email: str, *extra: str) -> dict[str, Any]:
    code = run(
        "credential", "issue", "--course", str(SHIPPED), "--learner-name", "Ana Andromeda",
        "--learner-email", email, "--grade", "87.5", "--component", "written-exam=88.25",
        "--out", str(out), *extra,
    )  # fmt: skip
    assert code == 0
    badge: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return badge


def resign(badge: dict[str, Any], key: IssuerKey, method: str) -> dict[str, Any]:
    unsigned = {k: v for k, v in badge.items() if k != "proof"}
    created = datetime.fromisoformat(badge["proof"]["created"].replace("Z", "+00:00"))
    return sign_credential(unsigned, key, verification_method=method, created=created)


def verify(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run("credential", "verify", str(path), *extra)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


def test_every_failure_is_named(instance: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from microcred.credentials import services

    good = issue(instance / "ana.json", "ana@example.org")
    assert good["issuer"]["id"] == "did:web:credentials.tech-university.example"
    assert good["credentialSubject"]["achievement"]["annexI"]["eqfLevel"] == 7
    assert verify(instance / "ana.json", capsys)[0] == 0
    own_key = services.Instance.current().keyring.active_key()
    method = good["proof"]["verificationMethod"]
    stranger = IssuerKey.from_seed(bytes(range(100, 132)))

    cases: dict[str, tuple[Any, str, str]] = {}
    # signed by another key that claims to be ours
    cases["wrong-key"] = (resign(good, stranger, method), "proof", "signature does not match")
    # signed by a key that is not the issuer's at all
    cases["other-issuer"] = (
        resign(good, stranger, stranger.did_key_verification_method),
        "issuer_key",
        "not of its issuer",
    )
    expired = copy.deepcopy(good)
    expired["validUntil"] = "2025-01-01T00:00:00Z"
    expired["validFrom"] = expired["awardedDate"] = "2024-01-01T00:00:00Z"
    cases["expired"] = (resign(expired, own_key, method), "validity_window", "has expired")
    unknown = copy.deepcopy(good)
    unknown["@context"].append("https://example.org/contexts/unpinned.jsonld")
    cases["unknown-context"] = (unknown, "contexts", "https://example.org/contexts/unpinned")
    tampered = copy.deepcopy(good)
    tampered["credentialSubject"]["creditsEarned"] = 60
    cases["tampered"] = (tampered, "proof", "altered")
    for name, (document, check, message) in cases.items():
        path = instance / f"{name}.json"
        path.write_text(json.dumps(document), "utf-8")
        code, out, err = verify(path, capsys)
        assert code == 1, name
        failed = [line for line in out.splitlines() if line.startswith("FAIL")]
        assert failed, (name, out)
        assert failed[0].startswith(f"FAIL {check}: "), (name, out)
        assert message in failed[0], (name, failed[0])
        assert f"INVALID: {check}" in err, (name, err)

    # malformed JSON: truncated, not an object, not UTF-8
    for name, data in {
        "truncated": json.dumps(good)[:-40].encode(),
        "array": b"[1, 2, 3]",
        "binary": b"\xff\xfe{}",
    }.items():
        path = instance / f"{name}.json"
        path.write_bytes(data)
        code, out, err = verify(path, capsys)
        assert code == 1, name
        assert out.startswith("FAIL json: "), (name, out)
        assert "INVALID: json" in err

    # revoked, through the CLI, and in the machine-readable report
    assert run("credential", "revoke", good["id"], "--reason", "test") == 0
    code, out, _ = verify(instance / "ana.json", capsys, "--json")
    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False
    status = next(c for c in report["checks"] if c["name"] == "status")
    assert status == {
        "name": "status",
        "status": "failed",
        "message": "the issuer has revoked this credential",
    }


def test_suspended_then_reinstated(instance: Path, capsys: pytest.CaptureFixture[str]) -> None:
    badge = issue(instance / "bo.json", "bo@example.org", "--status-purpose", "suspension")
    assert badge["credentialStatus"]["statusPurpose"] == "suspension"
    assert run("credential", "suspend", badge["id"], "--reason", "identity check") == 0
    code, out, err = verify(instance / "bo.json", capsys)
    assert code == 1
    assert "FAIL status: the issuer has suspended this credential" in out
    assert "INVALID: status" in err
    assert run("credential", "reinstate", badge["id"], "--reason", "identity confirmed") == 0
    assert verify(instance / "bo.json", capsys)[0] == 0
