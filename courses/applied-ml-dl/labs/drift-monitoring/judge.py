"""Trusted judge for drift detection: hidden reference/current windows."""

import numpy as np

from microcred.grading import checks


def grade(j):
    ref = j.reference
    rng = j.rng
    rtol, atol = j.tol("rtol", 1e-6), j.tol("atol", 1e-9)
    base = rng.normal(0.0, 1.0, 800)
    same = rng.normal(0.0, 1.0, 600)
    shifted = rng.normal(0.6, 1.0, 600)
    nudged = rng.normal(0.25, 1.0, 600)  # KS fires, PSI stays under the threshold
    sparse = np.concatenate([base[:5], rng.normal(8.0, 0.1, 40)])  # mostly empty bins
    ks_x, ks_y = rng.normal(0.0, 1.0, 37), rng.normal(0.3, 1.2, 53)

    p1 = j.submit("psi", base, shifted, 10)
    p2 = j.submit("psi", base, sparse, 10)
    k1 = j.submit("ks_statistic", ks_x, ks_y)
    k2 = j.submit("ks_statistic", ks_y, ks_x)
    cases = {"no drift": same, "mean shift": shifted, "small shift": nudged}
    alerts = {name: j.submit("drift_alert", base, cur, 0.2, 0.05) for name, cur in cases.items()}

    with j.check("psi", 2, "PSI on a shifted window"):
        checks.allclose("the PSI", p1.result(), np.asarray(ref.psi(base, shifted, 10)), rtol, atol)
    with j.check("psi_empty_bins", 1, "PSI with empty bins stays finite"):
        checks.allclose(
            "the PSI with empty bins",
            p2.result(),
            np.asarray(ref.psi(base, sparse, 10)),
            rtol,
            atol,
        )
    with j.check("ks", 2, "two-sample KS statistic"):
        checks.allclose(
            "the KS statistic", k1.result(), np.asarray(ref.ks_statistic(ks_x, ks_y)), rtol, atol
        )
        checks.allclose(
            "the KS statistic with the samples swapped",
            k2.result(),
            np.asarray(ref.ks_statistic(ks_y, ks_x)),
            rtol,
            atol,
        )
    for (name, cur), points in zip(cases.items(), (1.5, 1.5, 2), strict=True):
        with j.check(f"alert_{name.replace(' ', '_')}", points, f"monitoring rule: {name}"):
            got = alerts[name].result()
            want = ref.drift_alert(base, cur, 0.2, 0.05)
            if not isinstance(got, dict) or "alert" not in got:
                raise checks.CheckError("drift_alert() should return a dict with an 'alert' key")
            checks.truthy(f"the alert for the {name} case", got["alert"], want["alert"])
            reasons = got.get("reasons")
            if not isinstance(reasons, list) or sorted(map(str, reasons)) != sorted(
                want["reasons"]
            ):
                raise checks.CheckError(f"the reasons for the {name} case are not right")
