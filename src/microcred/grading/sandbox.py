"""Start and drive one warm, sandboxed zygote (bubblewrap + seccomp + rlimits + cgroup).

Why a zygote: starting Python and importing NumPy costs ~100 ms; forking a process that
already has them costs well under a millisecond. Why one bubblewrap per zygote: each
sandbox has its own PID, IPC, UTS, network and mount namespaces and its own tmpfs, so
submissions graded concurrently in different zygotes cannot see each other at all,
and submissions graded one after another in the same zygote are separated by the
zygote's kill-everything-and-wipe step (see ``_runtime.zygote_main``).

If anything needed for isolation is missing, :class:`SandboxUnavailableError` is
raised; there is deliberately no unsandboxed fallback.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from microcred.grading import _runtime
from microcred.grading.cgroups import CgroupSupport, SandboxCgroup
from microcred.grading.seccomp import SeccompUnsupportedError, build_filter

SANDBOX_DIR = "/opt/microcred"
START_TIMEOUT = 30.0
MIB = 1 << 20
#: The zygote is recycled if a learner left more than this many files behind.
MAX_WIPE = 200


class SandboxUnavailableError(RuntimeError):
    """Isolation cannot be set up here, so learner code must not run at all."""


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; the defaults suit the NumPy labs in this course."""

    cpu_seconds: int = 5
    wall_seconds: float = 10.0
    memory_mib: int = 512
    processes: int = 32
    file_mib: int = 8
    open_files: int = 64

    def rlimits(self, zygote_vmsize: int) -> dict[str, int]:
        return {
            "cpu": self.cpu_seconds,
            # The forked child starts with the zygote's mappings, so the budget is on top.
            "as": zygote_vmsize + self.memory_mib * MIB,
            "nproc": self.processes,
            "fsize": self.file_mib * MIB,
            "nofile": self.open_files,
            "core": 0,
        }


def find_bwrap() -> str:
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxUnavailableError(
            "bubblewrap (bwrap) is not installed; learner code is never run unsandboxed. "
            "Install the Debian package 'bubblewrap'."
        )
    return path


def _python_paths() -> tuple[str, list[str]]:
    """The interpreter to run inside and the host directories it needs (read-only)."""
    exe = os.path.realpath(sys.executable)
    prefix = os.path.realpath(sys.base_prefix)
    binds = [] if prefix.startswith("/usr") else [prefix]
    return exe, binds


def _numpy_dirs() -> list[Path]:
    try:
        import numpy
    except ImportError as exc:  # pragma: no cover - numpy is a hard dependency
        raise SandboxUnavailableError("NumPy is not installed for the grader") from exc
    pkg = Path(numpy.__file__).resolve().parent
    dirs = [pkg]
    libs = pkg.parent / "numpy.libs"
    if libs.is_dir():
        dirs.append(libs)
    return dirs


def bwrap_argv(ctrl_fd: int, seccomp_fd: int) -> list[str]:
    exe, prefixes = _python_paths()
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    argv = [
        find_bwrap(),
        "--unshare-all",  # user, ipc, pid, net, uts, cgroup
        "--unshare-user",
        "--disable-userns",
        "--uid",
        "65534",
        "--gid",
        "65534",
        "--hostname",
        "sandbox",
        "--new-session",
        "--as-pid-1",  # the zygote is init: unkillable from inside, and reaps every orphan
        "--cap-drop",
        "ALL",
        "--clearenv",
        "--setenv",
        "PATH",
        "/usr/bin",
        "--setenv",
        "HOME",
        "/tmp",  # noqa: S108 - private tmpfs in the sandbox
        "--setenv",
        "LANG",
        "C.UTF-8",
        "--setenv",
        "OPENBLAS_NUM_THREADS",
        "1",
        "--setenv",
        "OMP_NUM_THREADS",
        "1",
        "--setenv",
        "MKL_NUM_THREADS",
        "1",
        # Resolve every PLT symbol once, in the zygote: lazily bound, each child would
        # write (and copy-on-write fault) the GOT pages again on first use.
        "--setenv",
        "LD_BIND_NOW",
        "1",
        "--ro-bind",
        "/usr",
        "/usr",
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
        "--symlink",
        "usr/bin",
        "/bin",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
    ]
    ro_overlays = []
    for prefix in prefixes:
        argv += ["--ro-bind", prefix, prefix]
        site = Path(prefix) / "lib" / version / "site-packages"
        if site.is_dir():
            ro_overlays.append(str(site))
    for extra in ("/usr/lib/python3/dist-packages", f"/usr/local/lib/{version}/dist-packages"):
        if Path(extra).is_dir():
            ro_overlays.append(extra)
    for overlay in ro_overlays:  # hide every installed package except NumPy
        argv += ["--tmpfs", overlay, "--remount-ro", overlay]
    for directory in _numpy_dirs():
        argv += ["--ro-bind", str(directory), f"{SANDBOX_DIR}/site/{directory.name}"]
    argv += [
        "--ro-bind",
        _runtime.__file__,
        f"{SANDBOX_DIR}/runtime.py",
        "--size",
        str(16 * MIB),
        "--tmpfs",
        "/tmp",  # noqa: S108 - private, per sandbox
        "--size",
        str(1 * MIB),
        "--tmpfs",
        "/dev/shm",  # noqa: S108 - private, per sandbox
        "--remount-ro",
        "/dev",  # bwrap's /dev is a tmpfs: without this, files there outlive a submission
        "--remount-ro",
        "/",
        "--chdir",
        "/tmp",  # noqa: S108 - private tmpfs
        "--seccomp",
        str(seccomp_fd),
        "--",
        exe,
        "-I",
        "-S",
        "-B",
        "-c",
        f"import sys; sys.path.append({SANDBOX_DIR + '/site'!r}); "
        f"sys.path.insert(0, {SANDBOX_DIR!r}); import runtime; runtime.zygote_main({ctrl_fd})",
    ]
    return argv


class Zygote:
    """Trusted handle on one sandboxed zygote process."""

    def __init__(self, cgroups: CgroupSupport, cgroup_memory_mib: int = 2048) -> None:
        try:
            program = build_filter()
        except SeccompUnsupportedError as exc:
            raise SandboxUnavailableError(str(exc)) from exc
        find_bwrap()  # fail before creating anything that would need cleaning up
        self.alive = False
        self.due = 0
        self.pending: tuple[int, int, Limits] | None = None
        self.cgroup_mode = "none"
        self._pids_max = 0
        self._run_messages: dict[Limits, bytes] = {}  # the same bytes for the same limits
        self.ctrl, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        sec_r, sec_w = os.pipe()
        os.write(sec_w, program)
        os.close(sec_w)
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - lives with self
        self.cgroup = SandboxCgroup(cgroups, cgroup_memory_mib * MIB, 64)
        # Join the cgroup *before* bwrap starts: moving bwrap afterwards would leave the
        # sandbox it has already cloned in the old group. `exec` keeps the pid.
        argv = [
            "/bin/sh",
            "-c",
            'while [ "$1" != -- ]; do echo $$ > "$1" 2>/dev/null; shift; done; shift; exec "$@"',
            "sh",
            *self.cgroup.procs_files(),
            "--",
            *bwrap_argv(child_end.fileno(), sec_r),
        ]
        try:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                pass_fds=(child_end.fileno(), sec_r),
                start_new_session=True,
            )
        except OSError as exc:
            self.ctrl.close()
            self._stderr.close()
            self.cgroup.remove()
            raise SandboxUnavailableError(f"the grading sandbox could not start: {exc}") from exc
        finally:
            os.close(sec_r)
            child_end.close()

        hello = self._recv(START_TIMEOUT)
        if hello is None or not hello.get("ready"):
            detail = self._stderr_text()
            self.destroy()
            raise SandboxUnavailableError(
                "the grading sandbox could not start"
                + (f": {detail}" if detail else " (no diagnostic from bubblewrap)")
            )
        self.cgroup_mode = cgroups.mode if self.cgroup.contains(self.proc.pid) else "none"
        self.vmsize = int(hello["vmsize"])
        self.numpy_version = str(hello["numpy"])
        self.alive = True

    def _stderr_text(self) -> str:
        try:
            self._stderr.seek(0)
            return self._stderr.read(2000).decode(errors="replace").strip()
        except (OSError, ValueError):
            return ""

    def _recv(self, timeout: float) -> dict[str, Any] | None:
        ready, _, _ = select.select([self.ctrl], [], [], max(timeout, 0.0))
        if not ready:
            return None
        try:
            data = self.ctrl.recv(65536)
        except OSError:
            return None
        if not data:
            return None
        try:
            msg = json.loads(data)
        except (ValueError, RecursionError):
            return None
        return msg if isinstance(msg, dict) else None

    def prefork(self, limits: Limits) -> None:
        """Fork the next submission's child now, while idle, so it is warm when needed.

        The child is fresh and unused: it has only touched the grader's own code paths.
        """
        if self.pending is None and self.alive:
            with contextlib.suppress(SandboxUnavailableError):
                self.pending = (*self._fork(limits), limits)

    def start(self, limits: Limits) -> tuple[int, int]:
        """Return (request fd, response fd) of a fresh child for one submission."""
        self.settle()
        if self.pending is not None:
            req_w, resp_r, pending_limits = self.pending
            self.pending = None
            if pending_limits == limits and self.alive:
                return req_w, resp_r
            os.close(req_w)  # EOF on its request pipe: the unused child exits by itself
            os.close(resp_r)
            self.child_done()
            self.settle()
        if not self.alive:
            raise SandboxUnavailableError("the grading sandbox stopped unexpectedly")
        return self._fork(limits)

    def child_done(self) -> None:
        """The current child was told to exit; its report will be read by :meth:`settle`."""
        self.due += 1

    def settle(self, timeout: float = 2.0) -> dict[str, Any] | None:
        """Read the reports of finished children; a zygote that cannot account for them,
        or whose learner left a pile of files behind, is marked dead and replaced."""
        report = None
        while self.due > 0:
            report = self._recv(timeout)
            if report is None:
                self.alive = False
                self.due = 0
                return None
            self.due -= 1
            if int(report.get("wiped", 0)) > MAX_WIPE:
                self.alive = False
        return report

    def _fork(self, limits: Limits) -> tuple[int, int]:
        if self.cgroup_mode != "none" and self._pids_max != limits.processes:
            # RLIMIT_NPROC is not enforced for host root; the pids controller always is.
            self.cgroup.set_pids(limits.processes + 2)  # + bwrap and the zygote
            self._pids_max = limits.processes
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        try:
            payload = self._run_messages.get(limits)
            if payload is None:
                rlimits = limits.rlimits(self.vmsize)
                payload = json.dumps({"op": "run", "rlimits": rlimits}).encode()
                self._run_messages[limits] = payload
            socket.send_fds(self.ctrl, [payload], [req_r, resp_w])
        except OSError as exc:
            for fd in (req_r, req_w, resp_r, resp_w):
                os.close(fd)
            self.alive = False
            raise SandboxUnavailableError("the grading sandbox stopped unexpectedly") from exc
        os.close(req_r)
        os.close(resp_w)
        return req_w, resp_r

    def kill_child(self) -> None:
        """Ask the zygote to SIGKILL the current child (ignored if it already ended)."""
        with contextlib.suppress(OSError):
            self.ctrl.send(b'{"op":"kill"}')

    def finish(self, kill: bool, timeout: float = 2.0) -> dict[str, Any] | None:
        """Wait for the zygote's report on the child; kill it first if asked."""
        if kill:
            self.kill_child()
        self.child_done()
        return self.settle(timeout)

    def init_pids(self) -> list[int]:
        """Host pid of the zygote, the init of this sandbox's PID namespace (empty if gone)."""
        return self._sandbox_init_pids() if self.proc.poll() is None else []

    def _sandbox_init_pids(self) -> list[int]:
        """Host pids of bwrap's children, i.e. the zygote (init of the sandbox's namespace)."""
        pid = self.proc.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except (OSError, ValueError):
            pass
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    stat = (entry / "stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry.name))
        return found

    def destroy(self) -> None:
        """Kill the whole sandbox: SIGKILL to the namespace's init kills every process in it."""
        self.alive = False
        if self.pending is not None:
            for fd in self.pending[:2]:
                with contextlib.suppress(OSError):
                    os.close(fd)
            self.pending = None
        for pid in self._sandbox_init_pids():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        with contextlib.suppress(OSError):
            self.ctrl.close()
        with contextlib.suppress(OSError):
            self._stderr.close()
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            self.cgroup.remove()
            if not any(p.exists() for p in self.cgroup.dirs.values()):
                break
            time.sleep(0.01)
