"""Trusted judge for the optimizers lab: compares every iterate on a hidden quadratic."""

import copy

import numpy as np

from microcred.grading import checks

STEPS = 5

HYPER = {
    "sgd": {"lr": 0.1},
    "sgd_momentum": {"lr": 0.05, "momentum": 0.9},
    "nesterov": {"lr": 0.05, "momentum": 0.9},
    "adagrad": {"lr": 0.5, "eps": 1e-8},
    "rmsprop": {"lr": 0.01, "decay": 0.9, "eps": 1e-8},
    "adam": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}
POINTS = {"sgd": 1, "sgd_momentum": 1.5, "nesterov": 2, "adagrad": 1.5, "rmsprop": 1.5, "adam": 2.5}


def grade(j):
    rng = j.rng
    rtol, atol = j.tol("rtol", 1e-7), j.tol("atol", 1e-10)
    for name, hyper in HYPER.items():
        A = rng.standard_normal((4, 4))
        A = A @ A.T + np.eye(4)
        w0 = rng.standard_normal((4, 3))
        with j.check(name, POINTS[name], f"{name} iterates on a hidden quadratic"):
            w_ref, cfg_ref = w0.copy(), dict(hyper)
            w, cfg = w0.copy(), dict(hyper)
            for step in range(1, STEPS + 1):
                dw_ref = A @ w_ref
                w_ref, cfg_ref = getattr(j.reference, name)(w_ref, dw_ref, copy.deepcopy(cfg_ref))
                out = checks.sequence(name, j.call(name, w, A @ w, cfg), 2)
                if not isinstance(out[1], dict):
                    raise checks.CheckError(f"{name}() should return (next_w, config)")
                checks.allclose(f"w after step {step}", out[0], w_ref, rtol, atol)
                w, cfg = out
