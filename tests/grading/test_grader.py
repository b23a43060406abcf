"""The GradeResult contract and the grading flow around the judge."""

from __future__ import annotations

import dataclasses
import shutil
import threading
from pathlib import Path

from microcred.grading import GradeResult, derive_seed, grade_submission, load_lab
from microcred.grading.pool import ZygotePool

from ._paths import LABS_DIR

SOLUTION = (LABS_DIR / "mlp-backprop" / "solution.py").read_text()


def test_result_records_provenance(grade) -> None:  # type: ignore[no-untyped-def]
    result = grade("mlp-backprop", SOLUTION, "alice", 3)
    assert result.seed == derive_seed("alice", result.lab_uuid, 3)
    assert result.lab_version
    assert result.grader_version == "1.0.0"
    assert result.attempt == 3
    assert result.learner_id == "alice"
    assert result.error_class is None
    assert result.gradable
    assert result.sandbox["cgroups"] in ("v1", "v2", "none")
    again = GradeResult.model_validate_json(result.model_dump_json())
    assert again == result
    gradient = next(c for c in result.checks if c.name == "gradient_check")
    assert [row.item for row in gradient.table] == ["W1", "b1", "W2", "b2"]


def test_seed_differs_per_learner_and_attempt() -> None:
    seeds = {derive_seed(learner, "lab", attempt) for learner in "ab" for attempt in (1, 2)}
    assert len(seeds) == 4
    assert derive_seed("a", "lab", 1) == derive_seed("a", "lab", 1)


def test_partial_credit_and_feedback(grade) -> None:  # type: ignore[no-untyped-def]
    broken = SOLUTION.replace("dpre = dhidden * (pre > 0)", "dpre = dhidden")
    result = grade("mlp-backprop", broken)
    assert 0 < result.score < 1
    assert result.points == round(result.score * result.max_points, 6)
    failed = [c for c in result.checks if not c.passed]
    assert failed[0].name == "gradient_check"
    assert "W1" in failed[0].feedback


def test_syntax_error_is_ungradable_learner_error(grade) -> None:  # type: ignore[no-untyped-def]
    result = grade("mlp-backprop", "def f(:\n")
    assert not result.gradable
    assert result.error_class == "learner"
    assert "syntax error (line 1" in (result.error or "")


def test_forbidden_import_gives_no_credit(grade) -> None:  # type: ignore[no-untyped-def]
    result = grade(
        "mlp-backprop", "try:\n    import torch\nexcept ImportError:\n    pass\n" + SOLUTION
    )
    assert result.gradable
    assert result.score == 0.0
    assert "torch" in (result.error or "")


def test_non_utf8_and_nul_are_refused(grade) -> None:  # type: ignore[no-untyped-def]
    assert grade("mlp-backprop", b"\xff\xfe".decode("latin1") + "\0").error_class == "learner"


def test_judge_crash_is_an_author_error(tmp_path: Path, pool: ZygotePool) -> None:
    target = tmp_path / "lab"
    shutil.copytree(LABS_DIR / "optimizers", target)
    (target / "judge.py").write_text("def grade(j):\n    raise RuntimeError('judge bug')\n")
    result = grade_submission(load_lab(target), "x = 1\n", "a", 1, pool=pool)
    assert not result.gradable
    assert result.error_class == "author"
    assert "judge bug" in (result.error or "")


def test_missing_sandbox_is_a_system_error(monkeypatch, labs) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", "/nonexistent")
    fresh = ZygotePool(1)
    try:
        result = grade_submission(labs["optimizers"], "x = 1\n", "a", 1, pool=fresh)
    finally:
        fresh.close()
    assert not result.gradable
    assert result.error_class == "system"
    assert result.score == 0.0


def test_concurrent_submissions_cannot_see_each_other(labs) -> None:  # type: ignore[no-untyped-def]
    lab = dataclasses.replace(labs["mlp-backprop"])
    writer = SOLUTION + (
        "\nimport os, time\nopen('/tmp/secret-of-alice', 'w').write('42')\n"
        "os.environ['SECRET'] = '42'\ntime.sleep(0.5)\n"
    )
    reader = (
        "import os, time\ntime.sleep(0.2)\n"
        "MINE = {1, os.getpid()}\n"
        "SEEN = bool(os.listdir('/tmp')) or any(\n"
        "    p.isdigit() and int(p) not in MINE for p in os.listdir('/proc'))\n"
        + SOLUTION
        + "\nif SEEN:\n    def mlp_forward(params, X):\n"
        + "        raise RuntimeError('saw a sibling')\n"
    )
    two = ZygotePool(2)
    results: dict[str, GradeResult] = {}
    try:
        threads = [
            threading.Thread(
                target=lambda n=n, s=s: results.__setitem__(
                    n, grade_submission(lab, s, n, 1, pool=two)
                )
            )
            for n, s in (("alice", writer), ("bob", reader))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        two.close()
    assert results["alice"].score == 1.0
    assert results["bob"].score == 1.0, results["bob"].to_text()
