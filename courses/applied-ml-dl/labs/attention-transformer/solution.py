"""Reference attention and Transformer block (never shown to learners)."""

import numpy as np


def scaled_dot_product_attention(q, k, v, causal):
    scores = q @ k.T / np.sqrt(q.shape[-1])
    if causal:
        t_q, t_k = scores.shape
        scores = np.where(np.tril(np.ones((t_q, t_k), dtype=bool)), scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ v


def multi_head_attention(x, Wq, Wk, Wv, Wo, n_heads, causal):
    q, k, v = x @ Wq, x @ Wk, x @ Wv
    dh = q.shape[1] // n_heads
    heads = [
        scaled_dot_product_attention(
            q[:, i * dh : (i + 1) * dh],
            k[:, i * dh : (i + 1) * dh],
            v[:, i * dh : (i + 1) * dh],
            causal,
        )
        for i in range(n_heads)
    ]
    return np.concatenate(heads, axis=1) @ Wo


def layer_norm(x, gamma, beta, eps):
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def transformer_block(x, params, n_heads):
    p = params
    a = layer_norm(x, p["ln1_g"], p["ln1_b"], 1e-5)
    h = x + multi_head_attention(a, p["Wq"], p["Wk"], p["Wv"], p["Wo"], n_heads, True)
    m = layer_norm(h, p["ln2_g"], p["ln2_b"], 1e-5)
    return h + np.maximum(0.0, m @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
