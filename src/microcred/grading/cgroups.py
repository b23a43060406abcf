"""Best-effort cgroup limits for each zygote's whole sandbox.

rlimits are per process, so a learner who forks can multiply them; a cgroup caps the
sandbox as a whole. Machines differ: some delegate cgroup v2 controllers to us, some
(like the CI machines, with hybrid cgroups) only have v1 ``memory``/``pids``
hierarchies, and containers may have neither. We detect, in that order, and fall back
to rlimits only, recording which mode was used so the result can say so.
"""

from __future__ import annotations

import contextlib
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


def _own_paths() -> dict[str, str]:
    paths: dict[str, str] = {}
    try:
        text = Path("/proc/self/cgroup").read_text()
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


def _mounts() -> list[tuple[str, str, set[str]]]:
    result: list[tuple[str, str, set[str]]] = []
    try:
        text = Path("/proc/self/mounts").read_text()
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


def detect() -> CgroupSupport:
    """Find delegated v2 memory+pids, else v1 memory+pids, else nothing."""
    own = _own_paths()
    mounts = _mounts()
    for mountpoint, fstype, _ in mounts:
        if fstype != "cgroup2":
            continue
        base = Path(mountpoint) / own.get("unified", "/").lstrip("/")
        try:
            controllers = set((base / "cgroup.controllers").read_text().split())
        except OSError:
            continue
        if {"memory", "pids"} <= controllers and _writable_dir(base):
            try:
                subtree = set((base / "cgroup.subtree_control").read_text().split())
                if not {"memory", "pids"} <= subtree:
                    (base / "cgroup.subtree_control").write_text("+memory +pids")
            except OSError:
                continue
            return CgroupSupport("v2", f"delegated cgroup v2 at {base}", {"v2": base})
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
        return CgroupSupport("v1", f"cgroup v1 {names} (no delegated v2 controllers)", roots)
    return CgroupSupport("none", "no usable cgroup controllers; rlimits only")


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
                (path / "memory.max").write_text(str(memory_bytes))
                if (path / "memory.swap.max").exists():
                    (path / "memory.swap.max").write_text("0")
                (path / "pids.max").write_text(str(pids))
            elif support.mode == "v1":
                if "memory" in support.roots:
                    path = support.roots["memory"] / name
                    path.mkdir()
                    self.dirs["memory"] = path
                    (path / "memory.limit_in_bytes").write_text(str(memory_bytes))
                if "pids" in support.roots:
                    path = support.roots["pids"] / name
                    path.mkdir()
                    self.dirs["pids"] = path
                    (path / "pids.max").write_text(str(pids))
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
                    (self.dirs[key] / "pids.max").write_text(str(limit))

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
