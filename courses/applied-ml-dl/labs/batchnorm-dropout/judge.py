"""Trusted judge for batch norm and inverted dropout."""

from microcred.grading import checks


def grade(j):
    ref = j.reference
    rng = j.rng
    rtol, atol = j.tol("rtol", 1e-6), j.tol("atol", 1e-8)
    grad_tol = j.tol("grad_rel_error", 1e-6)
    n, d, eps = 6, 4, 1e-5
    x = rng.normal(2.0, 3.0, (n, d))
    gamma = rng.normal(1.0, 0.3, d)
    beta = rng.normal(0.0, 0.5, d)
    dout = rng.standard_normal((n, d))
    keep = 0.7
    u = rng.random((8, 5))
    xd = rng.standard_normal((8, 5))
    dd = rng.standard_normal((8, 5))

    fwd = j.submit("batchnorm_forward", x, gamma, beta, eps)
    bwd = j.submit("batchnorm_backward", dout, x, gamma, beta, eps)
    dfw = j.submit("dropout_forward", xd, keep, u)
    dbw = j.submit("dropout_backward", dd, keep, u)

    def objective():
        return float((ref.batchnorm_forward(x, gamma, beta, eps) * dout).sum())

    numerical = {
        "dx": checks.numerical_gradient(objective, x),
        "dgamma": checks.numerical_gradient(objective, gamma),
        "dbeta": checks.numerical_gradient(objective, beta),
    }

    with j.check("batchnorm_forward", 3, "normalised, scaled and shifted output"):
        checks.allclose(
            "the batch-norm output",
            fwd.result(),
            ref.batchnorm_forward(x, gamma, beta, eps),
            rtol,
            atol,
        )
    with j.check("batchnorm_backward", 4, "dx, dgamma, dbeta against finite differences") as c:
        got = checks.sequence("batchnorm_backward", bwd.result(), 3)
        c.table = checks.gradients(
            dict(zip(("dx", "dgamma", "dbeta"), got, strict=True)), numerical, grad_tol
        )
    with j.check("dropout_forward", 2, "inverted dropout keeps the expected activation"):
        checks.allclose(
            "the dropout output", dfw.result(), ref.dropout_forward(xd, keep, u), rtol, atol
        )
    with j.check("dropout_backward", 1, "gradient of inverted dropout"):
        checks.allclose(
            "the dropout gradient", dbw.result(), ref.dropout_backward(dd, keep, u), rtol, atol
        )
