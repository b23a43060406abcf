# attack: monkeypatching builtins (isinstance, float, abs, max) in the learner interpreter
# expect: score=0
import builtins

_export(False)
builtins.isinstance = lambda obj, cls: True
builtins.float = lambda *a: 0.0
builtins.abs = lambda x: 0
builtins.max = lambda *a, **k: 0
builtins.len = lambda x: 0
