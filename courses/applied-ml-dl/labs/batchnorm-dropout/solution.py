"""Reference batch norm and dropout (never shown to learners)."""

import numpy as np


def batchnorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def batchnorm_backward(dout, x, gamma, beta, eps):
    n = x.shape[0]
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    dx = inv_std / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, dgamma, dbeta


def dropout_forward(x, keep_prob, u):
    return x * (u < keep_prob) / keep_prob


def dropout_backward(dout, keep_prob, u):
    return dout * (u < keep_prob) / keep_prob
