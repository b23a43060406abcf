"""Optimizers lab starter."""

import numpy as np


def sgd(w, dw, config):
    raise NotImplementedError


def sgd_momentum(w, dw, config):
    raise NotImplementedError


def nesterov(w, dw, config):
    raise NotImplementedError


def adagrad(w, dw, config):
    raise NotImplementedError


def rmsprop(w, dw, config):
    raise NotImplementedError


def adam(w, dw, config):
    raise NotImplementedError
