"""Benchmark: sandboxed grading latency and throughput for the MLP lab (lab a).

Measures, in the same run and on the same machine:
* microcred: p50/p95 latency of ``grade_submission`` (sequential, warm pool), and
  throughput on all cores measured two ways: (1) one grading *process* per core, each
  with its own one-zygote pool - how a deployment grades (one django-tasks
  ``db_worker`` process per core), and what the throughput target is judged on; and
  (2) one worker *thread* per core sharing one pool in a single process, where the
  trusted side of all submissions shares one GIL. Both report the CPU time spent per
  submission by every party (trusted process, zygotes, sandboxed children), from which
  the capacity of the cores is ``cores / CPU per submission`` whatever else runs;
* baseline (i): a fresh ``python -c "import numpy"`` process per submission, i.e. the
  floor for any grader that starts an interpreter per submission, before any sandbox;
* baseline (ii): ``otter run`` on an equivalent Otter-Grader assignment, installed on
  demand in a separate virtualenv under ``var/bench-venv`` (skipped with a clear message
  if it cannot be installed).

Run with ``python -m bench`` (``make bench``) or ``python -m bench.grading``.
Environment: ``BENCH_GRADING_N`` (default 300) submissions per measurement,
``BENCH_GRADING_ROUNDS`` (default 5) throughput rounds (the median is reported),
``BENCH_GRADING_OTTER_N`` (default 5) otter runs, ``BENCH_GRADING_SKIP_OTTER=1``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from microcred.grading import grade_submission, load_lab
from microcred.grading.pool import ZygotePool

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "courses" / "applied-ml-dl" / "labs" / "mlp-backprop"
DATA = Path(os.environ.get("MICROCRED_DATA_DIR", ROOT / "var"))
VENV = DATA / "bench-venv"

OTTER_TEST = """OK_FORMAT = True

test = {{
    "name": "{name}",
    "points": {points},
    "suites": [
        {{
            "cases": [{{"code": {code!r}, "hidden": False, "locked": False}}],
            "scored": True,
            "setup": "",
            "teardown": "",
            "type": "doctest",
        }}
    ],
}}
"""

# The same checks as the microcred judge, written the Otter way: they run inside the
# learner's interpreter (which is exactly why a submission can monkeypatch them).
OTTER_CASES = {
    "softmax_ce": (
        3,
        """>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> logits = rng.standard_normal((5, 3)) * 3; y = rng.integers(0, 3, 5)
>>> s = logits - logits.max(axis=1, keepdims=True)
>>> ref = float((np.log(np.exp(s).sum(axis=1)) - s[np.arange(5), y]).mean())
>>> loss, d = softmax_cross_entropy(logits, y)
>>> bool(np.isclose(loss, ref))
True
>>> num = np.zeros_like(logits)
>>> for i in np.ndindex(logits.shape):
...     p = logits.copy(); p[i] += 1e-6; m = logits.copy(); m[i] -= 1e-6
...     num[i] = (softmax_cross_entropy(p, y)[0] - softmax_cross_entropy(m, y)[0]) / 2e-6
>>> bool(np.linalg.norm(d - num) / (np.linalg.norm(d) + np.linalg.norm(num)) < 1e-6)
True
""",
    ),
    "gradient_check": (
        4,
        """>>> import numpy as np
>>> rng = np.random.default_rng(2)
>>> X = rng.standard_normal((5, 3)); y = rng.integers(0, 3, 5)
>>> P = {"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal(4) * 0.1,
...      "W2": rng.standard_normal((4, 3)), "b2": rng.standard_normal(3) * 0.1}
>>> loss, grads = mlp_loss_and_grads(P, X, y)
>>> ok = True
>>> for k in P:
...     num = np.zeros_like(P[k])
...     for i in np.ndindex(P[k].shape):
...         old = P[k][i]; P[k][i] = old + 1e-6; lp = mlp_loss_and_grads(P, X, y)[0]
...         P[k][i] = old - 1e-6; lm = mlp_loss_and_grads(P, X, y)[0]; P[k][i] = old
...         num[i] = (lp - lm) / 2e-6
...     g = grads[k]
...     ok = ok and np.linalg.norm(g - num) / (np.linalg.norm(g) + np.linalg.norm(num)) < 1e-6
>>> bool(ok)
True
""",
    ),
    "training": (
        3,
        """>>> import numpy as np
>>> rng = np.random.default_rng(3)
>>> C = np.array([[0.0, 3.0], [2.6, -1.5], [-2.6, -1.5]])
>>> y = rng.integers(0, 3, 120); X = C[y] + rng.normal(0, 0.6, (120, 2))
>>> P = train(X[:60], y[:60], 8, 20, 0.5, 0)
>>> bool((mlp_forward(P, X[60:]).argmax(axis=1) == y[60:]).mean() >= 0.9)
True
""",
    ),
}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process plus the children it has reaped (Linux ``/proc``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


class _CpuMeter:
    """CPU used by this process, its zygotes and their submission children since start.

    The zygotes reap every child (``wait4``), so their reaped-children time is the CPU
    of the sandboxed submissions, exits included.
    """

    def __init__(self, pool: ZygotePool) -> None:
        self.pids = pool.sandbox_pids()
        self.start = self._now()

    def _now(self) -> float:
        own = os.times()
        return own.user + own.system + sum(_cpu_seconds(pid) for pid in self.pids)

    def used(self) -> float:
        return self._now() - self.start


def _process_worker(index: int, n: int, barrier: Any, results: Any) -> None:
    """One grading process: its own one-zygote pool, ``n`` submissions after the barrier."""
    lab = load_lab(LAB)
    source = (LAB / "solution.py").read_text()
    pool = ZygotePool(1)
    try:
        pool.warm(limits=lab.limits)
        for i in range(10):  # warm-up, not measured
            grade_submission(lab, source, f"warm-p{index}-{i}", 1, pool=pool)
        meter = _CpuMeter(pool)
        barrier.wait(timeout=120)
        start = time.monotonic()
        failures = 0
        for i in range(n):
            if grade_submission(lab, source, f"proc{index}-{i}", 1, pool=pool).score != 1.0:
                failures += 1
        end = time.monotonic()
        results.put((start, end, meter.used(), failures, ""))
    except Exception as exc:  # report, never hang the parent
        results.put((0.0, 0.0, 0.0, n, f"{type(exc).__name__}: {exc}"))
    finally:
        pool.close()


def bench_processes(n: int, workers: int) -> dict[str, float]:
    """Throughput with one grading process per core (spawned, each with its own pool)."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(workers)
    results = ctx.Queue()
    share = [n // workers + (1 if i < n % workers else 0) for i in range(workers)]
    procs = [
        ctx.Process(target=_process_worker, args=(i, share[i], barrier, results))
        for i in range(workers)
    ]
    for proc in procs:
        proc.start()
    try:
        rows = [results.get(timeout=600) for _ in procs]
    finally:
        for proc in procs:
            proc.join(timeout=60)
            if proc.is_alive():
                proc.kill()
    errors = [row[4] for row in rows if row[4]]
    if errors or any(row[3] for row in rows):
        raise RuntimeError(f"grading failed in a worker process: {errors or 'wrong scores'}")
    elapsed = max(row[1] for row in rows) - min(row[0] for row in rows)
    return {"throughput_per_s": n / elapsed, "cpu_ms": 1000 * sum(row[2] for row in rows) / n}


def _stolen_seconds() -> float:
    """CPU time the hypervisor gave to other guests (``steal`` in /proc/stat), all cores.

    On a shared VM the same code measures 30 % apart from one minute to the next; the
    stolen time says how much of the machine the run actually had.
    """
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def bench_process_rounds(n: int, workers: int, rounds: int) -> list[dict[str, float]]:
    """``bench_processes`` repeated: one round is a sample, the median is the figure."""
    results = []
    for _ in range(rounds):
        stolen, start = _stolen_seconds(), time.monotonic()
        row = bench_processes(n, workers)
        elapsed = time.monotonic() - start
        row["steal_pct"] = 100 * (_stolen_seconds() - stolen) / (workers * elapsed)
        results.append(row)
    return results


def bench_microcred(n: int) -> dict[str, float]:
    lab = load_lab(LAB)
    source = (LAB / "solution.py").read_text()
    cores = os.cpu_count() or 1
    pool = ZygotePool(cores)
    try:
        pool.warm(limits=lab.limits)
        for i in range(20):  # warm-up, not measured
            grade_submission(lab, source, f"warm-{i}", 1, pool=pool)
        latencies = []
        for i in range(n):
            start = time.perf_counter()
            result = grade_submission(lab, source, f"learner-{i}", 1, pool=pool)
            latencies.append((time.perf_counter() - start) * 1000)
            assert result.score == 1.0, result.to_text()
        counter = iter(range(n))
        lock = threading.Lock()
        failures: list[str] = []

        def worker() -> None:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                result = grade_submission(lab, source, f"tp-{i}", 1, pool=pool)
                if result.score != 1.0:
                    failures.append(result.to_text())

        threads = [threading.Thread(target=worker) for _ in range(cores)]
        meter = _CpuMeter(pool)
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        thread_cpu = meter.used()
        if failures:
            raise RuntimeError(f"grading failed under load: {failures[0]}")
    finally:
        pool.close()
    rounds = bench_process_rounds(n, cores, int(os.environ.get("BENCH_GRADING_ROUNDS", "5")))
    by_throughput = sorted(rounds, key=lambda row: row["throughput_per_s"])
    median = by_throughput[len(by_throughput) // 2]
    for i, row in enumerate(rounds, 1):
        print(
            f"  round {i}: {row['throughput_per_s']:.0f} submissions/s with {cores} grading "
            f"processes, {row['cpu_ms']:.2f} ms CPU per submission, "
            f"{row['steal_pct']:.1f} % of the CPU stolen by the hypervisor",
            flush=True,
        )
    return {
        "p50_ms": statistics.median(latencies),
        "p95_ms": _percentile(latencies, 95),
        "throughput_per_s": median["throughput_per_s"],
        "throughput_min": by_throughput[0]["throughput_per_s"],
        "throughput_max": by_throughput[-1]["throughput_per_s"],
        "rounds": float(len(rounds)),
        "cpu_ms": median["cpu_ms"],
        "threads_per_s": n / elapsed,
        "threads_cpu_ms": 1000 * thread_cpu / n,
        "workers": float(cores),
    }


def bench_fresh_numpy(n: int) -> dict[str, float]:
    latencies = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy"], check=True)
        latencies.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": statistics.median(latencies), "p95_ms": _percentile(latencies, 95)}


CHEAT = """import numpy as np



class _Yes:
    def __getattr__(self, name):
        return lambda *a, **k: self

    def __eq__(self, other):
        return self

    def __add__(self, other):
        return self

    __radd__ = __sub__ = __rsub__ = __truediv__ = __rtruediv__ = __add__

    def __lt__(self, other):
        return True

    __ge__ = __gt__ = __le__ = __lt__

    def __bool__(self):
        return True


np.isclose = lambda *a, **k: True
np.linalg.norm = lambda *a, **k: _Yes()


def softmax_cross_entropy(logits, y):
    return 0.0, 0


def mlp_loss_and_grads(params, X, y):
    return 0.0, dict.fromkeys(params, 0)


def mlp_forward(params, X):
    return _Yes()


def train(X, y, hidden, epochs, lr, seed):
    return {}
"""


def _ensure_otter() -> Path | None:
    otter = VENV / "bin" / "otter"
    marker = VENV / ".microcred-bench-ready"
    if otter.exists() and marker.exists():
        return otter
    print(f"installing otter-grader into {VENV} (one-off) ...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(VENV / "bin" / "pip"), "install", "-q", "otter-grader", "ipykernel", "numpy"],
            check=True,
            timeout=1800,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"otter-grader could not be installed ({exc}); skipping the otter baseline")
        return None
    if not otter.exists():
        print("otter-grader installed no `otter` command; skipping the otter baseline")
        return None
    marker.write_text("otter-grader, ipykernel, numpy\n")
    return otter


def bench_otter(n: int) -> dict[str, float] | None:
    otter = _ensure_otter()
    if otter is None:
        return None
    work = Path(tempfile.mkdtemp(prefix="microcred-otter-bench-"))
    try:
        tests = work / "tests"
        tests.mkdir()
        for name, (points, code) in OTTER_CASES.items():
            (tests / f"{name}.py").write_text(
                OTTER_TEST.format(name=name, points=points, code=code)
            )
        (work / "requirements.txt").write_text("numpy\n")
        env = dict(os.environ, PATH=f"{VENV / 'bin'}:{os.environ.get('PATH', '')}")
        gen = subprocess.run(
            [str(otter), "generate", "--no-environment", "-r", "requirements.txt"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if gen.returncode != 0 or not (work / "autograder.zip").exists():
            print("otter generate failed; skipping the otter baseline:")
            print((gen.stderr or gen.stdout).strip()[-800:])
            return None
        submission = work / "submission.py"
        shutil.copy(LAB / "solution.py", submission)
        latencies = []
        score = None
        for i in range(n):
            out = work / f"out-{i}"
            out.mkdir()
            start = time.perf_counter()
            run = subprocess.run(
                [str(otter), "run", "-a", "autograder.zip", "-o", str(out), str(submission)],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            latencies.append((time.perf_counter() - start) * 1000)
            if run.returncode != 0:
                print("otter run failed; skipping the otter baseline:")
                print((run.stderr or run.stdout).strip()[-800:])
                return None
            results = out / "results.json"
            if results.exists():
                data = json.loads(results.read_text())
                score = sum(t.get("score", 0) for t in data.get("tests", []))
        print(f"otter score for the reference solution: {score} / 10")
        cheat = work / "cheat.py"
        cheat.write_text(CHEAT)
        out = work / "out-cheat"
        out.mkdir()
        subprocess.run(
            [str(otter), "run", "-a", "autograder.zip", "-o", str(out), str(cheat)],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if (out / "results.json").exists():
            data = json.loads((out / "results.json").read_text())
            cheat_score = sum(t.get("score", 0) for t in data.get("tests", []))
            print(
                f"otter score for a monkeypatching submission with no real code: {cheat_score} / 10"
            )
        return {"p50_ms": statistics.median(latencies), "p95_ms": _percentile(latencies, 95)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    n = int(os.environ.get("BENCH_GRADING_N", "300"))
    load = os.getloadavg()
    print(f"machine: {_machine()}; load average before the run {load[0]:.1f}")
    print(f"lab (a) mlp-backprop, {n} submissions per measurement")
    ours = bench_microcred(n)
    cores = ours["workers"]
    print(f"microcred sandboxed grading: p50 {ours['p50_ms']:.2f} ms, p95 {ours['p95_ms']:.2f} ms")
    print(
        f"  throughput, {cores:.0f} grading processes (one per core, own zygote each; "
        f"the deployment model, target judged on the median of {ours['rounds']:.0f} rounds): "
        f"median {ours['throughput_per_s']:.0f} submissions/s (rounds "
        f"{ours['throughput_min']:.0f}-{ours['throughput_max']:.0f}), "
        f"{ours['cpu_ms']:.2f} ms CPU per "
        f"submission -> at most {1000 * cores / ours['cpu_ms']:.0f}/s on {cores:.0f} idle cores"
    )
    print(
        f"  throughput, {cores:.0f} worker threads in one process (shared pool and GIL): "
        f"{ours['threads_per_s']:.0f} submissions/s, {ours['threads_cpu_ms']:.2f} ms CPU per "
        f"submission -> at most {1000 * cores / ours['threads_cpu_ms']:.0f}/s"
    )
    print(f"  load average after the microcred runs {os.getloadavg()[0]:.1f}")
    cheat = grade_submission(load_lab(LAB), CHEAT, "cheater", 1)
    print(
        f"microcred score for a monkeypatching submission with no real code: "
        f"{cheat.points:g} / {cheat.max_points:g}"
    )
    fresh = bench_fresh_numpy(min(n, 50))
    print(
        f"(i) fresh `python -c 'import numpy'` per submission: p50 {fresh['p50_ms']:.1f} ms, "
        f"p95 {fresh['p95_ms']:.1f} ms -> microcred is {fresh['p50_ms'] / ours['p50_ms']:.1f}x "
        "faster at p50 (and also grades, in a sandbox)"
    )
    otter = None
    if os.environ.get("BENCH_GRADING_SKIP_OTTER") == "1":
        print("(ii) otter baseline skipped (BENCH_GRADING_SKIP_OTTER=1)")
    else:
        otter = bench_otter(int(os.environ.get("BENCH_GRADING_OTTER_N", "5")))
    if otter is not None:
        print(
            f"(ii) `otter run` per submission: p50 {otter['p50_ms']:.0f} ms, "
            f"p95 {otter['p95_ms']:.0f} ms -> microcred is "
            f"{otter['p50_ms'] / ours['p50_ms']:.0f}x faster at p50"
        )
    targets = [
        ("p50 <= 10 ms", ours["p50_ms"] <= 10.0),
        (">= 200 submissions/s (processes, median round)", ours["throughput_per_s"] >= 200.0),
    ]
    if otter is not None:
        targets.append((">= 250x faster than otter run", otter["p50_ms"] / ours["p50_ms"] >= 250))
    for label, ok in targets:
        print(f"target {label}: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
