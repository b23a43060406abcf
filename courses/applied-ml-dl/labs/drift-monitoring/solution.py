"""Reference drift detection (never shown to learners)."""

import numpy as np


def psi(expected, actual, bins):
    edges = np.quantile(expected, np.linspace(0.0, 1.0, bins + 1))
    edges[0], edges[-1] = -np.inf, np.inf
    e = np.bincount(np.searchsorted(edges, expected, side="right") - 1, minlength=bins)
    a = np.bincount(np.searchsorted(edges, actual, side="right") - 1, minlength=bins)
    e = np.clip(e[:bins] / len(expected), 1e-6, None)
    a = np.clip(a[:bins] / len(actual), 1e-6, None)
    return float(np.sum((a - e) * np.log(a / e)))


def ks_statistic(x, y):
    x, y = np.sort(x), np.sort(y)
    points = np.concatenate([x, y])
    fx = np.searchsorted(x, points, side="right") / len(x)
    fy = np.searchsorted(y, points, side="right") / len(y)
    return float(np.max(np.abs(fx - fy)))


def drift_alert(reference, current, psi_threshold, alpha):
    p = psi(reference, current, 10)
    d = ks_statistic(reference, current)
    n, m = len(reference), len(current)
    critical = np.sqrt(-np.log(alpha / 2) / 2) * np.sqrt((n + m) / (n * m))
    reasons = [name for name, hit in (("psi", p > psi_threshold), ("ks", d > critical)) if hit]
    return {"alert": bool(reasons), "psi": p, "ks": d, "reasons": reasons}
