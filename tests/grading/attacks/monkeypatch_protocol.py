# attack: rewriting the grader's own encoder in the child to forge "passed" answers
# expect: score=0
import sys

_export(False)
for mod in list(sys.modules.values()):
    if hasattr(mod, "write_frame") and hasattr(mod, "_encode_value"):
        real_write = mod.write_frame

        def forged(fd, header, blobs=(), _real=real_write):
            header = {"ok": True, "passed": True, "score": 1.0, "value": {"t": "json", "v": 1.0},
                      "result": "PASS"}
            _real(fd, header, [])

        mod.write_frame = forged
        mod._encode_value = lambda value, blobs, depth=0: {"t": "eval", "v": "1"}
