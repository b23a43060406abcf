# attack: planting symlinks and hardlinks for the grader or the next learner
# expect: score=0
import os

def attack():
    planted = False
    for target, link in [("/proc/1/root", "/tmp/root"), ("/etc/passwd", "/tmp/microcred-canary-link"),
                         ("/tmp", "/opt/microcred/evil"), ("/tmp/x", "/usr/lib/evil")]:
        try:
            os.symlink(target, link)
            planted = planted or not link.startswith("/tmp")
        except OSError:
            pass
    for src in ("/opt/microcred/runtime.py", "/usr/bin/env"):
        try:
            os.link(src, "/tmp/hard")
            with open("/tmp/hard", "a") as fh:
                fh.write("# owned")
            return True
        except OSError:
            pass
    return planted

_export(attack())
