"""Grade one submission: sandbox child on one side, the lab's trusted judge on the other.

Why the judge runs here and not in the sandbox: a checker that shares an interpreter
with learner code can be monkeypatched into giving full marks. Here the learner's
process only computes; hidden inputs, references and comparisons never leave this
process, and the only thing crossing back is validated data.
"""

from __future__ import annotations

import hashlib
import time

from microcred.grading import __version__
from microcred.grading.judge import Judge
from microcred.grading.lab import Lab
from microcred.grading.pool import ZygotePool, default_pool
from microcred.grading.protocol import Channel
from microcred.grading.result import CheckResult, ErrorClass, GradeResult
from microcred.grading.sandbox import SandboxUnavailableError
from microcred.grading.text import sanitize


def derive_seed(learner_id: str, lab_uuid: str, attempt: int) -> int:
    """Per-learner, per-attempt inputs: copying a friend's printed outputs does not help."""
    digest = hashlib.sha256(f"{learner_id}\0{lab_uuid}\0{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & ((1 << 63) - 1)


def _result(
    lab: Lab,
    learner_id: str,
    attempt: int,
    seed: int,
    started: float,
    *,
    checks: list[CheckResult] | None = None,
    gradable: bool = True,
    error_class: ErrorClass | None = None,
    error: str | None = None,
    sandbox: dict[str, str] | None = None,
) -> GradeResult:
    checks = checks or []
    possible = sum(c.points for c in checks)
    awarded = sum(c.awarded for c in checks)
    score = awarded / possible if possible and gradable else 0.0
    return GradeResult(
        lab=lab.slug,
        lab_uuid=lab.uuid,
        lab_version=lab.version,
        grader_version=__version__,
        learner_id=learner_id,
        attempt=attempt,
        seed=seed,
        gradable=gradable,
        error_class=error_class,
        error=error,
        score=min(max(score, 0.0), 1.0),
        points=round(score * lab.meta.points, 6),
        max_points=lab.meta.points,
        checks=checks,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
        sandbox=sandbox or {},
    )


def grade_submission(
    lab: Lab,
    source: str | bytes,
    learner_id: str = "anonymous",
    attempt: int = 1,
    pool: ZygotePool | None = None,
) -> GradeResult:
    started = time.perf_counter()
    seed = derive_seed(learner_id, lab.uuid, attempt)
    args = (lab, learner_id, attempt, seed, started)
    limit = lab.spec.limits.max_source_kib * 1024
    if len(source) > limit:
        return _result(
            *args,
            gradable=False,
            error_class="learner",
            error=f"your file is larger than {lab.spec.limits.max_source_kib} KiB",
        )
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError:
            return _result(
                *args, gradable=False, error_class="learner", error="your file is not UTF-8 text"
            )
    if "\0" in source:
        return _result(
            *args, gradable=False, error_class="learner", error="your file contains NUL bytes"
        )
    pool = pool or default_pool()
    failure = SandboxUnavailableError("the grading sandbox is unavailable")
    for _ in range(2):  # a zygote may die between checkout and use: retry once on a fresh one
        try:
            with pool.acquire(lab.limits) as zygote:
                sandbox = {
                    "cgroups": zygote.cgroup_mode,
                    "numpy": zygote.numpy_version,
                    "isolation": "bubblewrap+seccomp+rlimits",
                }
                channel = Channel(zygote, lab.limits)  # no learner code has run before this
                try:
                    return _grade_in(channel, lab, source, args, sandbox)
                finally:
                    channel.close()
        except SandboxUnavailableError as exc:
            failure = exc
    return _result(*args, gradable=False, error_class="system", error=str(failure))


def _grade_in(
    channel: Channel,
    lab: Lab,
    source: str,
    args: tuple[Lab, str, int, int, float],
    sandbox: dict[str, str],
) -> GradeResult:
    load = channel.load(source, lab.spec.forbidden_imports)
    failure = load.failure
    if failure is not None and failure.kind == "syntax":
        return _result(
            *args,
            gradable=False,
            error_class="learner",
            error=sanitize(failure.message),
            sandbox=sandbox,
        )
    judge = Judge(channel, args[3], lab.spec.tolerances, lab.reference)
    try:
        lab.judge.grade(judge)
    except Exception as exc:  # the judge is author code: its bugs are not the learner's zero
        return _result(
            *args,
            gradable=False,
            error_class="author",
            error=f"the lab's judge failed: {type(exc).__name__}: {exc}",
            sandbox=sandbox,
        )
    checks = judge.results
    note = None
    if load.forbidden:
        names = ", ".join(load.forbidden)
        note = f"your file imports {names}, which this lab does not allow; no credit is given"
        checks = [
            c.model_copy(update={"awarded": 0.0, "passed": False, "feedback": note}) for c in checks
        ]
    elif failure is not None:
        note = sanitize(failure.message)
    return _result(*args, checks=checks, error=note, sandbox=sandbox)
