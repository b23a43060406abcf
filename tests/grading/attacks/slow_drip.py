# attack: sending half a frame and stalling, to hang the judge
# expect: score=0
import os
import sys
import time

_export(False)

def softmax_cross_entropy(logits, y):
    for fd in range(3, 16):
        try:
            os.write(fd, b"\x00\x00\x00\x40")
        except OSError:
            pass
    time.sleep(30)
