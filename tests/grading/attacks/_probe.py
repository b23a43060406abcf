# Not an attack: graded right after every attack in the same zygote. It earns full marks
# only if nothing the attack did is visible: no files, no processes, no patched modules.
import builtins
import os
import sys

import numpy as np

def _clean():
    me, parent = os.getpid(), os.getppid()
    for place in ("/tmp", "/dev/shm"):
        if os.listdir(place):
            return False
    expected_dev = {"null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts", "shm",
                    "fd", "stdin", "stdout", "stderr", "core"}
    if set(os.listdir("/dev")) - expected_dev:
        return False
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (1, me, parent):
            return False
    if "ATTACK" in os.environ or "PYTHONPATH" in os.environ:
        return False
    if np.allclose.__module__ != "numpy" or getattr(np.allclose, "__name__", "") != "allclose":
        return False
    if builtins.isinstance.__module__ != "builtins" or builtins.float is not type(1.0):
        return False
    if any(name in sys.modules for name in ("sitecustomize", "usercustomize")):
        return False
    return os.getcwd() == "/tmp"

_export(_clean())
