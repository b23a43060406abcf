# attack: rebinding the grader's exit path so the child never ends after grading
# expect: score=0
import os
import sys
import time

_export(False)
for module in list(sys.modules.values()):
    if hasattr(module, "child_main") and hasattr(module, "_exit"):
        module._exit = lambda code: time.sleep(3600)
os._exit = lambda code: time.sleep(3600)
sys.exit = lambda *a: time.sleep(3600)
