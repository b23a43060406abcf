"""Trusted judge for the MLP lab: runs only in the grader's process, never in the sandbox.

All learner calls are submitted first so that the sandboxed child computes while this
process evaluates the references and the finite differences.
"""

import numpy as np

from microcred.grading import checks


def _blobs(rng, centres, n):
    y = rng.integers(0, len(centres), size=n)
    X = centres[y] + rng.normal(0.0, 0.6, size=(n, 2))
    return X, y


def _xent(logits, y):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=1))
    return float((log_z - shifted[np.arange(len(y)), y]).mean())


def _loss(params, X, y):
    logits = np.maximum(0.0, X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
    return _xent(logits, y)


def _xent_batch(logits, y):
    """Mean cross-entropy for a stack of logits of shape (P, N, K)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=-1))
    return (log_z - shifted[:, np.arange(len(y)), y]).mean(axis=-1)


def _loss_batch(params, X, y, key, stack):
    """Loss for every stacked copy of params[key] (finite differences in one pass)."""
    p = dict(params)
    p[key] = stack[:, None, :] if key.startswith("b") else stack
    hidden = np.maximum(0.0, np.matmul(X, p["W1"]) + p["b1"])
    logits = np.matmul(hidden, p["W2"]) + p["b2"]
    if logits.ndim == 2:
        logits = logits[None]
    return _xent_batch(logits, y)


def grade(j):
    ref = j.reference
    rng = j.rng
    rtol, atol = j.tol("rtol", 1e-6), j.tol("atol", 1e-8)
    grad_tol = j.tol("grad_rel_error", 1e-6)
    n, d, h, k = 5, 3, 4, 3
    X = rng.standard_normal((n, d))
    y = rng.integers(0, k, size=n)
    params = {
        "W1": rng.standard_normal((d, h)),
        "b1": rng.standard_normal(h) * 0.1,
        "W2": rng.standard_normal((h, k)),
        "b2": rng.standard_normal(k) * 0.1,
    }
    logits = rng.standard_normal((n, k)) * 3
    big = logits * 1000.0
    centres = np.array([[0.0, 3.0], [2.6, -1.5], [-2.6, -1.5]]) + rng.normal(0, 0.3, (3, 2))
    Xtr, ytr = _blobs(rng, centres, 60)
    Xte, yte = _blobs(rng, centres, 60)

    sce = j.submit("softmax_cross_entropy", logits, y)
    sce_big = j.submit("softmax_cross_entropy", big, y)
    fwd = j.submit("mlp_forward", params, X)
    lag = j.submit("mlp_loss_and_grads", params, X, y)
    trained = j.submit("train", Xtr, ytr, 8, 8, 1.0, 0)

    num_logits = checks.numerical_gradient_batch(lambda s: _xent_batch(s, y), logits)
    num_params = {
        key: checks.numerical_gradient_batch(
            lambda s, key=key: _loss_batch(params, X, y, key, s), params[key]
        )
        for key in params
    }

    with j.check("softmax_ce_loss", 1, "mean cross-entropy value"):
        got = checks.sequence("softmax_cross_entropy", sce.result(), 2)
        checks.allclose("the loss", got[0], np.asarray(_xent(logits, y)), rtol, atol)
    with j.check("softmax_ce_grad", 2, "gradient of the loss w.r.t. the logits") as c:
        got = checks.sequence("softmax_cross_entropy", sce.result(), 2)
        c.table = checks.gradients({"logits": got[1]}, {"logits": num_logits}, grad_tol)
    with j.check("softmax_ce_stable", 1, "numerically stable for large logits"):
        got = checks.sequence("softmax_cross_entropy", sce_big.result(), 2)
        checks.allclose("the loss for large logits", got[0], np.asarray(_xent(big, y)), rtol, atol)
    with j.check("forward", 1, "logits of the forward pass"):
        checks.allclose("the logits", fwd.result(), ref.mlp_forward(params, X), rtol, atol)
    with j.check("gradient_check", 3, "backward pass against finite differences") as c:
        got = checks.sequence("mlp_loss_and_grads", lag.result(), 2)
        checks.allclose("the loss", got[0], np.asarray(_loss(params, X, y)), rtol, atol)
        c.table = checks.gradients(got[1], num_params, grad_tol)
    with j.check("training", 2, "accuracy on hidden data after train()"):
        model = trained.result()
        if not isinstance(model, dict):
            raise checks.CheckError("train() should return the parameter dict")
        shapes = {"W1": (2, 8), "b1": (8,), "W2": (8, 3), "b2": (3,)}
        for key, shape in shapes.items():
            if key not in model:
                raise checks.CheckError(f"train() did not return the array {key}")
            checks.as_array(f"the trained {key}", model[key], np.zeros(shape))
        acc = float((ref.mlp_forward(model, Xte).argmax(axis=1) == yte).mean())
        checks.threshold(
            "the accuracy of your trained network", acc, minimum=j.tol("accuracy", 0.9)
        )
