"""`microcred credential ...` exit codes and outputs (0 ok, 1 invalid/refused, 2 usage)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
from cred_helpers import MINIMAL

from microcred.credentials.cli import add_commands

pytestmark = pytest.mark.django_db
BASE = "https://credentials.tech-university.example"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="microcred")
    add_commands(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    code: int = args.handler(args)
    return code


@pytest.fixture
def instance(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.DATA_DIR = tmp_path / "var"
    settings.PUBLIC_BASE_URL = BASE
    monkeypatch.setenv("MICROCRED_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MICROCRED_PUBLIC_BASE_URL", BASE)
    return tmp_path


def issue(out: Path, *extra: str) -> int:
    return run(
        "credential", "issue", "--course", str(MINIMAL), "--learner-name", "Ana Andromeda",
        "--learner-email", "ana@example.org", "--grade", "81.5", "--out", str(out), *extra,
    )  # fmt: skip


def test_issue_writes_badge_and_elm_then_verifies(
    instance: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = instance / "ana.json"
    assert issue(out) == 0
    badge = json.loads(out.read_text())
    assert badge["issuer"]["id"] == "did:web:credentials.tech-university.example"
    assert json.loads((instance / "ana.elm.json").read_text())["type"][1] == (
        "EuropeanDigitalCredential"
    )
    capsys.readouterr()
    assert run("credential", "verify", str(out)) == 0
    assert "ok   proof:" in capsys.readouterr().out
    assert run("credential", "verify", str(instance / "ana.elm.json"), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    # revoke through the CLI: verification now fails on status, naming it
    uuid = badge["id"].removeprefix("urn:uuid:")
    assert run("credential", "revoke", uuid, "--reason", "fraud") == 0
    assert run("credential", "verify", str(out)) == 1
    captured = capsys.readouterr()
    assert "FAIL status: the issuer has revoked this credential" in captured.out
    assert "INVALID: status" in captured.err
    assert run("credential", "suspend", uuid, "--reason", "x") == 1
    assert run("credential", "reinstate", "not-a-uuid", "--reason", "x") == 1


def test_did_key_verifies_offline_with_a_status_list_file(
    instance: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = instance / "key.json"
    assert issue(out, "--did", "key") == 0
    badge = json.loads(out.read_text())
    assert badge["issuer"]["id"].startswith("did:key:")
    from microcred.credentials import services

    listed = services.signed_status_list(
        badge["credentialStatus"]["statusListCredential"].rsplit("/", 1)[1].removesuffix(".json")
    )
    status_file = instance / "status.json"
    status_file.write_text(json.dumps(listed))
    monkeypatch.delenv("MICROCRED_PUBLIC_BASE_URL")
    assert run("credential", "verify", str(out), "--status-list", str(status_file)) == 0
    # without the list, the status cannot be known: that is a failure, never a pass
    assert run("credential", "verify", str(out)) == 1
    assert "could not be checked" in capsys.readouterr().out


def test_foreign_did_web_cannot_be_resolved_offline(
    instance: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = instance / "ana.json"
    assert issue(out) == 0
    badge = json.loads(out.read_text())
    badge["issuer"]["id"] = "did:web:elsewhere.example"
    (instance / "foreign.json").write_text(json.dumps(badge))
    assert run("credential", "verify", str(instance / "foreign.json")) == 1
    assert "cannot be resolved offline" in capsys.readouterr().out


def test_tampering_and_malformed_input(instance: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = instance / "ana.json"
    assert issue(out) == 0
    badge = json.loads(out.read_text())
    badge["credentialSubject"]["result"][-1]["value"] = "99"
    (instance / "t.json").write_text(json.dumps(badge))
    assert run("credential", "verify", str(instance / "t.json")) == 1
    assert "FAIL proof" in capsys.readouterr().out
    (instance / "bad.json").write_text("{nope")
    assert run("credential", "verify", str(instance / "bad.json")) == 1
    assert "FAIL json" in capsys.readouterr().out
    assert run("credential", "verify", str(instance / "missing.json")) == 2


def test_usage_errors(instance: Path) -> None:
    assert run("credential", "issue", "--course", str(MINIMAL)) == 2
    assert issue(instance / "x.json", "--did", "ipfs") == 2
    assert run(
        "credential", "issue", "--course", str(MINIMAL), "--learner-name", "A",
        "--learner-email", "a@example.org", "--grade", "120",
    ) == 2  # fmt: skip
    assert run(
        "credential", "issue", "--course", str(instance / "nope"), "--learner-name", "A",
        "--learner-email", "a@example.org", "--grade", "80",
    ) == 2  # fmt: skip
    assert run("credential", "revoke", "x") == 2  # --reason is required


def test_below_pass_mark_is_refused(instance: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(
        "credential", "issue", "--course", str(MINIMAL), "--learner-name", "A",
        "--learner-email", "a@example.org", "--grade", "10",
    ) == 1  # fmt: skip
    assert "below the pass mark" in capsys.readouterr().err


def test_issue_batch_from_csv(instance: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = instance / "learners.csv"
    lines = ["name,email,grade,date_of_birth"]
    lines += [f"Learner {n},l{n}@example.org,{50 + n % 50},2000-01-0{1 + n % 9}" for n in range(30)]
    lines += ["Bad Grade,bad@example.org,20,"]
    csv.write_text("\n".join(lines) + "\n")
    out = instance / "out"
    code = run("credential", "issue-batch", "--course", str(MINIMAL), str(csv),
               "--out-dir", str(out), "--workers", "2", "--elm")  # fmt: skip
    assert code == 1  # one row refused, named
    err = capsys.readouterr().err
    assert "bad@example.org: a final grade of 20 %" in err
    assert "issued 30, already held 0, failed 1" in err
    assert len(list(out.glob("*.elm.json"))) == 30
    assert len(list(out.glob("*.json"))) == 60
    sample = next(out.glob("*.elm.json"))
    assert run("credential", "verify", str(sample)) == 0
    badge_file = out / sample.name.replace(".elm.json", ".json")
    assert badge_file.read_text("utf-8").count("\n") == 1  # a cohort is written compactly
    from microcred.credentials import models

    stored = models.IssuedCredential.objects.get(uuid=badge_file.name.removesuffix(".json"))
    assert json.loads(badge_file.read_text("utf-8")) == stored.openbadge
    assert run("credential", "verify", str(badge_file)) == 0
    (instance / "broken.csv").write_text("name,grade\nA,80\n")
    assert run("credential", "issue-batch", "--course", str(MINIMAL), str(instance / "broken.csv"),
               "--out-dir", str(out)) == 1  # fmt: skip
    assert "lacks: email" in capsys.readouterr().err
