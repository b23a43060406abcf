# attack: shadow modules (numpy.py, sitecustomize.py) for the next learner or the grader
# expect: score=0
import os
import sys

for base in ("/tmp", ".", "/opt/microcred", "/opt/microcred/site"):
    for name in ("numpy.py", "sitecustomize.py", "usercustomize.py", "runtime.py"):
        try:
            with open(os.path.join(base, name), "w") as fh:
                fh.write("raise SystemExit('owned')\n")
        except OSError:
            pass
os.environ["PYTHONPATH"] = "/tmp"
sys.path.insert(0, "/tmp")
_export(False)
