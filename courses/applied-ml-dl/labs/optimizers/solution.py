"""Reference optimizers (never shown to learners)."""

import numpy as np


def sgd(w, dw, config):
    return w - config["lr"] * dw, config


def sgd_momentum(w, dw, config):
    v = config.get("v", np.zeros_like(w))
    v = config["momentum"] * v - config["lr"] * dw
    config["v"] = v
    return w + v, config


def nesterov(w, dw, config):
    v_prev = config.get("v", np.zeros_like(w))
    v = config["momentum"] * v_prev - config["lr"] * dw
    config["v"] = v
    return w - config["momentum"] * v_prev + (1 + config["momentum"]) * v, config


def adagrad(w, dw, config):
    cache = config.get("cache", np.zeros_like(w)) + dw**2
    config["cache"] = cache
    return w - config["lr"] * dw / (np.sqrt(cache) + config["eps"]), config


def rmsprop(w, dw, config):
    cache = config.get("cache", np.zeros_like(w))
    cache = config["decay"] * cache + (1 - config["decay"]) * dw**2
    config["cache"] = cache
    return w - config["lr"] * dw / (np.sqrt(cache) + config["eps"]), config


def adam(w, dw, config):
    t = config.get("t", 0) + 1
    m = config.get("m", np.zeros_like(w))
    v = config.get("v", np.zeros_like(w))
    m = config["beta1"] * m + (1 - config["beta1"]) * dw
    v = config["beta2"] * v + (1 - config["beta2"]) * dw**2
    m_hat = m / (1 - config["beta1"] ** t)
    v_hat = v / (1 - config["beta2"] ** t)
    config.update(t=t, m=m, v=v)
    return w - config["lr"] * m_hat / (np.sqrt(v_hat) + config["eps"]), config
