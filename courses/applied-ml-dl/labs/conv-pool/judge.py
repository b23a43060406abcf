"""Trusted judge for conv2d and max-pooling."""

from microcred.grading import checks


def grade(j):
    ref = j.reference
    rng = j.rng
    rtol, atol = j.tol("rtol", 1e-6), j.tol("atol", 1e-8)
    grad_tol = j.tol("grad_rel_error", 1e-6)
    x = rng.standard_normal((2, 2, 5, 5))
    w = rng.standard_normal((3, 2, 3, 3))
    b = rng.standard_normal(3)
    stride, pad = 2, 1
    out_shape = ref.conv2d_forward(x, w, b, stride, pad).shape
    dout = rng.standard_normal(out_shape)
    x2 = rng.standard_normal((2, 2, 4, 4))
    w2 = rng.standard_normal((2, 2, 3, 3))
    b2 = rng.standard_normal(2)
    xp = rng.permutation(2 * 3 * 6 * 6).reshape(2, 3, 6, 6) / 7.0  # distinct: no ties
    dpool = rng.standard_normal((2, 3, 3, 3))

    fwd = j.submit("conv2d_forward", x, w, b, stride, pad)
    fwd1 = j.submit("conv2d_forward", x2, w2, b2, 1, 1)
    bwd = j.submit("conv2d_backward", dout, x, w, b, stride, pad)
    pfw = j.submit("maxpool_forward", xp, 2, 2)
    pbw = j.submit("maxpool_backward", dpool, xp, 2, 2)

    def objective():
        return float((ref.conv2d_forward(x, w, b, stride, pad) * dout).sum())

    numerical = {
        "dx": checks.numerical_gradient(objective, x),
        "dw": checks.numerical_gradient(objective, w),
        "db": checks.numerical_gradient(objective, b),
    }

    with j.check("conv_forward", 2, "stride 2, padding 1"):
        checks.allclose(
            "the convolution output",
            fwd.result(),
            ref.conv2d_forward(x, w, b, stride, pad),
            rtol,
            atol,
        )
    with j.check("conv_forward_same", 1, "stride 1, padding 1 keeps the spatial size"):
        checks.allclose(
            "the stride-1 convolution output",
            fwd1.result(),
            ref.conv2d_forward(x2, w2, b2, 1, 1),
            rtol,
            atol,
        )
    with j.check("conv_backward", 4, "dx, dw, db against finite differences") as c:
        got = checks.sequence("conv2d_backward", bwd.result(), 3)
        c.table = checks.gradients(
            dict(zip(("dx", "dw", "db"), got, strict=True)), numerical, grad_tol
        )
    with j.check("maxpool_forward", 1, "2x2 max-pooling"):
        checks.allclose(
            "the pooled output", pfw.result(), ref.maxpool_forward(xp, 2, 2), rtol, atol
        )
    with j.check("maxpool_backward", 2, "gradient routed to each window's maximum"):
        checks.allclose(
            "the pooling gradient", pbw.result(), ref.maxpool_backward(dpool, xp, 2, 2), rtol, atol
        )
