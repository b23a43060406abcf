"""Convolution lab starter."""

import numpy as np


def conv2d_forward(x, w, b, stride, pad):
    raise NotImplementedError


def conv2d_backward(dout, x, w, b, stride, pad):
    raise NotImplementedError


def maxpool_forward(x, pool, stride):
    raise NotImplementedError


def maxpool_backward(dout, x, pool, stride):
    raise NotImplementedError
