"""The ``GradeResult`` contract every consumer (web app, CLI, ledger) relies on.

Why a strict model: a grade is evidence for a credential. It must say how it was
produced (seed, lab and grader versions, sandbox mode), whether it could be produced
at all (``gradable``) and, if not, whose fault that was (``error_class``), so that
a system failure is never recorded as a learner's zero.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ErrorClass = Literal["learner", "author", "system"]


class TableRow(BaseModel):
    """One line of a per-parameter table (e.g. gradient relative errors)."""

    model_config = ConfigDict(frozen=True)

    item: str
    value: float
    limit: float
    ok: bool


class CheckResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    description: str = ""
    points: float = Field(ge=0)
    awarded: float = Field(ge=0)
    passed: bool
    feedback: str = ""
    table: list[TableRow] = Field(default_factory=list)


class GradeResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    lab: str
    lab_uuid: str
    lab_version: str
    grader_version: str
    learner_id: str
    attempt: int
    seed: int
    gradable: bool
    error_class: ErrorClass | None = None
    error: str | None = None
    score: float = Field(ge=0.0, le=1.0)
    points: float = Field(ge=0)
    max_points: float = Field(ge=0)
    checks: list[CheckResult] = Field(default_factory=list)
    duration_ms: float = 0.0
    sandbox: dict[str, str] = Field(default_factory=dict)

    def to_text(self) -> str:
        """Human-readable summary for the CLI; feedback is already sanitised."""
        head = f"{self.lab} (attempt {self.attempt}, seed {self.seed}): "
        if not self.gradable:
            return head + f"NOT GRADED - {self.error_class} error: {self.error}"
        lines = [head + f"score {self.score:.3f} ({self.points:g}/{self.max_points:g} points)"]
        if self.error:
            lines.append(f"  note: {self.error}")
        for check in self.checks:
            mark = "PASS" if check.passed else "FAIL"
            lines.append(f"  [{mark}] {check.name} {check.awarded:g}/{check.points:g}")
            if check.feedback:
                lines.append(f"         {check.feedback}")
            for row in check.table:
                flag = "ok" if row.ok else "TOO LARGE"
                lines.append(
                    f"         {row.item:<12} {row.value:.2e} (limit {row.limit:.0e}) {flag}"
                )
        return "\n".join(lines)
