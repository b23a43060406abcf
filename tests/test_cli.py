"""`microcred course validate DIR [--json]`: output and exit codes are a scripting contract.

0 when the course has no errors (warnings allowed), 1 when it has errors, 2 on usage errors.
Bad input never produces a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from microcred.cli import main

FIXTURES = Path(__file__).parent / "curriculum" / "spec" / "fixtures"
MINIMAL = FIXTURES / "minimal"
SEED_CERTIFICATE = FIXTURES / "seed-certificate"
SRC = Path(__file__).parents[1] / "src"


def edited_copy(tmp_path: Path, source: Path, file: str, old: str, new: str) -> Path:
    """A copy of a fixture course with one exact text replacement in one file."""
    root = tmp_path / source.name
    shutil.copytree(source, root)
    target = root / file
    text = target.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {file}"
    target.write_text(text.replace(old, new), encoding="utf-8")
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["course", "validate", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- exit codes ----------------------------------------------------------------------------


def test_clean_course_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(MINIMAL))
    assert code == 0
    assert out == ""
    assert err.strip() == "0 error(s), 0 warning(s)"


def test_course_with_errors_exits_1_and_prints_located_diagnostics(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, str(SEED_CERTIFICATE))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("seed-certificate/microcredential.yaml:")
    assert ": error: MC102 EQF level 9 does not exist" in lines[0]
    assert ": error: MC103 a Bachelor's degree is EQF level 6, not 8" in lines[1]
    assert err.strip() == "2 error(s), 0 warning(s)"


def test_course_with_only_warnings_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = edited_copy(
        tmp_path,
        MINIMAL,
        "microcredential.yaml",
        "qualification: bachelor\n  eqf_level: 6",
        "qualification: doctorate\n  eqf_level: 8",
    )
    code, out, err = run(capsys, str(root))
    assert code == 0
    assert ": warning: MC104 " in out
    assert err.strip() == "0 error(s), 1 warning(s)"


def test_errors_and_warnings_together_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = edited_copy(
        tmp_path, MINIMAL, "microcredential.yaml", "  eqf_level: 6", "  eqf_level: 8"
    )  # MC103 error and MC104 warning
    code, out, err = run(capsys, str(root))
    assert code == 1
    assert ": error: MC103 " in out
    assert ": warning: MC104 " in out
    assert err.strip() == "1 error(s), 1 warning(s)"


def test_missing_course_folder_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(tmp_path / "nowhere"))
    assert code == 1
    assert ": error: MC002 course folder does not exist" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["course", "validate"],
        ["course", "validate", str(MINIMAL), "--bogus"],
        ["course", "validate", "--strict", str(MINIMAL)],
        ["course"],
        [],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_broken_yaml_is_a_problem_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = edited_copy(
        tmp_path, MINIMAL, "microcredential.yaml", "end_date: 2027-03-31", "end_date: 2027-02-30"
    )
    code, out, _ = run(capsys, str(root))
    assert code == 1
    assert "MC001" in out


# --- JSON ------------------------------------------------------------------------------------


def test_json_output_for_a_clean_course(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(MINIMAL), "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload == {
        "course": str(MINIMAL),
        "ok": True,
        "errors": 0,
        "warnings": 0,
        "diagnostics": [],
    }


def test_json_output_carries_located_diagnostics(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json", str(SEED_CERTIFICATE))
    assert code == 1
    payload = json.loads(out)
    assert (payload["ok"], payload["errors"], payload["warnings"]) == (False, 2, 0)
    path = "seed-certificate/microcredential.yaml"
    lines = (SEED_CERTIFICATE / "microcredential.yaml").read_text(encoding="utf-8").splitlines()
    level_line = lines.index("  eqf: 9") + 1
    admission_line = lines.index("  eqf_level: 8") + 1
    assert [
        {key: d[key] for key in ("path", "line", "col", "severity", "code", "field")}
        for d in payload["diagnostics"]
    ] == [
        {
            "path": path,
            "line": level_line,
            "col": 8,
            "severity": "error",
            "code": "MC102",
            "field": "level.eqf",
        },
        {
            "path": path,
            "line": admission_line,
            "col": 14,
            "severity": "error",
            "code": "MC103",
            "field": "admission.eqf_level",
        },
    ]
    for diagnostic in payload["diagnostics"]:
        assert set(diagnostic) == {
            "path",
            "line",
            "col",
            "severity",
            "code",
            "field",
            "message",
            "hint",
        }


def test_json_output_includes_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = edited_copy(
        tmp_path, MINIMAL, "microcredential.yaml", "label: machine learning", "label: ML"
    )
    code, out, _ = run(capsys, str(root), "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["ok"] is True
    assert [(d["severity"], d["code"]) for d in payload["diagnostics"]] == [("warning", "MC162")]


# --- as a real process -------------------------------------------------------------------------


def test_validate_as_a_subprocess() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH", "")])),
    }
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "microcred.cli",
            "course",
            "validate",
            "--json",
            str(SEED_CERTIFICATE),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    payload = json.loads(completed.stdout)
    assert [d["code"] for d in payload["diagnostics"]] == ["MC102", "MC103"]
