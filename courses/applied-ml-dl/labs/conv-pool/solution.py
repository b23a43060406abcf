"""Reference convolution and pooling (never shown to learners)."""

import numpy as np


def _windows(x, hh, ww, stride):
    view = np.lib.stride_tricks.sliding_window_view(x, (hh, ww), axis=(2, 3))
    return view[:, :, ::stride, ::stride]  # (N, C, H', W', hh, ww)


def conv2d_forward(x, w, b, stride, pad):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = _windows(xp, w.shape[2], w.shape[3], stride)
    return np.einsum("nchwij,fcij->nfhw", win, w) + b[None, :, None, None]


def conv2d_backward(dout, x, w, b, stride, pad):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    hh, ww = w.shape[2], w.shape[3]
    win = _windows(xp, hh, ww, stride)
    dw = np.einsum("nchwij,nfhw->fcij", win, dout)
    db = dout.sum(axis=(0, 2, 3))
    dxp = np.zeros_like(xp)
    for i in range(dout.shape[2]):
        for k in range(dout.shape[3]):
            hs, ws = i * stride, k * stride
            dxp[:, :, hs : hs + hh, ws : ws + ww] += np.einsum("nf,fcij->ncij", dout[:, :, i, k], w)
    dx = dxp[:, :, pad : pad + x.shape[2], pad : pad + x.shape[3]]
    return dx, dw, db


def maxpool_forward(x, pool, stride):
    return _windows(x, pool, pool, stride).max(axis=(4, 5))


def maxpool_backward(dout, x, pool, stride):
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for k in range(dout.shape[3]):
            hs, ws = i * stride, k * stride
            window = x[:, :, hs : hs + pool, ws : ws + pool]
            flat = window.reshape(*window.shape[:2], -1)
            arg = flat.argmax(axis=-1)
            r, c = np.unravel_index(arg, (pool, pool))
            n_idx, c_idx = np.indices(arg.shape)
            dx[n_idx, c_idx, hs + r, ws + c] += dout[:, :, i, k]
    return dx
