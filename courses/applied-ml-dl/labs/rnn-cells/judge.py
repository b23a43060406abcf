"""Trusted judge for the LSTM and GRU cells."""

from microcred.grading import checks


def grade(j):
    ref = j.reference
    rng = j.rng
    rtol, atol = j.tol("rtol", 1e-6), j.tol("atol", 1e-8)
    grad_tol = j.tol("grad_rel_error", 1e-6)
    n, d, h = 3, 4, 3
    x = rng.standard_normal((n, d))
    h0 = rng.standard_normal((n, h))
    c0 = rng.standard_normal((n, h))
    lstm = {
        "Wx": rng.standard_normal((d, 4 * h)) * 0.5,
        "Wh": rng.standard_normal((h, 4 * h)) * 0.5,
        "b": rng.standard_normal(4 * h) * 0.1,
    }
    gru = {
        "Wx": rng.standard_normal((d, 3 * h)) * 0.5,
        "Wh": rng.standard_normal((h, 3 * h)) * 0.5,
        "b": rng.standard_normal(3 * h) * 0.1,
    }
    dh, dc = rng.standard_normal((n, h)), rng.standard_normal((n, h))

    lf = j.submit("lstm_step_forward", x, h0, c0, lstm["Wx"], lstm["Wh"], lstm["b"])
    lb = j.submit("lstm_step_backward", dh, dc, x, h0, c0, lstm["Wx"], lstm["Wh"], lstm["b"])
    gf = j.submit("gru_step_forward", x, h0, gru["Wx"], gru["Wh"], gru["b"])
    gb = j.submit("gru_step_backward", dh, x, h0, gru["Wx"], gru["Wh"], gru["b"])

    def lstm_obj():
        hh, cc = ref.lstm_step_forward(x, h0, c0, lstm["Wx"], lstm["Wh"], lstm["b"])
        return float((hh * dh).sum() + (cc * dc).sum())

    def gru_obj():
        return float((ref.gru_step_forward(x, h0, gru["Wx"], gru["Wh"], gru["b"]) * dh).sum())

    lstm_num = {
        "dx": checks.numerical_gradient(lstm_obj, x),
        "dh_prev": checks.numerical_gradient(lstm_obj, h0),
        "dc_prev": checks.numerical_gradient(lstm_obj, c0),
        "dWx": checks.numerical_gradient(lstm_obj, lstm["Wx"]),
        "dWh": checks.numerical_gradient(lstm_obj, lstm["Wh"]),
        "db": checks.numerical_gradient(lstm_obj, lstm["b"]),
    }
    gru_num = {
        "dx": checks.numerical_gradient(gru_obj, x),
        "dh_prev": checks.numerical_gradient(gru_obj, h0),
        "dWx": checks.numerical_gradient(gru_obj, gru["Wx"]),
        "dWh": checks.numerical_gradient(gru_obj, gru["Wh"]),
        "db": checks.numerical_gradient(gru_obj, gru["b"]),
    }

    with j.check("lstm_forward", 2, "h and c of one LSTM step"):
        got = checks.sequence("lstm_step_forward", lf.result(), 2)
        want = ref.lstm_step_forward(x, h0, c0, lstm["Wx"], lstm["Wh"], lstm["b"])
        checks.allclose("the LSTM hidden state h", got[0], want[0], rtol, atol)
        checks.allclose("the LSTM cell state c", got[1], want[1], rtol, atol)
    with j.check("lstm_backward", 3, "LSTM gradients against finite differences") as c:
        c.table = checks.gradients(lb.result(), lstm_num, grad_tol)
    with j.check("gru_forward", 2, "h of one GRU step"):
        checks.allclose(
            "the GRU hidden state h",
            gf.result(),
            ref.gru_step_forward(x, h0, gru["Wx"], gru["Wh"], gru["b"]),
            rtol,
            atol,
        )
    with j.check("gru_backward", 3, "GRU gradients against finite differences") as c:
        c.table = checks.gradients(gb.result(), gru_num, grad_tol)
