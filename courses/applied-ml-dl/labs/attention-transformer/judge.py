"""Trusted judge for attention and the pre-norm Transformer block."""

import numpy as np

from microcred.grading import checks


def grade(j):
    ref = j.reference
    rng = j.rng
    rtol, atol = j.tol("rtol", 1e-6), j.tol("atol", 1e-8)
    t, d, heads, hidden = 5, 8, 2, 16
    q, k, v = (rng.standard_normal((t, 4)) for _ in range(3))
    big_q = q * 300.0
    x = rng.standard_normal((t, d))
    mats = [rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(4)]
    gamma, beta = rng.normal(1.0, 0.2, d), rng.normal(0.0, 0.2, d)
    params = dict(zip(("Wq", "Wk", "Wv", "Wo"), mats, strict=True))
    params.update(
        ln1_g=gamma,
        ln1_b=beta,
        ln2_g=rng.normal(1.0, 0.2, d),
        ln2_b=rng.normal(0.0, 0.2, d),
        W1=rng.standard_normal((d, hidden)) * 0.3,
        b1=rng.standard_normal(hidden) * 0.1,
        W2=rng.standard_normal((hidden, d)) * 0.3,
        b2=rng.standard_normal(d) * 0.1,
    )

    full = j.submit("scaled_dot_product_attention", q, k, v, False)
    causal = j.submit("scaled_dot_product_attention", q, k, v, True)
    stable = j.submit("scaled_dot_product_attention", big_q, k, v, True)
    mha = j.submit("multi_head_attention", x, *mats, heads, True)
    ln = j.submit("layer_norm", x, gamma, beta, 1e-5)
    block = j.submit("transformer_block", x, params, heads)

    with j.check("attention", 2, "scaled dot-product attention without a mask"):
        checks.allclose(
            "the attention output",
            full.result(),
            ref.scaled_dot_product_attention(q, k, v, False),
            rtol,
            atol,
        )
    with j.check("causal_mask", 2, "no position attends to the future"):
        checks.allclose(
            "the causal attention output",
            causal.result(),
            ref.scaled_dot_product_attention(q, k, v, True),
            rtol,
            atol,
        )
    with j.check("attention_stable", 1, "stable softmax for large scores"):
        checks.allclose(
            "the attention output for large scores",
            stable.result(),
            ref.scaled_dot_product_attention(big_q, k, v, True),
            rtol,
            atol,
        )
    with j.check("multi_head", 2, "causal multi-head attention"):
        checks.allclose(
            "the multi-head attention output",
            mha.result(),
            ref.multi_head_attention(x, *mats, heads, True),
            rtol,
            atol,
        )
    with j.check("layer_norm", 1, "layer normalisation over features"):
        checks.allclose(
            "the layer-norm output", ln.result(), ref.layer_norm(x, gamma, beta, 1e-5), rtol, atol
        )
    with j.check("transformer_block", 2, "pre-norm causal Transformer block"):
        checks.allclose(
            "the Transformer block output",
            block.result(),
            ref.transformer_block(x, params, heads),
            rtol,
            atol,
        )
