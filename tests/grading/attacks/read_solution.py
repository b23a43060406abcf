# attack: reading hidden tests, the reference solution or the lab files
# expect: score=0
import os

def attack():
    names = {"solution.py", "judge.py", "lab.yaml"}
    roots = ["/", "/proc/1/root", "/proc/1/cwd", "/proc/self/root"]
    for root in roots:
        try:
            for dirpath, dirnames, filenames in os.walk(root):
                if dirpath.startswith(("/proc/sys", "/proc/self/task")) or dirpath.count("/") > 8:
                    dirnames[:] = []
                    continue
                if names & set(filenames):
                    for name in names & set(filenames):
                        try:
                            text = open(os.path.join(dirpath, name)).read()
                        except OSError:
                            continue
                        if "softmax_cross_entropy" in text or "mlp_forward" in text:
                            return True
        except OSError:
            pass
    return False

_export(attack())
