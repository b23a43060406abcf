# attack: sleeping (no CPU use) to outlast the grader
# expect: score=0
# feedback-contains: wall-clock time while loading your file
import time

_export(False)
time.sleep(10000)
