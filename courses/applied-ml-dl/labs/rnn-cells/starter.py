"""LSTM/GRU lab starter."""

import numpy as np


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    raise NotImplementedError


def lstm_step_backward(dh, dc, x, h_prev, c_prev, Wx, Wh, b):
    raise NotImplementedError


def gru_step_forward(x, h_prev, Wx, Wh, b):
    raise NotImplementedError


def gru_step_backward(dh, x, h_prev, Wx, Wh, b):
    raise NotImplementedError
