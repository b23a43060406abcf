"""Learners at risk, by rules a teacher can read (pure functions, no Django).

- `inactive`: nothing done (a lesson opened, an attempt, a submission) for `inactive_days`;
- `failing`: a component's graded work so far is under its minimum, or the learner failed;
- `exam_not_started`: the course ends within `exam_warning_days` (or has ended) and the exam
  has not been started.

Thresholds come from the course's `gradebook.yaml` (`risk: {inactive_days, exam_warning_days}`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from .rules import FinalGrade, PolicyError

__all__ = ["Risk", "RiskRules", "Signals", "risk_rules", "risks"]


@dataclass(frozen=True, slots=True)
class RiskRules:
    inactive_days: int = 14
    exam_warning_days: int = 21


def risk_rules(settings: Mapping[str, Any]) -> RiskRules:
    raw = settings.get("risk") or {}
    if not isinstance(raw, Mapping) or set(raw) - {"inactive_days", "exam_warning_days"}:
        raise PolicyError("risk is {inactive_days, exam_warning_days}")
    values = {}
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PolicyError(f"risk.{key} is a number of days")
        values[key] = value
    return RiskRules(**values)


@dataclass(frozen=True, slots=True)
class Signals:
    enrolled_at: datetime
    last_activity: datetime | None
    grade: FinalGrade
    has_exam: bool
    exam_started: bool


@dataclass(frozen=True, slots=True)
class Risk:
    code: str  # inactive | failing | exam_not_started
    days: int | None = None  # inactive: days since the last activity; exam: days to the end
    components: tuple[str, ...] = ()  # failing: which components


def risks(signals: Signals, now: datetime, end_date: date | None, rules: RiskRules) -> list[Risk]:
    found: list[Risk] = []
    if signals.grade.passed:
        return found
    since = signals.last_activity or signals.enrolled_at
    idle = now - since
    if idle > timedelta(days=rules.inactive_days):
        found.append(Risk("inactive", days=idle.days))
    failing = tuple(
        c.code
        for c in signals.grade.components
        if c.graded_percent is not None and c.graded_percent < c.minimum_percent
    )
    if failing or signals.grade.status == "failed":
        found.append(Risk("failing", components=failing or signals.grade.failing_components))
    if signals.has_exam and not signals.exam_started and end_date is not None:
        left = (end_date - now.date()).days
        if left <= rules.exam_warning_days:
            found.append(Risk("exam_not_started", days=left))
    return found
