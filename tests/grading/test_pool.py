"""The zygote pool: unhealthy zygotes are replaced, never reused."""

from __future__ import annotations

import os
import signal

from microcred.grading import Lab, grade_submission
from microcred.grading.pool import ZygotePool

from ._paths import LABS_DIR

SOLUTION = (LABS_DIR / "mlp-backprop" / "solution.py").read_text()


def test_zygote_is_replaced_after_a_file_bomb(labs: dict[str, Lab]) -> None:
    lab = labs["mlp-backprop"]
    pool = ZygotePool(1)
    try:
        with pool.acquire(lab.limits) as first:
            pass
        bomb = "import os\nfor i in range(300):\n    open(f'/tmp/f{i}', 'w').close()\n"
        assert grade_submission(lab, bomb + SOLUTION, "a", 1, pool=pool).score == 1.0
        after = grade_submission(lab, SOLUTION, "b", 1, pool=pool)
        assert after.score == 1.0
        with pool.acquire(lab.limits) as current:
            assert current is not first
            assert first.proc.poll() is not None  # the old sandbox is gone
    finally:
        pool.close()


def test_dead_sandbox_is_replaced_transparently(labs: dict[str, Lab]) -> None:
    lab = labs["optimizers"]
    source = (LABS_DIR / "optimizers" / "solution.py").read_text()
    pool = ZygotePool(1)
    try:
        assert grade_submission(lab, source, "a", 1, pool=pool).score == 1.0
        with pool.acquire(lab.limits) as zygote:
            for pid in zygote._sandbox_init_pids():
                os.kill(pid, signal.SIGKILL)
            zygote.proc.wait(timeout=10)
        result = grade_submission(lab, source, "b", 1, pool=pool)
        assert result.gradable
        assert result.score == 1.0
    finally:
        pool.close()


def test_small_files_do_not_recycle_the_zygote(labs: dict[str, Lab]) -> None:
    lab = labs["mlp-backprop"]
    pool = ZygotePool(1)
    try:
        with pool.acquire(lab.limits) as first:
            pass
        few = "open('/tmp/notes.txt', 'w').write('x')\n"
        assert grade_submission(lab, few + SOLUTION, "a", 1, pool=pool).score == 1.0
        with pool.acquire(lab.limits) as current:
            assert current is first
    finally:
        pool.close()
