# attack: exhausting inodes with many empty files and directories
# expect: score=0
import os

_export(False)
try:
    for i in range(20000):
        os.mkdir(f"/tmp/d{i}")
        open(f"/tmp/d{i}/f", "w").close()
except OSError:
    pass
