"""Reference solution for the MLP lab (never shown to learners)."""

import numpy as np


def softmax_cross_entropy(logits, y):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = logits.shape[0]
    loss = -log_probs[np.arange(n), y].mean()
    dlogits = np.exp(log_probs)
    dlogits[np.arange(n), y] -= 1.0
    return float(loss), dlogits / n


def mlp_forward(params, X):
    hidden = np.maximum(0.0, X @ params["W1"] + params["b1"])
    return hidden @ params["W2"] + params["b2"]


def mlp_loss_and_grads(params, X, y):
    pre = X @ params["W1"] + params["b1"]
    hidden = np.maximum(0.0, pre)
    logits = hidden @ params["W2"] + params["b2"]
    loss, dlogits = softmax_cross_entropy(logits, y)
    dhidden = dlogits @ params["W2"].T
    dpre = dhidden * (pre > 0)
    grads = {
        "W1": X.T @ dpre,
        "b1": dpre.sum(axis=0),
        "W2": hidden.T @ dlogits,
        "b2": dlogits.sum(axis=0),
    }
    return loss, grads


def train(X, y, hidden, epochs, lr, seed):
    rng = np.random.default_rng(seed)
    classes = int(y.max()) + 1
    params = {
        "W1": 0.1 * rng.standard_normal((X.shape[1], hidden)),
        "b1": np.zeros(hidden),
        "W2": 0.1 * rng.standard_normal((hidden, classes)),
        "b2": np.zeros(classes),
    }
    for _ in range(epochs):
        _, grads = mlp_loss_and_grads(params, X, y)
        for key in params:
            params[key] -= lr * grads[key]
    return params
