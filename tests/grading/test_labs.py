"""Every lab: the reference earns full marks, the starter none, and realistic mistakes
lose credit with feedback that names what is wrong."""

from __future__ import annotations

import pytest

from ._paths import LAB_SLUGS, LABS_DIR

# (lab, description, original snippet of the reference, replacement, feedback fragment)
MISTAKES = [
    (
        "mlp-backprop",
        "missing softmax Jacobian term",
        "    dlogits[np.arange(n), y] -= 1.0\n",
        "",
        "gradient is wrong for logits",
    ),
    (
        "mlp-backprop",
        "ReLU backward without the mask",
        "dpre = dhidden * (pre > 0)",
        "dpre = dhidden",
        "gradient is wrong for W1",
    ),
    (
        "mlp-backprop",
        "summed instead of averaged loss",
        "loss = -log_probs[np.arange(n), y].mean()",
        "loss = -log_probs[np.arange(n), y].sum()",
        "the loss does not match",
    ),
    (
        "mlp-backprop",
        "unstable softmax",
        "shifted = logits - logits.max(axis=1, keepdims=True)",
        "shifted = logits",
        "large logits",
    ),
    (
        "mlp-backprop",
        "no parameter update in training",
        "params[key] -= lr * grads[key]",
        "pass",
        "accuracy of your trained network",
    ),
    (
        "optimizers",
        "Adam without bias correction",
        'm_hat = m / (1 - config["beta1"] ** t)',
        "m_hat = m",
        "adam",
    ),
    (
        "optimizers",
        "Nesterov implemented as plain momentum",
        'return w - config["momentum"] * v_prev + (1 + config["momentum"]) * v, config',
        "return w + v, config",
        "nesterov",
    ),
    (
        "optimizers",
        "AdaGrad that forgets past gradients",
        'cache = config.get("cache", np.zeros_like(w)) + dw**2',
        "cache = dw**2",
        "adagrad",
    ),
    (
        "batchnorm-dropout",
        "unbiased variance in batch norm",
        "    var = x.var(axis=0)\n    return",
        "    var = x.var(axis=0, ddof=1)\n    return",
        "batch-norm output does not match",
    ),
    (
        "batchnorm-dropout",
        "mean and variance treated as constants in backward",
        "dx = inv_std / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))",
        "dx = dxhat * inv_std",
        "gradient is wrong for dx",
    ),
    (
        "batchnorm-dropout",
        "dropout without the inverted scaling",
        "    return x * (u < keep_prob) / keep_prob",
        "    return x * (u < keep_prob)",
        "dropout output does not match",
    ),
    (
        "conv-pool",
        "off-by-one padding",
        "    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))\n    win",
        "    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad + 1), (pad, pad + 1)))\n    win",
        "convolution output has shape",
    ),
    (
        "conv-pool",
        "flipped kernel (true convolution)",
        'return np.einsum("nchwij,fcij->nfhw", win, w) + b[None, :, None, None]',
        'return np.einsum("nchwij,fcij->nfhw", win, w[:, :, ::-1, ::-1]) + b[None, :, None, None]',
        "convolution output does not match",
    ),
    (
        "conv-pool",
        "max-pool gradient spread over the window",
        "            dx[n_idx, c_idx, hs + r, ws + c] += dout[:, :, i, k]",
        "            dx[:, :, hs:hs + pool, ws:ws + pool] += dout[:, :, i, k][..., None, None]",
        "pooling gradient does not match",
    ),
    (
        "rnn-cells",
        "LSTM backward ignores the tanh(c) derivative",
        "dc_total = dc + dh * o * (1 - tc**2)",
        "dc_total = dc + dh * o",
        "gradient is wrong",
    ),
    (
        "rnn-cells",
        "GRU with the update gate reversed",
        "    return (1 - z) * n + z * h_prev\n",
        "    return z * n + (1 - z) * h_prev\n",
        "GRU hidden state h does not match",
    ),
    (
        "rnn-cells",
        "LSTM input and forget gates swapped",
        "    c = f * c_prev + i * g\n    return o * np.tanh(c), c",
        "    c = i * c_prev + f * g\n    return o * np.tanh(c), c",
        "LSTM hidden state h does not match",
    ),
    (
        "attention-transformer",
        "no causal mask",
        "    if causal:\n",
        "    if False:\n",
        "causal attention output does not match",
    ),
    (
        "attention-transformer",
        "scaled by d instead of sqrt(d)",
        "scores = q @ k.T / np.sqrt(q.shape[-1])",
        "scores = q @ k.T / q.shape[-1]",
        "attention output does not match",
    ),
    (
        "attention-transformer",
        "attention sub-layer without its pre-norm",
        'a = layer_norm(x, p["ln1_g"], p["ln1_b"], 1e-5)',
        "a = x",
        "Transformer block output does not match",
    ),
    (
        "drift-monitoring",
        "one-sided KS statistic",
        "return float(np.max(np.abs(fx - fy)))",
        "return float(np.max(fx - fy))",
        "KS statistic",
    ),
    (
        "drift-monitoring",
        "PSI without clipping empty bins",
        "    e = np.clip(e[:bins] / len(expected), 1e-6, None)\n"
        "    a = np.clip(a[:bins] / len(actual), 1e-6, None)",
        "    e = e[:bins] / len(expected)\n    a = a[:bins] / len(actual)",
        "PSI with empty bins",
    ),
    (
        "drift-monitoring",
        "alert needs both tests (AND instead of OR)",
        'return {"alert": bool(reasons),',
        'return {"alert": len(reasons) == 2,',
        "small shift",
    ),
]


@pytest.mark.parametrize("slug", LAB_SLUGS)
def test_reference_scores_full_marks(grade, slug: str) -> None:  # type: ignore[no-untyped-def]
    source = (LABS_DIR / slug / "solution.py").read_text()
    for learner in ("alice", "bob"):
        result = grade(slug, source, learner)
        assert result.gradable, result.error
        assert result.score == 1.0, result.to_text()
        assert result.points == result.max_points


@pytest.mark.parametrize("slug", LAB_SLUGS)
def test_starter_scores_zero(grade, slug: str) -> None:  # type: ignore[no-untyped-def]
    result = grade(slug, (LABS_DIR / slug / "starter.py").read_text())
    assert result.gradable
    assert result.score == 0.0
    assert all("NotImplementedError" in c.feedback for c in result.checks)


def test_every_lab_has_three_mistakes() -> None:
    for slug in LAB_SLUGS:
        assert sum(1 for m in MISTAKES if m[0] == slug) >= 3, slug


@pytest.mark.parametrize(
    ("slug", "what", "old", "new", "fragment"), MISTAKES, ids=[m[1] for m in MISTAKES]
)
def test_realistic_mistake_loses_credit(  # type: ignore[no-untyped-def]
    grade, slug: str, what: str, old: str, new: str, fragment: str
) -> None:
    reference = (LABS_DIR / slug / "solution.py").read_text()
    assert reference.count(old) == 1, f"mutation anchor not found once for {what!r}"
    result = grade(slug, reference.replace(old, new))
    assert result.gradable
    assert 0.0 <= result.score < 1.0, what
    failing = [c for c in result.checks if not c.passed]
    assert any(fragment in c.feedback or fragment in c.name for c in failing), result.to_text()
    assert any(c.passed for c in result.checks), "partial credit expected"
