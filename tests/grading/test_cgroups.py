"""cgroup detection and per-zygote groups on the real machine (v2, v1 or none)."""

from __future__ import annotations

import subprocess
import sys

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
    if support.mode == "none":
        pytest.skip("no usable cgroup controllers here")
    group = SandboxCgroup(support, 32 << 20, 64)
    try:
        if not group.procs_files():
            pytest.skip("the memory/pids groups could not be created")
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
