"""The judge handle that a lab's trusted ``judge.py`` receives.

Why a context manager per check: partial credit needs each check to succeed or fail on
its own, and a learner failure (exception, timeout, memory) must cost exactly the
checks that depend on it, with feedback that says which function did what.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import numpy as np

from microcred.grading.checks import CheckError
from microcred.grading.protocol import Channel, LearnerError
from microcred.grading.result import CheckResult, TableRow
from microcred.grading.text import sanitize


class Check:
    """Mutable record for the check in progress."""

    def __init__(self, name: str, points: float, description: str) -> None:
        self.name = name
        self.points = points
        self.description = description
        self.table: list[TableRow] = []


class Pending:
    """A learner call in flight; ``result()`` returns its value or raises its failure."""

    def __init__(self, judge: Judge, ticket: int, failure: LearnerError | None) -> None:
        self._judge = judge
        self._ticket = ticket
        self._failure = failure
        self._done = False
        self._value: Any = None

    def result(self) -> Any:
        if self._failure is not None:
            raise self._failure
        if not self._done:
            try:
                self._value = self._judge._channel.result(self._ticket)
            except LearnerError as failure:
                self._failure = failure
                self._judge.failures.append(failure)
                raise
            self._done = True
        return self._value


class Judge:
    def __init__(
        self,
        channel: Channel,
        seed: int,
        tolerances: dict[str, float],
        reference: ModuleType,
    ) -> None:
        self._channel = channel
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.tolerances = tolerances
        self.reference = reference
        self.results: list[CheckResult] = []
        self.failures: list[LearnerError] = []

    def tol(self, key: str, default: float) -> float:
        return float(self.tolerances.get(key, default))

    def call(self, fn: str, *args: Any) -> Any:
        """Call a learner function in the sandbox; arguments are copied, never shared."""
        try:
            return self._channel.call(fn, *args)
        except LearnerError as failure:
            self.failures.append(failure)
            raise

    def submit(self, fn: str, *args: Any) -> Pending:
        """Start a learner call now and collect it later (inside a check) with ``.result()``.

        Pipelining lets the trusted side compute references and finite differences while
        the sandboxed child computes; answers are still validated one by one.
        """
        try:
            return Pending(self, self._channel.submit(fn, *args), None)
        except LearnerError as failure:
            self.failures.append(failure)
            return Pending(self, -1, failure)

    @contextlib.contextmanager
    def check(self, name: str, points: float, description: str = "") -> Iterator[Check]:
        current = Check(name, points, description)
        feedback = ""
        passed = False
        table: list[TableRow] = []
        try:
            yield current
            passed = True
        except CheckError as exc:
            feedback = exc.feedback
            table = exc.table
        except LearnerError as exc:
            feedback = exc.message
        except (
            TypeError,
            IndexError,
            KeyError,
            ValueError,
            AttributeError,
            ArithmeticError,
            MemoryError,
        ) as exc:  # judge code tripping over a malformed learner value
            feedback = f"the value returned has an unexpected structure ({type(exc).__name__})"
        table = table or current.table
        self.results.append(
            CheckResult(
                name=name,
                description=description,
                points=points,
                awarded=points if passed else 0.0,
                passed=passed,
                feedback=sanitize(feedback),
                table=table,
            )
        )
