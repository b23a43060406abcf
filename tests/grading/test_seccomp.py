"""The BPF program itself: structure, and refusal on unsupported machines."""

from __future__ import annotations

import struct

import pytest

from microcred.grading import seccomp


def _decode(program: bytes) -> list[tuple[int, int, int, int]]:
    return [struct.unpack("=HBBI", program[i : i + 8]) for i in range(0, len(program), 8)]


def test_program_checks_architecture_first_and_allows_by_default() -> None:
    insns = _decode(seccomp.build_filter("x86_64"))
    assert insns[0] == (0x20, 0, 0, 4)  # load arch
    assert insns[1][3] == seccomp.AUDIT_ARCH_X86_64
    assert insns[2] == (0x06, 0, 0, seccomp.RET_KILL_PROCESS)
    assert insns[-1] == (0x06, 0, 0, seccomp.RET_ALLOW)
    assert len(insns) < 4096  # kernel limit for one filter


def test_every_required_syscall_is_denied_with_eperm() -> None:
    insns = _decode(seccomp.build_filter("x86_64"))
    denied = {
        insns[i][3]
        for i in range(len(insns) - 1)
        if insns[i][0] == 0x15 and insns[i + 1] == (0x06, 0, 0, seccomp.ret_errno(1))
    }
    for name in (
        "socket",
        "ptrace",
        "bpf",
        "userfaultfd",
        "mount",
        "keyctl",
        "unshare",
        "setns",
        "io_uring_setup",
        "io_uring_enter",
        "io_uring_register",
    ):
        assert seccomp.DENIED_X86_64[name] in denied, name


def test_clone_namespace_flags_are_masked() -> None:
    insns = _decode(seccomp.build_filter("x86_64"))
    jset = [i for i in insns if i[0] == 0x45]
    assert jset
    assert jset[0][3] == seccomp.CLONE_NAMESPACE_FLAGS
    for flag in (0x10000000, 0x20000000, 0x40000000, 0x00020000, 0x08000000):
        assert seccomp.CLONE_NAMESPACE_FLAGS & flag


def test_unsupported_architecture_refuses() -> None:
    with pytest.raises(seccomp.SeccompUnsupportedError, match="x86-64 only"):
        seccomp.build_filter("aarch64")
