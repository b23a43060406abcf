"""Drawing and marking multiple-choice papers. Pure: no Django, no I/O.

A paper is drawn from a question pool with a seed derived from the learner, the quiz or exam and
the attempt number, so the same attempt always gets the same questions in the same order with the
same option order, and two learners (or two attempts) get different ones. The drawn questions are
stored with the attempt, so a later change of this algorithm or of the pool never changes a paper
that was already handed out.

Marking is all-or-nothing per question and never negative: a single-answer question is right when
the one correct option is chosen, a multiple-answer question when exactly the correct set is.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Question = Mapping[str, Any]  # one item of a quiz.yaml / exam.yaml, as synced (JSON)


def paper_seed(learner_key: str, item_uuid: str, attempt: int) -> str:
    """sha256(learner, item, attempt) as hex: reproducible, and unguessable without the pool."""
    return hashlib.sha256(f"{learner_key}\0{item_uuid}\0{attempt}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class DrawnQuestion:
    question: Question  # the full question, options in the order the learner sees them
    position: int

    @property
    def uuid(self) -> str:
        return str(self.question["uuid"])


def draw_paper(pool: Sequence[Question], count: int | None, seed: str) -> list[DrawnQuestion]:
    """`count` questions (all when None) in a seeded random order, each with shuffled options."""
    rng = random.Random(int(seed, 16))  # noqa: S311 - a reproducible shuffle, not a secret
    size = len(pool) if count is None else min(count, len(pool))
    drawn = rng.sample(list(pool), size)
    paper = []
    for position, question in enumerate(drawn):
        options = list(question.get("options", []))
        rng.shuffle(options)
        paper.append(DrawnQuestion(question={**question, "options": options}, position=position))
    return paper


def option_ids(question: Question) -> list[str]:
    return [str(option["id"]) for option in question.get("options", [])]


def correct_ids(question: Question) -> set[str]:
    return {str(option["id"]) for option in question.get("options", []) if option.get("correct")}


def question_points(question: Question) -> float:
    return float(question.get("points", 1) or 1)


class InvalidAnswerError(ValueError):
    """The selection does not fit the question (unknown option, two options for a single one)."""


def clean_selection(question: Question, selected: Iterable[str]) -> list[str]:
    """The selection as the question's option ids, in the question's order, without repeats."""
    chosen = {str(value) for value in selected}
    known = option_ids(question)
    unknown = chosen - set(known)
    if unknown:
        raise InvalidAnswerError(f"unknown option(s): {', '.join(sorted(unknown))}")
    if question.get("kind") == "single" and len(chosen) > 1:
        raise InvalidAnswerError("a single-answer question takes one option")
    return [option for option in known if option in chosen]


@dataclass(frozen=True, slots=True)
class Mark:
    correct: bool
    points: float
    max_points: float


def mark(question: Question, selected: Iterable[str]) -> Mark:
    """All or nothing; an empty selection is simply wrong (no negative marking)."""
    chosen = set(selected)
    right = bool(chosen) and chosen == correct_ids(question)
    possible = question_points(question)
    return Mark(correct=right, points=possible if right else 0.0, max_points=possible)


def share(points: float, max_points: float) -> float:
    """Score in [0, 1]: the share of points earned."""
    if max_points <= 0:
        return 0.0
    return min(max(points / max_points, 0.0), 1.0)
