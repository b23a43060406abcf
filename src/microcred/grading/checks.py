"""ML checkers the judges use; each raises :class:`CheckError` with safe feedback.

Why these rules: a numerically "close" answer with the wrong shape or a silent NaN is a
wrong answer, so shape, dtype and finiteness are checked before values. Feedback names
the failing part and the size of the error, never the hidden inputs or expected values,
so a learner cannot mine the grader for the answers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from microcred.grading.result import TableRow


class CheckError(Exception):
    """A check did not pass; ``feedback`` is safe to show the learner."""

    def __init__(self, feedback: str, table: list[TableRow] | None = None) -> None:
        super().__init__(feedback)
        self.feedback = feedback
        self.table = table or []


def as_array(name: str, got: Any, expected: NDArray[Any]) -> NDArray[Any]:
    """Strict shape, dtype-kind and finiteness checks; returns the array for comparison."""
    if not isinstance(got, np.ndarray):
        if np.ndim(expected) == 0 and isinstance(got, int | float) and not isinstance(got, bool):
            got = np.asarray(got, dtype=float)
        else:
            raise CheckError(
                f"{name} should be a NumPy array of shape {expected.shape}, "
                f"got {type(got).__name__}"
            )
    if got.shape != expected.shape:
        raise CheckError(f"{name} has shape {got.shape}, expected {expected.shape}")
    if expected.dtype.kind == "f" and got.dtype.kind != "f":
        raise CheckError(f"{name} has dtype {got.dtype}, expected a floating-point array")
    if expected.dtype.kind in "iu" and got.dtype.kind not in "iu":
        raise CheckError(f"{name} has dtype {got.dtype}, expected an integer array")
    if expected.dtype.kind == "b" and got.dtype.kind != "b":
        raise CheckError(f"{name} has dtype {got.dtype}, expected a boolean array")
    if got.dtype.kind in "fc":
        if np.isnan(got).any():
            raise CheckError(f"{name} contains NaN")
        if np.isinf(got).any():
            raise CheckError(f"{name} contains infinite values")
    result: NDArray[Any] = got
    return result


def allclose(name: str, got: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-8) -> None:
    """Declared-tolerance comparison after the strict structural checks."""
    exp = np.asarray(expected)
    arr = as_array(name, got, exp)
    if exp.dtype.kind == "b" or exp.dtype.kind in "iu":
        if not np.array_equal(arr, exp):
            wrong = int(np.count_nonzero(arr != exp))
            raise CheckError(f"{name} differs from the expected values in {wrong} entries")
        return
    if not _all_close(arr, exp, rtol, atol):
        err = float(np.max(np.abs(arr.astype(float) - exp.astype(float))))
        bad = int(np.count_nonzero(~np.isclose(arr, exp, rtol=rtol, atol=atol)))
        raise CheckError(
            f"{name} does not match the expected values: {bad} of {exp.size} entries are "
            f"off (largest absolute error {err:.2e}; tolerance rtol={rtol:g}, atol={atol:g})"
        )


def _all_close(arr: NDArray[Any], exp: NDArray[Any], rtol: float, atol: float) -> bool:
    """``np.allclose(arr, exp, rtol=rtol, atol=atol)``, with a direct path for the usual case.

    NumPy's isclose is ``|x-y| <= atol + rtol*|y|`` and ``isfinite(y)``, or ``x == y``.
    For float arrays of one shape with finite values on both sides (``arr`` has passed
    :func:`as_array`) and finite, non-negative tolerances, that is exactly the inequality,
    evaluated here without isclose's generic machinery. Anything else goes to NumPy.
    """
    if (
        arr.dtype.kind == "f"
        and exp.dtype.kind == "f"
        and arr.shape == exp.shape
        and 0 <= rtol < math.inf
        and 0 <= atol < math.inf
        and bool(np.isfinite(exp).all())
    ):
        return bool((np.abs(arr - exp) <= atol + rtol * np.abs(exp)).all())
    return bool(np.allclose(arr, exp, rtol=rtol, atol=atol))


def relative_error(a: NDArray[Any], b: NDArray[Any]) -> float:
    """||a-b|| / (||a||+||b||): scale-free, and robust where single entries are ~0."""
    if a.size == 0:
        return 0.0
    num = float(np.linalg.norm((a - b).ravel()))
    den = float(np.linalg.norm(a.ravel()) + np.linalg.norm(b.ravel()))
    return num / den if den > 1e-12 else num


def numerical_gradient(
    f: Callable[[], float], x: NDArray[np.float64], eps: float = 1e-6
) -> NDArray[np.float64]:
    """Centred finite differences of ``f`` w.r.t. ``x``, perturbing ``x`` in place."""
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])  # type: ignore[list-item]
    for _ in it:
        idx = it.multi_index
        old = float(x[idx])
        x[idx] = old + eps
        plus = f()
        x[idx] = old - eps
        minus = f()
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


def numerical_gradient_batch(
    f_batch: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    x: NDArray[np.float64],
    eps: float = 1e-6,
) -> NDArray[np.float64]:
    """Centred finite differences with all perturbations evaluated in one call.

    ``f_batch`` receives a stack of shape ``(2 * x.size, *x.shape)`` - every coordinate
    nudged by +eps, then by -eps - and returns one loss per stacked copy. Same maths as
    :func:`numerical_gradient`, without a Python loop per coordinate.
    """
    size = x.size
    stack = np.repeat(x.reshape(1, -1).astype(np.float64), 2 * size, axis=0)
    # Row i of each half nudges coordinate i: the diagonals, as strided views of the
    # (C-contiguous) stack - the same additions as fancy indexing, without index arrays.
    plus = stack[:size].reshape(-1)[:: size + 1]
    plus += eps
    minus = stack[size:].reshape(-1)[:: size + 1]
    minus -= eps
    losses = np.asarray(f_batch(stack.reshape((2 * size, *x.shape))), dtype=np.float64)
    return ((losses[:size] - losses[size:]) / (2 * eps)).reshape(x.shape)


def gradients(
    got: Any, numerical: Mapping[str, NDArray[Any]], max_rel_error: float, what: str = "gradient"
) -> list[TableRow]:
    """Per-parameter relative-error table against centred finite differences."""
    if not isinstance(got, dict):
        raise CheckError(f"the {what}s should be returned as a dict keyed by parameter name")
    rows: list[TableRow] = []
    failing: list[str] = []
    for key, num in numerical.items():
        if key not in got:
            raise CheckError(f"the {what} for {key} is missing")
        arr = as_array(f"the {what} for {key}", got[key], np.asarray(num))
        err = relative_error(arr.astype(float), np.asarray(num, dtype=float))
        ok = err <= max_rel_error
        rows.append(TableRow(item=key, value=err, limit=max_rel_error, ok=ok))
        if not ok:
            failing.append(key)
    if failing:
        raise CheckError(
            f"the {what} is wrong for {', '.join(failing)} (relative error above "
            f"{max_rel_error:g} compared with centred finite differences)",
            rows,
        )
    return rows


def threshold(
    name: str, value: Any, minimum: float | None = None, maximum: float | None = None
) -> None:
    """Accuracy/loss thresholds on hidden data; reports the learner's own metric only."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = float(value)
    if not isinstance(value, int | float) or isinstance(value, bool) or not np.isfinite(value):
        raise CheckError(f"{name} should be a finite number")
    if minimum is not None and value < minimum:
        raise CheckError(f"{name} is {value:.4g} on hidden data, needs at least {minimum:g}")
    if maximum is not None and value > maximum:
        raise CheckError(f"{name} is {value:.4g} on hidden data, needs at most {maximum:g}")


def truthy(name: str, value: Any, expected: bool) -> None:
    if not isinstance(value, bool):
        raise CheckError(f"{name} should be True or False, got {type(value).__name__}")
    if value is not expected:
        raise CheckError(f"{name} is {value} on a hidden case where it should be {expected}")


def sequence(name: str, value: Any, length: int) -> list[Any]:
    if not isinstance(value, list | tuple) or len(value) != length:
        raise CheckError(f"{name} should return a tuple of {length} values")
    return list(value)
