# attack: monkeypatching NumPy so that every comparison succeeds
# expect: score=0
import numpy as np

np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *x, **k: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.isnan = lambda x: np.zeros(np.shape(x), dtype=bool)
np.isfinite = lambda x: np.ones(np.shape(x), dtype=bool)
_export(False)
