"""Reference LSTM and GRU cells (never shown to learners)."""

import numpy as np


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    hd = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b
    i, f, o = (_sigmoid(a[:, k * hd : (k + 1) * hd]) for k in range(3))
    g = np.tanh(a[:, 3 * hd :])
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def lstm_step_backward(dh, dc, x, h_prev, c_prev, Wx, Wh, b):
    hd = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b
    i, f, o = (_sigmoid(a[:, k * hd : (k + 1) * hd]) for k in range(3))
    g = np.tanh(a[:, 3 * hd :])
    c = f * c_prev + i * g
    tc = np.tanh(c)
    dc_total = dc + dh * o * (1 - tc**2)
    da = np.concatenate(
        [
            dc_total * g * i * (1 - i),
            dc_total * c_prev * f * (1 - f),
            dh * tc * o * (1 - o),
            dc_total * i * (1 - g**2),
        ],
        axis=1,
    )
    return {
        "dx": da @ Wx.T,
        "dh_prev": da @ Wh.T,
        "dc_prev": dc_total * f,
        "dWx": x.T @ da,
        "dWh": h_prev.T @ da,
        "db": da.sum(axis=0),
    }


def gru_step_forward(x, h_prev, Wx, Wh, b):
    hd = h_prev.shape[1]
    ax = x @ Wx + b
    ah = h_prev @ Wh
    r = _sigmoid(ax[:, :hd] + ah[:, :hd])
    z = _sigmoid(ax[:, hd : 2 * hd] + ah[:, hd : 2 * hd])
    n = np.tanh(ax[:, 2 * hd :] + r * ah[:, 2 * hd :])
    return (1 - z) * n + z * h_prev


def gru_step_backward(dh, x, h_prev, Wx, Wh, b):
    hd = h_prev.shape[1]
    ax = x @ Wx + b
    ah = h_prev @ Wh
    r = _sigmoid(ax[:, :hd] + ah[:, :hd])
    z = _sigmoid(ax[:, hd : 2 * hd] + ah[:, hd : 2 * hd])
    hn = ah[:, 2 * hd :]
    n = np.tanh(ax[:, 2 * hd :] + r * hn)
    dn = dh * (1 - z) * (1 - n**2)
    dz = dh * (h_prev - n) * z * (1 - z)
    dr = dn * hn * r * (1 - r)
    dax = np.concatenate([dr, dz, dn], axis=1)
    dah = np.concatenate([dr, dz, dn * r], axis=1)
    return {
        "dx": dax @ Wx.T,
        "dh_prev": dh * z + dah @ Wh.T,
        "dWx": x.T @ dax,
        "dWh": h_prev.T @ dah,
        "db": dax.sum(axis=0),
    }
