# attack: returning pickles / object arrays hoping the grader unpickles them
# expect: score=0
import os
import pickle

import numpy as np

class Payload:
    def __reduce__(self):
        return (os.system, ("touch /tmp/microcred-canary-pickle",))

blob = pickle.dumps(Payload())
_export(False)

def softmax_cross_entropy(logits, y):
    return np.array([Payload()], dtype=object), blob

def mlp_forward(params, X):
    return np.array([Payload(), 1], dtype=object)

def mlp_loss_and_grads(params, X, y):
    return blob, {"W1": np.array([blob], dtype=object)}
