"""One learner's grade under the course's rules, from the assessment app's item scores.

For trusted callers (services, tasks, the instructors' queries): the functions here do not
check who asks. `queries.py` wraps them for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from microcred.assessment.queries import ItemScore, component_scores
from microcred.curriculum.models import AssessmentItem
from microcred.curriculum.spec.localize import localized
from microcred.learning.models import Enrolment

from . import rules
from .policy import policy_for
from .rules import FinalGrade, ItemResult, Policy, SkillClaim


def assessment_key(item: AssessmentItem) -> str:
    """The id a credential's evidence uses: `lab:<slug>`, `capstone`, `exam`, `quiz:<module>`."""
    if item.kind == "lab":
        return f"lab:{item.slug}"
    if item.kind == "quiz":
        return f"quiz:{item.slug.removesuffix('-quiz')}"
    return item.kind


def item_result(score: ItemScore) -> ItemResult:
    return ItemResult(
        component=score.component,
        status=score.status,
        score=score.score,
        key=assessment_key(score.item),
        outcomes=tuple(score.outcomes),
    )


@dataclass(frozen=True)
class LearnerGrade:
    enrolment: Enrolment
    policy: Policy
    scores: tuple[ItemScore, ...]
    grade: FinalGrade

    @property
    def items(self) -> list[ItemResult]:
        return [item_result(score) for score in self.scores]

    @property
    def passed(self) -> bool:
        return self.grade.passed

    def passed_scores(self) -> list[ItemScore]:
        """Graded items at or above the item pass mark: the evidence a credential cites."""
        return [s for s in self.scores if rules.item_passed(self.policy, item_result(s))]

    def evidenced_outcomes(self) -> frozenset[str]:
        return rules.evidenced_outcomes(self.policy, self.items)

    def skills(self) -> tuple[SkillClaim, ...]:
        description = self.enrolment.programme.description
        outcomes = description.get("learning_outcomes", []) if isinstance(description, dict) else []
        return rules.evidenced_skills(outcomes, self.evidenced_outcomes())

    def evidence(self) -> list[dict[str, Any]]:
        """JSON-ready evidence of each passed item (assessment, score, date, SHA-256)."""
        found = []
        for score in self.passed_scores():
            assert score.score is not None
            assert score.assessed_at is not None
            found.append(
                {
                    "assessment": assessment_key(score.item),
                    "title": localized(score.item.title, "en"),
                    "component": score.component,
                    "score_percent": rules.percent_of(score.score),
                    "assessed_on": score.assessed_at.date().isoformat(),
                    "submission_sha256": score.submission_sha256 or None,
                    "outcomes": list(score.outcomes),
                }
            )
        return found


def grade_of(enrolment: Enrolment, policy: Policy, scores: Sequence[ItemScore]) -> LearnerGrade:
    grade = rules.final_grade(policy, [item_result(score) for score in scores])
    return LearnerGrade(enrolment, policy, tuple(scores), grade)


def learner_grade(enrolment: Enrolment) -> LearnerGrade:
    """The enrolment's grade now (six queries for the scores; the policy is cached)."""
    return grade_of(enrolment, policy_for(enrolment.programme), component_scores(enrolment))
