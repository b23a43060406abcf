# attack: ptrace, process_vm_readv and /proc/<pid>/mem against the parent processes
# expect: score=0
import ctypes
import os

def attack():
    libc = ctypes.CDLL(None, use_errno=True)
    for pid in {os.getppid(), 1}:
        if libc.ptrace(16, pid, 0, 0) == 0:  # PTRACE_ATTACH
            return True
        try:
            numbers = os.listdir(f"/proc/{pid}/fd")  # visible, but must not be openable
        except OSError:
            numbers = []
        for number in numbers:
            try:
                os.close(os.open(f"/proc/{pid}/fd/{number}", os.O_RDWR))
                return True
            except OSError:
                pass
            try:
                os.readlink(f"/proc/{pid}/fd/{number}")
                return True
            except OSError:
                pass
        for item in ("environ", "maps", "mem", "stack"):
            try:
                with open(f"/proc/{pid}/{item}", "rb") as fh:
                    fh.read(1)
                return True
            except OSError:
                pass
    buf = ctypes.create_string_buffer(16)

    class IOV(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]

    local = IOV(ctypes.cast(buf, ctypes.c_void_p), 16)
    remote = IOV(0x400000, 16)
    if libc.process_vm_readv(os.getppid(), ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) > 0:
        return True
    return libc.ptrace(0, 0, 0, 0) == 0  # PTRACE_TRACEME

_export(attack())
