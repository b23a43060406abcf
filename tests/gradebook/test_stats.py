"""`gradebook.stats`: facility, corrected point-biserial and upper-lower 27 % discrimination."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.gradebook.stats import Paper, Response, analyse, point_biserial, upper_lower


def paper(examinee: int, *answers: tuple[str, bool]) -> Paper:
    return Paper(examinee, tuple(Response(q, ok, 1.0 if ok else 0.0, 1.0) for q, ok in answers))


# Five examinees, three questions each: q1 separates strong from weak, q3 does the opposite.
PAPERS = [
    paper(1, ("q1", True), ("q2", True), ("q3", False)),
    paper(2, ("q1", True), ("q2", True), ("q3", False)),
    paper(3, ("q1", True), ("q2", False), ("q3", False)),
    paper(4, ("q1", False), ("q2", True), ("q3", True)),
    paper(5, ("q1", False), ("q2", False), ("q3", True)),
]


def by_question() -> dict[str, object]:
    return {s.question: s for s in analyse(PAPERS)}


def test_facility_is_the_share_of_correct_answers() -> None:
    stats = by_question()
    assert stats["q1"].facility == pytest.approx(3 / 5)  # type: ignore[attr-defined]
    assert stats["q2"].facility == pytest.approx(3 / 5)  # type: ignore[attr-defined]
    assert stats["q3"].facility == pytest.approx(2 / 5)  # type: ignore[attr-defined]
    assert stats["q1"].shown == 5  # type: ignore[attr-defined]


def test_the_point_biserial_leaves_the_question_out_of_the_score() -> None:
    q1 = [True, True, True, False, False]
    rest = [0.5, 0.5, 0.0, 1.0, 0.5]  # q2 + q3 of each paper, out of 2
    expected = float(np.corrcoef(np.array(q1, dtype=float), np.array(rest))[0, 1])
    assert by_question()["q1"].point_biserial == pytest.approx(expected)  # type: ignore[attr-defined]


def test_upper_lower_27_percent_groups() -> None:
    # Five examinees: groups of round(0.27 * 5) = 1; ranked by whole-paper share.
    # Shares: 2/3, 2/3, 1/3, 2/3, 1/3 -> lowest is examinee 3 (first of the ties), highest 4.
    stats = by_question()
    assert stats["q1"].upper_lower == pytest.approx(0 - 1)  # type: ignore[attr-defined]
    assert upper_lower([True, False, True, False], [0.9, 0.1, 0.8, 0.2]) == 1.0
    assert upper_lower([False, True, False, True], [0.9, 0.1, 0.8, 0.2]) == -1.0


def test_undefined_statistics_are_none_not_zero() -> None:
    assert point_biserial([True], [1.0]) is None
    assert point_biserial([True, True], [0.2, 0.8]) is None  # everyone right
    assert point_biserial([True, False], [0.5, 0.5]) is None  # no spread in the rest
    assert upper_lower([True], [1.0]) is None
    single = analyse([paper(1, ("only", True)), paper(2, ("only", False))])
    assert single[0].point_biserial is None  # a one-question paper has no rest score
    assert single[0].facility == 0.5


def test_flags_name_what_a_reviewer_should_look_at() -> None:
    stats = by_question()
    assert "negative_discrimination" in stats["q1"].flags  # type: ignore[attr-defined]
    hard = analyse([paper(i, ("h", False), ("x", i % 2 == 0)) for i in range(10)])
    assert "very_hard" in {s.question: s for s in hard}["h"].flags
    few = analyse([paper(i, ("h", False), ("x", True)) for i in range(4)])
    assert all(s.flags == () for s in few)  # four answers say little


def test_questions_drawn_for_some_papers_only_count_those_papers() -> None:
    found = {
        s.question: s
        for s in analyse(
            [
                paper(1, ("a", True), ("b", True)),
                paper(2, ("a", False), ("c", True)),
                paper(3, ("b", False), ("c", False)),
            ]
        )
    }
    assert (found["a"].shown, found["b"].shown, found["c"].shown) == (2, 2, 2)
    assert found["c"].facility == 0.5


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.floats(0, 1, allow_nan=False)), min_size=2, max_size=40)
)
def test_the_point_biserial_agrees_with_numpy_and_stays_in_range(
    pairs: list[tuple[bool, float]],
) -> None:
    correct = [c for c, _ in pairs]
    scores = [s for _, s in pairs]
    r = point_biserial(correct, scores)
    d = upper_lower(correct, scores)
    assert d is not None
    assert -1 <= d <= 1
    if r is None:
        return
    assert -1 - 1e-9 <= r <= 1 + 1e-9
    xs = np.array(correct, dtype=float)
    ys = np.array(scores)
    if np.std(xs) > 1e-6 and np.std(ys) > 1e-6:
        assert r == pytest.approx(float(np.corrcoef(xs, ys)[0, 1]), abs=1e-6)
