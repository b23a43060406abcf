# attack: mutating the inputs in place, hoping the judge shares them
# expect: score=0
_export(False)
_orig = softmax_cross_entropy

def softmax_cross_entropy(logits, y):
    logits[...] = 0.0
    y[...] = 0
    return _orig(logits, y)

def mlp_forward(params, X):
    for value in params.values():
        value[...] = 0.0
    X[...] = 0.0
    return X[:, :3] * 0
