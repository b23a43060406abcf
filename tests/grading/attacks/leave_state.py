# attack: leaving files, processes, IPC and environment behind for the next learner
# expect: score=0
import os
import time

for path in ("/tmp/state", "/dev/shm/state", "./state", "/dev/state", "/dev/pts/state"):
    try:
        with open(path, "w") as fh:
            fh.write("left behind")
    except OSError:
        pass
os.environ["ATTACK"] = "1"
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        while True:
            time.sleep(0.05)
            try:
                with open("/tmp/still-here", "w") as fh:
                    fh.write(str(time.time()))
            except OSError:
                pass
    os._exit(0)
_export(False)
