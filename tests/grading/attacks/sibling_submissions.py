# attack: looking for other learners' submissions (processes, files, pipes, IPC)
# expect: score=0
import os

def attack():
    me, parent = os.getpid(), os.getppid()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (1, me, parent):
            return True
    for place in ("/tmp", "/dev/shm"):
        try:
            if os.listdir(place):
                return True
        except OSError:
            pass
    for fd in range(3, 64):
        try:
            os.fstat(fd)
        except OSError:
            continue
        if fd > 6:
            return True
    return False

_export(attack())
