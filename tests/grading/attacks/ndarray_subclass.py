# attack: ndarray subclasses and __array__/__array_ufunc__ tricks
# expect: score=0
import numpy as np

class Always(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(self), dtype=bool)
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(np.broadcast_shapes(*(np.shape(i) for i in inputs)))
    def __array_function__(self, func, types, args, kwargs):
        return True

class ArrayLike:
    def __init__(self, shape): self.shape = shape
    def __array__(self, dtype=None, copy=None):
        import random
        return np.full(self.shape, random.random())

def softmax_cross_entropy(logits, y):
    return np.zeros(()).view(Always), np.zeros_like(logits).view(Always)

def mlp_forward(params, X):
    return ArrayLike((X.shape[0], params["W2"].shape[1]))

def mlp_loss_and_grads(params, X, y):
    return 0.0, {k: np.zeros_like(v).view(Always) for k, v in params.items()}

def train(X, y, hidden, epochs, lr, seed):
    return {"W1": ArrayLike((2, hidden)), "b1": ArrayLike((hidden,)),
            "W2": ArrayLike((hidden, 3)), "b2": ArrayLike((3,))}
