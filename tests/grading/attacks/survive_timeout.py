# attack: surviving the timeout with a double-forked, setsid daemon
# expect: score=0
import os
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.setsid()
        while True:
            try:
                with open("/tmp/daemon", "w") as fh:
                    fh.write(str(os.getpid()))
            except OSError:
                pass
            time.sleep(0.01)
    os._exit(0)
_export(False)

def softmax_cross_entropy(logits, y):
    time.sleep(60)
