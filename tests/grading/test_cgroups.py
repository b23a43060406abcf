"""cgroup detection and per-zygote groups on the real machine (v2, v1 or none)."""

from __future__ import annotations

from microcred.grading import cgroups
from microcred.grading.sandbox import Zygote


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
