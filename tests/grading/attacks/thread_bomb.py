# attack: thread bomb, then busy threads during grading
# expect: score=0
import threading
import time

_export(False)
threads = 0
try:
    while threads < 100000:
        threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
        threads += 1
except (RuntimeError, OSError, MemoryError):
    pass
