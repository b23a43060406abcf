"""``microcred grade``: exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred.grading.cli import main

from ._paths import LABS_DIR

LAB = LABS_DIR / "drift-monitoring"


def test_graded_json_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [str(LAB), str(LAB / "solution.py"), "--learner", "ann", "--attempt", "2", "--json"]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["score"] == 1.0
    assert out["learner_id"] == "ann"
    assert out["attempt"] == 2


def test_graded_text_exit_zero_even_with_score_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(LAB), str(LAB / "starter.py")]) == 0
    assert "score 0.000" in capsys.readouterr().out


def test_syntax_error_exit_one_single_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def broken(:\n")
    assert main([str(LAB), str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "syntax error" in err
    assert "Traceback" not in err


def test_broken_lab_exit_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lab = tmp_path / "lab"
    lab.mkdir()
    (lab / "lab.yaml").write_text("uuid: [\n")
    assert main([str(lab), str(LAB / "solution.py")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("microcred grade: broken lab: lab.yaml:")
    assert "\n" not in err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        [str(LAB)],
        [str(LAB), "/nonexistent.py"],
        ["/nonexistent-lab", str(LAB / "solution.py")],
        [str(LAB), str(LAB / "solution.py"), "--attempt", "zero"],
        [str(LAB), str(LAB / "solution.py"), "--attempt", "0"],
        ["--bogus"],
    ],
)
def test_usage_errors_exit_two(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("microcred grade: error:")
    assert "\n" not in err
