"""The real sandbox, observed from inside by small submissions."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from microcred.grading import cgroups
from microcred.grading.pool import ZygotePool
from microcred.grading.protocol import Channel
from microcred.grading.sandbox import Limits, SandboxUnavailableError, Zygote

INSPECT = r"""
import json, os, resource, socket

def facts():
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
    try:
        socket.socket()
        sock = "allowed"
    except OSError as exc:
        sock = exc.errno
    try:
        open("/usr/lib/x", "w")
        ro = False
    except OSError:
        ro = True
    with open("/tmp/mine", "w") as fh:
        fh.write("x")
    return json.dumps({
        "uid": os.getuid(), "cap": status["CapEff"].strip(), "seccomp": status["Seccomp"].strip(),
        "nnp": status["NoNewPrivs"].strip(), "socket": sock, "readonly_usr": ro,
        "hostname": os.uname().nodename, "pid": os.getpid(), "ppid": os.getppid(),
        "sid_is_self": os.getsid(0) == os.getpid(), "root": sorted(os.listdir("/")),
        "cpu": resource.getrlimit(resource.RLIMIT_CPU)[0],
        "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0],
        "fsize": resource.getrlimit(resource.RLIMIT_FSIZE)[0],
        "nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        "core": resource.getrlimit(resource.RLIMIT_CORE)[0],
        "as": resource.getrlimit(resource.RLIMIT_AS)[0],
        "net": sorted(os.listdir("/sys/class/net")) if os.path.exists("/sys/class/net") else [],
        "env": sorted(os.environ),
    })
"""


def _facts(pool: ZygotePool, limits: Limits) -> dict[str, object]:
    with pool.acquire() as zygote:
        channel = Channel(zygote, limits)
        try:
            assert channel.load(INSPECT, []).ok
            return dict(json.loads(channel.call("facts")))
        finally:
            channel.close()


def test_sandbox_isolation_seen_from_inside(pool: ZygotePool) -> None:
    limits = Limits(cpu_seconds=3, memory_mib=300, processes=7, file_mib=2, open_files=33)
    facts = _facts(pool, limits)
    assert facts["uid"] == 65534
    assert facts["cap"] == "0000000000000000"
    assert facts["seccomp"] == "2"
    assert facts["nnp"] == "1"
    assert facts["socket"] == 1  # EPERM from the seccomp filter
    assert facts["readonly_usr"] is True
    assert facts["hostname"] == "sandbox"
    assert facts["ppid"] == 1  # the zygote is init of a private PID namespace
    assert facts["sid_is_self"] is True
    assert set(facts["root"]) <= {"usr", "lib", "lib64", "bin", "dev", "proc", "tmp", "opt", "root"}
    assert "work" not in facts["root"]
    assert "home" not in facts["root"]
    assert facts["net"] == []
    assert facts["env"] == sorted(
        [
            "PATH",
            "HOME",
            "LANG",
            "PWD",
            "OPENBLAS_NUM_THREADS",
            "OMP_NUM_THREADS",
            "MKL_NUM_THREADS",
        ]
    )
    assert facts["cpu"] == 3
    assert facts["nproc"] == 7
    assert facts["fsize"] == 2 << 20
    assert facts["nofile"] == 33
    assert facts["core"] == 0
    assert isinstance(facts["as"], int)
    assert facts["as"] > 300 << 20


def test_each_submission_gets_a_fresh_child(pool: ZygotePool) -> None:
    first = _facts(pool, Limits())
    second = _facts(pool, Limits())
    assert first["pid"] != second["pid"] or first != second


def test_missing_bubblewrap_refuses_to_grade(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SandboxUnavailableError, match="never run unsandboxed"):
        Zygote(cgroups.CgroupSupport("none", "test"))


def test_zygote_exits_when_the_trusted_side_goes_away() -> None:
    zygote = Zygote(cgroups.CgroupSupport("none", "test"))
    zygote.ctrl.close()
    assert zygote.proc.wait(timeout=10) is not None
    zygote.destroy()


def test_destroy_kills_the_whole_sandbox() -> None:
    zygote = Zygote(cgroups.CgroupSupport("none", "test"))
    channel = Channel(zygote, Limits())
    assert channel.load("import os, time\nif os.fork() == 0:\n    os.setsid()\n", []).ok
    inner = zygote._sandbox_init_pids()
    assert len(inner) == 1
    pid = zygote.proc.pid
    zygote.destroy()
    channel.close()
    assert zygote.proc.returncode is not None
    for gone in (pid, *inner):
        for _ in range(100):
            try:
                os.kill(gone, 0)
            except ProcessLookupError:
                break
            state = Path(f"/proc/{gone}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "Z":  # a zombie waiting for its reaper is already dead
                break
            time.sleep(0.02)
        else:
            raise AssertionError(f"process {gone} survived destroy()")


SPAWN = """
import os, time

def spawn(n):
    made = 0
    for _ in range(n):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(5)
            os._exit(0)
        made += 1
    return made
"""


def test_process_limit_is_enforced(pool: ZygotePool) -> None:
    """RLIMIT_NPROC does not bind host root, so the pids cgroup must (see ADR 011)."""
    limits = Limits(processes=7)
    with pool.acquire() as zygote:
        channel = Channel(zygote, limits)
        try:
            assert channel.load(SPAWN, []).ok
            made = channel.call("spawn", 100)
        finally:
            channel.close()
    assert isinstance(made, int)
    assert 1 <= made <= 7
