# attack: flooding stdout/stderr and returning a huge answer
# expect: score=0
# feedback-contains: larger than 64 MiB
import os
import sys

import numpy as np

for _ in range(2000):
    sys.stdout.write("A" * 65536)
    os.write(2, b"B" * 65536)
_export(False)

def mlp_forward(params, X):
    return np.ones((9 * 1024 * 1024,))  # 72 MiB
