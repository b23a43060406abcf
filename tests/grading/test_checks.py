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


def test_allclose_fast_path_agrees_with_numpy() -> None:
    from microcred.grading.checks import _all_close

    rng = np.random.default_rng(7)
    specials = [0.0, -0.0, 1e-300, 5e-324, 1e308, -1e308, 1.0, 1e-8, np.inf, -np.inf, np.nan]
    tolerances = [(1e-6, 1e-8), (0.0, 0.0), (1e-3, 0.0), (0.0, 1e-3), (0.5, 2.0)]
    for trial in range(400):
        shape = (int(rng.integers(1, 5)), int(rng.integers(1, 4)))
        exp = rng.standard_normal(shape) * 10.0 ** float(rng.integers(-12, 12))
        got = exp + rng.standard_normal(shape) * 10.0 ** float(rng.integers(-14, 2))
        if trial % 3 == 0:
            exp.flat[int(rng.integers(exp.size))] = specials[int(rng.integers(len(specials)))]
        if trial % 5 == 0:
            got.flat[0] = exp.flat[0]
        if trial % 7 == 0:
            got = got.astype(np.float32)
        for rtol, atol in tolerances:
            with np.errstate(over="ignore", invalid="ignore"):
                assert _all_close(got, exp, rtol, atol) == bool(
                    np.allclose(got, exp, rtol=rtol, atol=atol)
                ), (got, exp, rtol, atol)
    # outside the fast path's conditions NumPy decides (shapes, tolerances, dtypes)
    assert _all_close(np.ones(3), np.ones(3), -1.0, 0.0) == bool(
        np.allclose(np.ones(3), np.ones(3), rtol=-1.0, atol=0.0)
    )
    with np.errstate(invalid="ignore"):  # NumPy warns about the infinite rtol
        assert _all_close(np.ones(3), np.ones(3), np.inf, 0.0)
    assert _all_close(np.ones(3), np.ones(3, dtype=np.int64), 1e-6, 1e-8)
