"""A hand-written seccomp-BPF deny list, handed to bubblewrap with ``--seccomp FD``.

Why hand-written: it avoids a C library dependency (libseccomp) for ~60 instructions,
and the program is small enough to review line by line. bubblewrap installs it as the
very last step before ``exec``, so the zygote, NumPy's import and every learner child
run under it, and nothing in the sandbox can remove it (filters only stack).

Denied calls fail with ``EPERM`` rather than killing the process, so the learner gets
an ordinary Python exception and an honest score instead of a mysterious crash.
Only x86-64 is supported; on any other architecture :func:`build_filter` raises and
grading refuses to run, because an unchecked filter is worse than none.
"""

from __future__ import annotations

import errno
import platform
import struct

AUDIT_ARCH_X86_64 = 0xC000003E
_X32_SYSCALL_BIT = 0x40000000

_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06

RET_ALLOW = 0x7FFF0000
RET_KILL_PROCESS = 0x80000000


def ret_errno(code: int) -> int:
    return 0x00050000 | (code & 0xFFFF)


# x86-64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl).
CLONE = 56
CLONE3 = 435
DENIED_X86_64: dict[str, int] = {
    "socket": 41,
    "socketpair": 53,
    "ptrace": 101,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "bpf": 321,
    "userfaultfd": 323,
    "mount": 165,
    "umount2": 166,
    "pivot_root": 155,
    "chroot": 161,
    "unshare": 272,
    "setns": 308,
    "keyctl": 250,
    "add_key": 248,
    "request_key": 249,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "perf_event_open": 298,
    "kexec_load": 246,
    "kexec_file_load": 320,
    "init_module": 175,
    "finit_module": 313,
    "delete_module": 176,
    "pidfd_getfd": 438,
    "open_by_handle_at": 304,
    "name_to_handle_at": 303,
    "shmget": 29,
    "semget": 64,
    "msgget": 68,
    "fanotify_init": 300,
    "quotactl": 179,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "acct": 163,
    "syslog": 103,
    "kcmp": 312,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
    "lookup_dcookie": 212,
    "vhangup": 153,
    "iopl": 172,
    "ioperm": 173,
    "memfd_secret": 447,
    # Defence in depth: historical exploit surface or other-process access Python never needs.
    "modify_ldt": 154,
    "uselib": 134,
    "_sysctl": 156,
    "personality": 135,
    "process_madvise": 440,
    "process_mrelease": 448,
    "statmount": 457,
    "listmount": 458,
}

# Every CLONE_NEW* flag: CLONE_NEWTIME, NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET.
CLONE_NAMESPACE_FLAGS = (
    0x00000080
    | 0x00020000
    | 0x02000000
    | 0x04000000
    | 0x08000000
    | 0x10000000
    | 0x20000000
    | 0x40000000
)


class SeccompUnsupportedError(RuntimeError):
    """The filter cannot be built for this machine; grading must refuse."""


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def build_filter(machine: str | None = None) -> bytes:
    """Return the raw ``struct sock_filter[]`` program bubblewrap expects on its fd."""
    machine = machine or platform.machine()
    if machine not in ("x86_64", "AMD64"):
        raise SeccompUnsupportedError(
            f"the grading seccomp filter supports x86-64 only, this machine is {machine}"
        )
    eperm = ret_errno(errno.EPERM)
    prog = [
        _insn(_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        _insn(_JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
        _insn(_RET_K, 0, 0, RET_KILL_PROCESS),
        _insn(_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
        _insn(_JGE_K, 0, 1, _X32_SYSCALL_BIT),  # the x32 ABI aliases every call: refuse it
        _insn(_RET_K, 0, 0, eperm),
    ]
    for nr in sorted(DENIED_X86_64.values()):
        prog.append(_insn(_JEQ_K, 0, 1, nr))
        prog.append(_insn(_RET_K, 0, 0, eperm))
    # clone3 passes flags in a struct BPF cannot read; ENOSYS makes glibc fall back to clone.
    prog.append(_insn(_JEQ_K, 0, 1, CLONE3))
    prog.append(_insn(_RET_K, 0, 0, ret_errno(errno.ENOSYS)))
    # clone(flags, ...): refuse any namespace flag in the low 32 bits of args[0].
    prog.append(_insn(_JEQ_K, 0, 3, CLONE))
    prog.append(_insn(_LD_W_ABS, 0, 0, 16))
    prog.append(_insn(_JSET_K, 0, 1, CLONE_NAMESPACE_FLAGS))
    prog.append(_insn(_RET_K, 0, 0, eperm))
    prog.append(_insn(_RET_K, 0, 0, RET_ALLOW))
    return b"".join(prog)
