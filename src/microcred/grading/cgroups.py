"""Best-effort cgroup limits for each zygote's whole sandbox.

rlimits are per process, so a learner who forks can multiply them; a cgroup caps the
sandbox as a whole. Machines differ: some delegate cgroup v2 controllers to us, some
(like the CI machines, with hybrid cgroups) only have v1 ``memory``/``pids``
hierarchies, and containers may have neither. We detect, in that order, and fall back
to rlimits only, recording which mode was used so the result can say so.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path

_counter = itertools.count()


@dataclass(frozen=True)
class CgroupSupport:
    """Which mechanism is available and where new groups may be created."""

    mode: str  # "v2", "v1" or "none"
    reason: str
    roots: dict[str, Path] = field(default_factory=dict)  # controller -> parent directory


def _own_paths(proc: Path) -> dict[str, str]:
    paths: dict[str, str] = {}
    try:
        text = (proc / "cgroup").read_text()
    except OSError:
        return paths
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if not controllers:
            paths["unified"] = path
        for ctl in controllers.split(","):
            paths[ctl] = path
    return paths


def _mounts(proc: Path) -> list[tuple[str, str, set[str]]]:
    result: list[tuple[str, str, set[str]]] = []
    try:
        text = (proc / "mounts").read_text()
    except OSError:
        return result
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[2] in ("cgroup", "cgroup2"):
            result.append((fields[1], fields[2], set(fields[3].split(","))))
    return result


def _writable_dir(path: Path) -> bool:
    probe = path / f"microcred-probe-{os.getpid()}-{next(_counter)}"
    try:
        probe.mkdir()
    except OSError:
        return False
    with contextlib.suppress(OSError):
        probe.rmdir()
    return True


def _write(path: Path, text: str) -> None:
    """Every write to a cgroup control file goes through here (one place to watch)."""
    path.write_text(text)


_V2_NEEDED = {"memory", "pids"}


def _enable_v2(base: Path) -> str | None:
    """Make ``memory`` and ``pids`` available to new child groups of ``base``.

    Returns None on success, else why not. cgroup v2's "no internal processes" rule
    refuses (EBUSY) to enable controllers for the children of a group that itself holds
    processes - the usual case under a systemd unit with ``Delegate=yes``, where this
    process sits in the delegated group. As systemd's delegation guide prescribes, we
    then move this process into a leaf child of its own and enable them again. Other
    processes in the group are not ours to move: if any remain, we give up.
    """
    control = base / "cgroup.subtree_control"
    try:
        if set(control.read_text().split()) >= _V2_NEEDED:
            return None
        _write(control, "+memory +pids")
        return None
    except OSError as exc:
        if exc.errno != errno.EBUSY:
            return f"cannot enable memory and pids in {control}: {exc.strerror}"
    leaf = base / f"microcred-supervisor-{os.getpid()}"
    moved = False
    try:
        leaf.mkdir(exist_ok=True)
        _write(leaf / "cgroup.procs", str(os.getpid()))
        moved = True
        _write(control, "+memory +pids")
    except OSError as exc:
        with contextlib.suppress(OSError):
            if moved:  # back where we were, and no leaf left behind
                _write(base / "cgroup.procs", str(os.getpid()))
            leaf.rmdir()
        return f"cannot enable memory and pids in {control} (processes not ours): {exc.strerror}"
    return None


def detect(proc: Path = Path("/proc/self")) -> CgroupSupport:
    """Find delegated v2 memory+pids, else v1 memory+pids, else nothing.

    ``proc`` is where this process's ``cgroup`` and ``mounts`` files are read from; tests
    point it at a prepared tree that plays the part of a machine we do not have.
    """
    own = _own_paths(proc)
    mounts = _mounts(proc)
    v2_note = ""
    for mountpoint, fstype, _ in mounts:
        if fstype != "cgroup2":
            continue
        base = Path(mountpoint) / own.get("unified", "/").lstrip("/")
        try:
            controllers = set((base / "cgroup.controllers").read_text().split())
        except OSError:
            continue
        if not controllers >= _V2_NEEDED:
            have = " ".join(sorted(controllers)) or "none"
            v2_note = f"cgroup v2 at {base} offers {have}, not memory and pids; "
            continue
        if not _writable_dir(base):
            v2_note = f"cgroup v2 at {base} is not delegated to us (not writable); "
            continue
        problem = _enable_v2(base)
        if problem is None:
            return CgroupSupport("v2", f"delegated cgroup v2 at {base}", {"v2": base})
        v2_note = problem + "; "
    roots: dict[str, Path] = {}
    for mountpoint, fstype, options in mounts:
        if fstype != "cgroup":
            continue
        for ctl in ("memory", "pids"):
            if ctl in options and ctl not in roots:
                base = Path(mountpoint) / own.get(ctl, "/").lstrip("/")
                if _writable_dir(base):
                    roots[ctl] = base
    if roots:
        names = "+".join(sorted(roots))
        reason = f"{v2_note}cgroup v1 {names}" if v2_note else f"cgroup v1 {names}"
        return CgroupSupport("v1", reason + " (no delegated v2 controllers)", roots)
    return CgroupSupport("none", f"{v2_note}no usable cgroup controllers; rlimits only")


class SandboxCgroup:
    """One group per zygote; memory and pid caps for everything inside its sandbox."""

    def __init__(self, support: CgroupSupport, memory_bytes: int, pids: int) -> None:
        self.support = support
        self.dirs: dict[str, Path] = {}
        self._fds: dict[str, int] = {}  # open counter files, re-read with pread()
        name = f"microcred-grading-{os.getpid()}-{next(_counter)}"
        try:
            if support.mode == "v2":
                path = support.roots["v2"] / name
                path.mkdir()
                self.dirs["v2"] = path
                _write(path / "memory.max", str(memory_bytes))
                if (path / "memory.swap.max").exists():
                    _write(path / "memory.swap.max", "0")
                _write(path / "pids.max", str(pids))
            elif support.mode == "v1":
                if "memory" in support.roots:
                    path = support.roots["memory"] / name
                    path.mkdir()
                    self.dirs["memory"] = path
                    _write(path / "memory.limit_in_bytes", str(memory_bytes))
                if "pids" in support.roots:
                    path = support.roots["pids"] / name
                    path.mkdir()
                    self.dirs["pids"] = path
                    _write(path / "pids.max", str(pids))
        except OSError:
            self.remove()
            self.dirs = {}

    def procs_files(self) -> list[str]:
        """Files a process writes its pid to in order to join every group of this sandbox."""
        return [str(path / "cgroup.procs") for path in self.dirs.values()]

    def contains(self, pid: int) -> bool:
        if not self.dirs:
            return False
        try:
            return all(
                str(pid) in (path / "cgroup.procs").read_text().split()
                for path in self.dirs.values()
            )
        except OSError:
            return False

    def set_pids(self, limit: int) -> None:
        for key in ("pids", "v2"):
            if key in self.dirs:
                with contextlib.suppress(OSError):
                    _write(self.dirs[key] / "pids.max", str(limit))

    def memory_events(self) -> int:
        """A counter that grows whenever the memory cap was hit (v1 failcnt, v2 max events).

        Read at the start of every submission, so the file is kept open and re-read with
        ``pread`` instead of being looked up and opened each time.
        """
        if "memory" in self.dirs:
            text = self._read("memory", "memory.failcnt")
            if text is not None:
                with contextlib.suppress(ValueError):
                    return int(text)
        if "v2" in self.dirs:
            text = self._read("v2", "memory.events")
            if text is not None:
                with contextlib.suppress(ValueError):
                    for line in text.splitlines():
                        key, value = line.split()
                        if key == "max":
                            return int(value)
        return 0

    def _read(self, key: str, name: str) -> str | None:
        try:
            fd = self._fds.get(key)
            if fd is None:
                fd = os.open(self.dirs[key] / name, os.O_RDONLY | os.O_CLOEXEC)
                self._fds[key] = fd
            return os.pread(fd, 4096, 0).decode()
        except OSError:
            return None

    def remove(self) -> None:
        fds, self._fds = self._fds, {}
        for fd in fds.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        for path in self.dirs.values():
            with contextlib.suppress(OSError):
                path.rmdir()
