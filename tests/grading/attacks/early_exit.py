# attack: exiting early with a success status from inside a graded function
# expect: score=0
import atexit
import os
import sys

atexit.register(lambda: print('{"score": 1.0}'))
_export(False)

def softmax_cross_entropy(logits, y):
    sys.exit(0)

def mlp_forward(params, X):
    raise SystemExit(0)

def mlp_loss_and_grads(params, X, y):
    os._exit(0)
