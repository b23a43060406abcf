# attack: kernel attack surface via raw syscalls (unshare, clone namespaces, bpf,
# userfaultfd, io_uring, keyctl, ptrace, mount, perf_event_open)
# expect: score=0
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def attack():
    buf = ctypes.create_string_buffer(256)
    calls = [
        (272, 0x10000000),                  # unshare(CLONE_NEWUSER)
        (272, 0x20000),                     # unshare(CLONE_NEWNS)
        (321, 0, ctypes.addressof(buf), 128),  # bpf(BPF_MAP_CREATE)
        (323, 0),                           # userfaultfd
        (425, 8, ctypes.addressof(buf)),    # io_uring_setup
        (250, 0, 0),                        # keyctl
        (101, 0, 0, 0, 0),                  # ptrace(TRACEME)
        (165, 0, ctypes.addressof(buf), 0, 0, 0),  # mount
        (298, ctypes.addressof(buf), 0, -1, -1, 0),  # perf_event_open
        (308, 0, 0),                        # setns
        (56, 0x10000000 | 17, 0, 0, 0, 0),  # clone(CLONE_NEWUSER | SIGCHLD)
    ]
    for call in calls:
        result = libc.syscall(*call)
        if result == 0 and call[0] == 56:
            os._exit(0)  # in the would-be child
        if result >= 0:
            return True
    return False

_export(attack())
