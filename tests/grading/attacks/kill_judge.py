# attack: killing every process it can see, hoping to hit the judge
# expect: score=0
import os
import signal

for pid in range(1, 5000):
    if pid != os.getpid():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
_export(False)
