# attack: forging a result on stdout/stderr and in files the grader might read
# expect: score=0
import json
import os
import sys

fake = {"score": 1.0, "gradable": True, "points": 10, "checks": [], "ok": True}
print(json.dumps(fake))
print(json.dumps(fake), file=sys.stderr)
os.write(1, b'{"ok": true, "value": {"t": "json", "v": 1.0}}')
for path in ("/tmp/result.json", "/tmp/grade.json", "result.json", "/tmp/microcred-canary-forge"):
    try:
        with open(path, "w") as fh:
            json.dump(fake, fh)
    except OSError:
        pass
_export(False)
