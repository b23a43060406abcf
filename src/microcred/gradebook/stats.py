"""Classical item analysis of quiz and exam questions, as pure functions (no Django).

Papers are drawn from pools (docs/decisions/050), so each examinee sees a different subset of
questions; every statistic of a question is computed over the examinees who were shown it:

- **facility** `p`: the proportion who answered it correctly (0 hard ... 1 easy);
- **discrimination**, two ways:
  - the *corrected point-biserial* correlation between answering it correctly and the share of
    points on the rest of the examinee's paper (the question itself left out, so it does not
    correlate with itself);
  - the *upper-lower index* `D = p(upper 27 %) - p(lower 27 %)`, examinees ranked by the share
    of points on their whole paper (Kelley's 27 % groups).

A statistic that is undefined (fewer than two examinees, everyone right or everyone wrong, or
no spread in the rest scores) is None rather than a misleading 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Paper", "QuestionStats", "Response", "analyse", "point_biserial", "upper_lower"]

GROUP_SHARE = 0.27
FLAG_MINIMUM = 5  # rules of thumb mean little on fewer responses


@dataclass(frozen=True, slots=True)
class Response:
    question: str
    correct: bool
    points: float
    max_points: float


@dataclass(frozen=True, slots=True)
class Paper:
    """One examinee's (first) attempt: every question drawn for it, and how it went."""

    examinee: int
    responses: tuple[Response, ...]

    @property
    def points(self) -> float:
        return sum(r.points for r in self.responses)

    @property
    def max_points(self) -> float:
        return sum(r.max_points for r in self.responses)

    @property
    def share(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True, slots=True)
class QuestionStats:
    question: str
    shown: int
    correct: int
    facility: float | None
    point_biserial: float | None
    upper_lower: float | None

    @property
    def flags(self) -> tuple[str, ...]:
        """Rules of thumb for a reviewer: very hard or very easy, or not discriminating (only
        once at least `FLAG_MINIMUM` learners were shown the question)."""
        found: list[str] = []
        if self.shown < FLAG_MINIMUM:
            return ()
        if self.facility is not None and self.facility < 0.2:
            found.append("very_hard")
        if self.facility is not None and self.facility > 0.9:
            found.append("very_easy")
        if self.point_biserial is not None and self.point_biserial < 0.2:
            found.append("weak_discrimination")
        if self.upper_lower is not None and self.upper_lower < 0:
            found.append("negative_discrimination")
        return tuple(found)


def point_biserial(correct: Sequence[bool], scores: Sequence[float]) -> float | None:
    """Pearson's r between 0/1 correctness and a score; None when undefined."""
    n = len(correct)
    if n < 2 or n != len(scores):
        return None
    xs = [1.0 if c else 0.0 for c in correct]
    mean_x = sum(xs) / n
    mean_y = sum(scores) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in scores)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, scores, strict=True))
    return sxy / math.sqrt(sxx * syy)


def upper_lower(correct: Sequence[bool], scores: Sequence[float]) -> float | None:
    """`p(upper) - p(lower)` with groups of 27 % (at least one examinee each); ties in the
    ranking keep the given order. None with fewer than two examinees."""
    n = len(correct)
    if n < 2:
        return None
    size = max(1, round(GROUP_SHARE * n))
    ranked = sorted(range(n), key=lambda i: scores[i])
    lower = [correct[i] for i in ranked[:size]]
    upper = [correct[i] for i in ranked[-size:]]
    return sum(upper) / size - sum(lower) / size


def analyse(papers: Iterable[Paper]) -> list[QuestionStats]:
    """Statistics per question, in the order questions were first met."""
    correct: dict[str, list[bool]] = defaultdict(list)
    rest: dict[str, list[float | None]] = defaultdict(list)
    total: dict[str, list[float]] = defaultdict(list)
    for paper in papers:
        for response in paper.responses:
            correct[response.question].append(response.correct)
            others = paper.max_points - response.max_points
            rest[response.question].append(
                (paper.points - response.points) / others if others > 0 else None
            )
            total[response.question].append(paper.share)
    found = []
    for question, answers in correct.items():
        shown = len(answers)
        pairs = [(c, r) for c, r in zip(answers, rest[question], strict=True) if r is not None]
        found.append(
            QuestionStats(
                question=question,
                shown=shown,
                correct=sum(answers),
                facility=sum(answers) / shown if shown else None,
                point_biserial=point_biserial([c for c, _ in pairs], [r for _, r in pairs]),
                upper_lower=upper_lower(answers, total[question]),
            )
        )
    return found
