# attack: walking the judge's memory, frames and objects to find expected values
# expect: score=0
import gc
import sys

def attack():
    frame = sys._getframe()
    while frame is not None:
        for key in frame.f_locals:
            if key in ("expected", "reference", "judge", "ref", "numerical"):
                return True
        frame = frame.f_back
    for obj in gc.get_objects():
        if isinstance(obj, dict) and ("reference" in obj or "tolerances" in obj):
            return True
    return any(name.startswith("microcred") for name in sys.modules)

_export(attack())
