"""Learner work for the gradebook tests, written through the assessment services (so the
grading events the gradebook listens to happen as they would for a person)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from microcred.accounts.models import User
from microcred.assessment import papers, services
from microcred.assessment.models import (
    CapstoneSubmission,
    EthicsAssessment,
    LabSubmission,
    QuizAttempt,
    RubricGrade,
)
from microcred.curriculum.models import AssessmentItem
from microcred.learning.models import Enrolment

PDF = b"%PDF-1.4\n% a capstone report\n%%EOF\n"
ETHICS: dict[str, str] = {
    "system_description": "A triage assistant that ranks support tickets.",
    "risk_category": "minimal",
    "annex_iii_area": "",
    "classification_rationale": "No Article 5 practice; not an Annex III use.",
    "transparency_measures": "",
    "data_provenance": "Our own tickets, pseudonymised.",
    "bias_analysis": "Error rates per language.",
    "human_oversight": "An agent confirms every ranking.",
    "mitigations": "Monthly audit.",
    "residual_risk": "low",
    "residual_risk_notes": "Mis-ranked tickets are caught by agents.",
}


def code_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("train.py", "print('hello')\n")
    return buffer.getvalue()


def lab(enrolment: Enrolment, item: AssessmentItem, score: float) -> LabSubmission:
    """A graded lab submission (the result a worker would store, without the sandbox)."""
    attempt = LabSubmission.objects.filter(enrolment=enrolment, item=item).count() + 1
    submission = LabSubmission.objects.create(
        enrolment=enrolment,
        item=item,
        attempt=attempt,
        source=f"# attempt {attempt} at {item.slug}\n",
        sha256=f"{attempt:x}".rjust(2, "0") * 32,
    )
    services.record_lab_result(
        submission.pk, {"gradable": True, "score": score, "points": 10 * score, "max_points": 10}
    )
    submission.refresh_from_db()
    return submission


def queued_lab(enrolment: Enrolment, item: AssessmentItem) -> LabSubmission:
    attempt = LabSubmission.objects.filter(enrolment=enrolment, item=item).count() + 1
    return LabSubmission.objects.create(
        enrolment=enrolment, item=item, attempt=attempt, source="# waiting\n", sha256="e" * 64
    )


def exam(learner: User, item: AssessmentItem, right: int | None = None) -> QuizAttempt:
    """Start and submit the exam with the first `right` answers correct (all by default)."""
    attempt = services.start_attempt(learner, item)
    answers: dict[str, Any] = {}
    for position, answer in enumerate(attempt.answers.order_by("position")):
        correct = sorted(papers.correct_ids(answer.question))
        wrong = [next(o for o in papers.option_ids(answer.question) if o not in correct)]
        answers[str(answer.question_uuid)] = correct if right is None or position < right else wrong
    services.submit_attempt(learner, attempt.pk, answers)
    attempt.refresh_from_db()
    return attempt


def capstone(
    learner: User, grader: User, item: AssessmentItem, percent: float = 80
) -> tuple[CapstoneSubmission, RubricGrade]:
    submission = services.submit_capstone(
        learner,
        item,
        report=SimpleUploadedFile("report.pdf", PDF, "application/pdf"),
        code=SimpleUploadedFile("code.zip", code_zip(), "application/zip"),
    )
    criteria = {str(c["id"]): {"level": None, "percent": percent} for c in item.spec["rubric"]}
    grade = services.grade_capstone(grader, submission.pk, criteria)
    return submission, grade


def ethics(learner: User, reviewer: User, item: AssessmentItem) -> EthicsAssessment:
    assessment = services.submit_ethics_assessment(learner, item, ETHICS)
    return services.review_ethics_assessment(reviewer, assessment.pk, accept=True)


def pass_everything_but_ethics(
    enrolment: Enrolment, items: dict[str, AssessmentItem], grader: User
) -> None:
    learner = enrolment.learner
    lab(enrolment, items["01-mean-baseline"], 0.9)
    lab(enrolment, items["02-small-network"], 0.7)
    exam(learner, items["exam"])
    capstone(learner, grader, items["capstone"], 80)
