"""cgroup detection and per-zygote groups on the real machine (v2, v1 or none)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from microcred.grading import cgroups
from microcred.grading.sandbox import SandboxCgroup, Zygote


def test_cgroup_detection_reports_a_mode() -> None:
    support = cgroups.detect()
    assert support.mode in ("v2", "v1", "none")
    assert support.reason
    if support.mode != "none":
        assert support.roots


def test_cgroup_caps_the_zygote_when_available() -> None:
    support = cgroups.detect()
    zygote = Zygote(support, cgroup_memory_mib=1024)
    try:
        if support.mode == "none":
            assert zygote.cgroup_mode == "none"
        else:
            assert zygote.cgroup.dirs
            for path in zygote.cgroup.dirs.values():
                procs = (path / "cgroup.procs").read_text().split()
                assert str(zygote.proc.pid) in procs
    finally:
        zygote.destroy()
    assert not any(p.exists() for p in zygote.cgroup.dirs.values())


def test_memory_events_are_re_read_through_the_kept_open_counter() -> None:
    support = cgroups.detect()
    group = SandboxCgroup(support, 32 << 20, 64)
    try:
        if not group.procs_files():  # rlimits only here: there is no counter to read
            assert support.mode == "none" or not group.dirs
            assert group.memory_events() == 0
            return
        before = group.memory_events()  # opens the counter file and keeps it open
        script = 'while [ "$1" != -- ]; do echo $$ > "$1"; shift; done; shift; exec "$@"'
        subprocess.run(
            [
                "/bin/sh",
                "-c",
                script,
                "sh",
                *group.procs_files(),
                "--",
                sys.executable,
                "-c",
                "x = bytearray(256 << 20)",
            ],
            check=False,
            capture_output=True,
            timeout=60,
        )
        assert group.memory_events() > before
    finally:
        group.remove()
    assert not any(p.exists() for p in group.dirs.values())


# ---------------------------------------------------------------- machines we do not have
# These machines mount memory and pids on cgroup v1, so the v2 path cannot run for real
# here. The tests below build the files a delegated v2 host shows (/proc/self/cgroup,
# /proc/self/mounts, the cgroup2 tree) and play the one kernel rule the code must handle:
# controllers cannot be enabled for the children of a group that holds processes (EBUSY).


class FakeV2Host:
    def __init__(self, root: Path, controllers: str, procs: list[int]) -> None:
        self.proc = root / "proc"
        self.proc.mkdir()
        self.mount = root / "cgroup2"
        self.base = self.mount / "system.slice" / "microcred.service"
        self.base.mkdir(parents=True)
        (self.proc / "cgroup").write_text("0::/system.slice/microcred.service\n")
        (self.proc / "mounts").write_text(
            f"cgroup2 {self.mount} cgroup2 rw,nosuid,nodev,noexec 0 0\n"
            f"tmpfs {root / 'tmp'} tmpfs rw 0 0\n"
        )
        (self.base / "cgroup.controllers").write_text(controllers + "\n")
        (self.base / "cgroup.subtree_control").write_text("\n")
        (self.base / "cgroup.procs").write_text("".join(f"{pid}\n" for pid in procs))

    def write(self, path: Path, text: str) -> None:
        """cgroupfs semantics for the two writes that have them."""
        if (
            path.name == "cgroup.subtree_control"
            and path.parent.joinpath("cgroup.procs").read_text().split()
        ):
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(path))
        if path.name == "cgroup.procs":  # a process lives in exactly one group: move it
            for procs in self.mount.rglob("cgroup.procs"):
                left = [p for p in procs.read_text().split() if p != text.strip()]
                procs.write_text("".join(f"{p}\n" for p in left))
            path.write_text(path.read_text() + text + "\n" if path.exists() else text + "\n")
            return
        path.write_text(text)


def test_delegated_v2_is_used_and_each_sandbox_gets_its_caps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = FakeV2Host(tmp_path, "cpu io memory pids", procs=[])
    monkeypatch.setattr(cgroups, "_write", host.write)
    support = cgroups.detect(host.proc)
    assert (support.mode, support.roots) == ("v2", {"v2": host.base})
    assert (host.base / "cgroup.subtree_control").read_text() == "+memory +pids"

    group = SandboxCgroup(support, 512 << 20, 40)
    path = group.dirs["v2"]
    assert path.parent == host.base
    assert (path / "memory.max").read_text() == str(512 << 20)
    assert (path / "pids.max").read_text() == "40"
    assert group.procs_files() == [str(path / "cgroup.procs")]
    group.set_pids(9)
    assert (path / "pids.max").read_text() == "9"
    (path / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert group.memory_events() == 3


def test_v2_moves_this_process_into_a_leaf_when_its_group_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A systemd unit with Delegate=yes: the service process sits in the delegated group.
    host = FakeV2Host(tmp_path, "memory pids", procs=[os.getpid()])
    monkeypatch.setattr(cgroups, "_write", host.write)
    support = cgroups.detect(host.proc)
    assert support.mode == "v2"
    leaf = host.base / f"microcred-supervisor-{os.getpid()}"
    assert (leaf / "cgroup.procs").read_text().split() == [str(os.getpid())]
    assert (host.base / "cgroup.procs").read_text().split() == []
    assert (host.base / "cgroup.subtree_control").read_text() == "+memory +pids"


def test_v2_with_processes_that_are_not_ours_falls_back_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = FakeV2Host(tmp_path, "memory pids", procs=[os.getpid(), 999_999])
    monkeypatch.setattr(cgroups, "_write", host.write)
    support = cgroups.detect(host.proc)
    assert support.mode == "none"
    assert "processes not ours" in support.reason
    assert "rlimits only" in support.reason
    # moved back: this process is where it was, the leaf it tried is empty
    assert str(os.getpid()) in (host.base / "cgroup.procs").read_text().split()
    for leaf in host.base.glob("microcred-supervisor-*"):
        assert (leaf / "cgroup.procs").read_text().split() == []


def test_a_hybrid_host_reports_what_v2_lacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Like the CI machines: v2 mounted with only hugetlb, memory and pids on v1.
    host = FakeV2Host(tmp_path, "hugetlb", procs=[os.getpid()])
    memory = tmp_path / "v1" / "memory"
    memory.mkdir(parents=True)
    with (host.proc / "mounts").open("a") as mounts:
        mounts.write(f"cgroup {memory} cgroup rw,nosuid,memory 0 0\n")
    monkeypatch.setattr(cgroups, "_write", host.write)
    support = cgroups.detect(host.proc)
    assert support.mode == "v1"
    assert support.roots == {"memory": memory}
    assert f"cgroup v2 at {host.base} offers hugetlb, not memory and pids" in support.reason
    assert (host.base / "cgroup.subtree_control").read_text() == "\n"  # untouched
