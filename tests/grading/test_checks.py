"""ML checkers: strictness, tolerances and feedback that never leaks hidden values."""

from __future__ import annotations

import numpy as np
import pytest

from microcred.grading import checks


def test_allclose_accepts_within_tolerance_and_reports_error_size() -> None:
    expected = np.array([1.0, 2.0, 3.0])
    checks.allclose("out", expected + 1e-9, expected, rtol=1e-6, atol=1e-8)
    with pytest.raises(checks.CheckError) as info:
        checks.allclose("out", expected + np.array([0, 0, 0.5]), expected)
    assert "1 of 3 entries" in info.value.feedback
    assert "3.0" not in info.value.feedback
    assert "2.0" not in info.value.feedback


@pytest.mark.parametrize(
    ("got", "fragment"),
    [
        ([1.0, 2.0], "NumPy array"),
        (np.ones(3), "shape"),
        (np.ones((2, 2), dtype=int), "dtype"),
        (np.array([[np.nan, 1.0], [1.0, 1.0]]), "NaN"),
        (np.array([[np.inf, 1], [1, 1.0]]), "infinite"),
    ],
)
def test_strict_structure_checks(got: object, fragment: str) -> None:
    with pytest.raises(checks.CheckError, match=fragment):
        checks.allclose("out", got, np.ones((2, 2)))


def test_scalar_expectations_accept_python_numbers_but_not_bools() -> None:
    checks.allclose("loss", 0.5, np.asarray(0.5))
    with pytest.raises(checks.CheckError):
        checks.allclose("loss", True, np.asarray(1.0))


def test_finite_differences_and_gradient_table() -> None:
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    f = lambda: float((x**3).sum())  # noqa: E731
    num = checks.numerical_gradient(f, x)
    assert np.allclose(num, 3 * x**2, rtol=1e-6)
    batch = checks.numerical_gradient_batch(lambda s: (s**3).sum(axis=(1, 2)), x)
    assert np.allclose(batch, num, rtol=1e-6)
    rows = checks.gradients({"x": 3 * x**2}, {"x": num}, 1e-6)
    assert rows[0].item == "x"
    assert rows[0].ok
    with pytest.raises(checks.CheckError) as info:
        checks.gradients({"x": 2 * x**2}, {"x": num}, 1e-6)
    assert "wrong for x" in info.value.feedback
    assert info.value.table
    assert not info.value.table[0].ok


def test_threshold_and_truthy() -> None:
    checks.threshold("accuracy", 0.95, minimum=0.9)
    with pytest.raises(checks.CheckError, match="needs at least"):
        checks.threshold("accuracy", 0.5, minimum=0.9)
    with pytest.raises(checks.CheckError, match="finite"):
        checks.threshold("loss", float("nan"), maximum=1.0)
    with pytest.raises(checks.CheckError):
        checks.truthy("alert", 1, True)
