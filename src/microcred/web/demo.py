"""Seed the demo: the shipped course, one account per role, and enrolments to look at.

The instructor is in the demo course's team (instructors see only the courses they teach). The
learner is enrolled (as if an instructor had approved their evidence) and an applicant waits
in the instructors' review queue with a small PDF, so every page has something to show. The learner
has also tried the first practice quiz, queued the starter code of a lab (the worker grades it)
and submitted a capstone with its ethics assessment, so the grading queue is not empty.

A graduate has passed every component and holds an issued credential. Their graded history is
written, and the credential issued, by the task worker (`seed_demo_graduate`, enqueued when the
seeding commits): `microcred demo` starts the worker with the server, so the credential is there
within seconds, issued the way a real learner's is, and seeding itself stays quick.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from microcred.accounts.models import User
from microcred.assessment import labs as assessment_labs
from microcred.assessment import papers
from microcred.assessment import services as assessment
from microcred.assessment.models import (
    CapstoneSubmission,
    EthicsAssessment,
    LabSubmission,
    QuizAttempt,
)
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.curriculum.services import SyncReport, sync_course
from microcred.learning import queries as learning_queries
from microcred.learning import services as learning_services
from microcred.learning.admission import Admission, declaration_text
from microcred.learning.models import Enrolment

DEMO_COURSE = "applied-ml-dl"
StrOrPromise = str | Promise


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    description: StrOrPromise  # shown on the demo's sign-in page


DEMO_ACCOUNTS = (
    DemoAccount(
        "learner",
        "learner-demo-password",
        User.Role.LEARNER,
        _("Learner, enrolled, part-way through the course"),
    ),
    DemoAccount(
        "instructor",
        "instructor-demo-password",
        User.Role.INSTRUCTOR,
        _("Instructor: approves applications, grades capstones"),
    ),
    DemoAccount("admin", "admin-demo-password", User.Role.ADMINISTRATOR, _("Administrator")),
    DemoAccount(
        "applicant",
        "applicant-demo-password",
        User.Role.LEARNER,
        _("Applicant waiting for an instructor's approval"),
    ),
    DemoAccount(
        "graduate",
        "graduate-demo-password",
        User.Role.LEARNER,
        _("Graduate holding a credential"),
    ),
)
GRADUATE_NAME = ("Alex", "Graduate")

# A minimal valid one-page PDF, so the review queue has a real file to download.
DEMO_EVIDENCE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _seed_enrolment(
    learner: User, programme: Programme, status: str, reviewer: User | None
) -> None:
    """Demo rows written directly (not through enrol_learner): they stand for history."""
    if Enrolment.objects.filter(learner=learner, programme=programme).exists():
        return
    now = timezone.now()
    enrolment = Enrolment(
        learner=learner,
        programme=programme,
        status=status,
        declaration_text=declaration_text(Admission.of(programme.description), "en"),
        declaration_accepted_at=now,
        reviewer=reviewer,
        reviewed_at=now if reviewer else None,
    )
    if Admission.of(programme.description).evidence_required:
        enrolment.evidence_name = "bachelor-diploma.pdf"
        enrolment.evidence_content_type = "application/pdf"
        enrolment.evidence_size = len(DEMO_EVIDENCE)
        enrolment.evidence.save("bachelor-diploma.pdf", ContentFile(DEMO_EVIDENCE), save=False)
    enrolment.save()


DEMO_ETHICS = {
    "system_description": "A support-ticket triage assistant built on a fine-tuned Transformer.",
    "risk_category": "limited",
    "annex_iii_area": "",
    "classification_rationale": "No Article 5 practice; not an Annex III use case; it interacts "
    "with people, so Article 50(1) applies.",
    "transparency_measures": "The interface states that replies are drafted by an AI system.",
    "data_provenance": "Public, CC-BY licensed support conversations; no personal data kept.",
    "bias_analysis": "Macro-F1 per language with bootstrap intervals; the gap is 3 points.",
    "human_oversight": "An agent approves every routed ticket and can override the model.",
    "mitigations": "Re-balanced training data for the two weakest languages.",
    "residual_risk": "low",
    "residual_risk_notes": "Mis-routed tickets are delayed, not lost; agents see every ticket.",
}


def _demo_zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.md", "# Demo capstone\n")
        archive.writestr("train.py", "print('training')\n")
    return buffer.getvalue()


def _seed_assessment(learner: User, programme: Programme) -> None:
    """Demo work written through the assessment services (once: re-running adds nothing)."""
    items = AssessmentItem.objects.filter(programme=programme, retired_at__isnull=True)
    quiz = items.filter(kind="quiz").order_by("slug").first()
    if quiz and not QuizAttempt.objects.filter(enrolment__learner=learner, item=quiz).exists():
        attempt = assessment.start_attempt(learner, quiz)
        for answer in attempt.answers.all():
            options = papers.option_ids(answer.question)
            right = sorted(papers.correct_ids(answer.question))
            wrong = [next(o for o in options if o not in right)]
            choice = wrong if answer.position % 3 == 2 else right  # two thirds right
            assessment.check_practice_answer(learner, attempt.pk, str(answer.question_uuid), choice)
    lab = items.filter(kind="lab").order_by("slug").first()
    if lab and not LabSubmission.objects.filter(enrolment__learner=learner, item=lab).exists():
        starter = assessment_labs.lab_file(lab, "starter")
        if starter is not None:
            assessment.submit_lab(learner, lab, starter.read_text(encoding="utf-8"))
    capstone = items.filter(kind="capstone").first()
    if capstone and not CapstoneSubmission.objects.filter(enrolment__learner=learner).exists():
        assessment.submit_capstone(
            learner,
            capstone,
            report=SimpleUploadedFile("demo-report.pdf", DEMO_EVIDENCE, "application/pdf"),
            code=SimpleUploadedFile("demo-code.zip", _demo_zip(), "application/zip"),
        )
        assessment.submit_ethics_assessment(learner, capstone, DEMO_ETHICS)


def seed_demo(courses_dir: Path | None = None) -> SyncReport:
    """Idempotent: re-running keeps the same rows and resets the demo passwords."""
    report = sync_course(Path(courses_dir or settings.MICROCRED_COURSES_DIR) / DEMO_COURSE)
    users: dict[str, User] = {}
    with transaction.atomic():
        for account in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(
                username=account.username,
                defaults={"email": f"{account.username}@demo.microcred.invalid"},
            )
            user.role = account.role
            user.is_staff = account.role == User.Role.ADMINISTRATOR
            user.is_superuser = account.role == User.Role.ADMINISTRATOR
            user.email_verified_at = user.email_verified_at or timezone.now()
            user.set_password(account.password)
            user.save()
            users[account.username] = user
        programme = report.programme
        if not learning_queries.teaches(users["instructor"], programme):
            learning_services.assign_instructor("demo", programme, users["instructor"].username)
        _seed_enrolment(users["learner"], programme, Enrolment.Status.ACTIVE, users["instructor"])
        _seed_enrolment(users["applicant"], programme, Enrolment.Status.PENDING, None)
        _seed_assessment(users["learner"], programme)
        graduate = users["graduate"]
        graduate.first_name, graduate.last_name = GRADUATE_NAME
        graduate.save(update_fields=["first_name", "last_name"])
        _seed_enrolment(graduate, programme, Enrolment.Status.ACTIVE, users["instructor"])
        transaction.on_commit(seed_demo_graduate.enqueue)
    return report


# ------------------------------------------------------------------------------ the graduate

SEEDED_LAB_NOTE = "Demo history: this grade was seeded, not produced by the grading sandbox."


def _seed_graduate_labs(enrolment: Enrolment, labs: list[AssessmentItem]) -> None:
    for position, lab in enumerate(labs):
        if LabSubmission.objects.filter(enrolment=enrolment, item=lab).exists():
            continue
        solution = assessment_labs.lab_dir(lab) / str(lab.spec.get("solution") or "solution.py")
        source = solution.read_text(encoding="utf-8") if solution.is_file() else "# demo\n"
        points = float(lab.spec.get("points") or 10)
        score = 0.8 + 0.03 * (position % 6)
        submission = LabSubmission.objects.create(
            enrolment=enrolment,
            item=lab,
            attempt=1,
            source=source,
            sha256=hashlib.sha256(source.encode()).hexdigest(),
        )
        assessment.record_lab_result(
            submission.pk,
            {
                "lab": lab.slug,
                "lab_uuid": str(lab.uuid),
                "attempt": 1,
                "gradable": True,
                "error": SEEDED_LAB_NOTE,
                "score": score,
                "points": round(points * score, 2),
                "max_points": points,
                "checks": [],
            },
        )


def _seed_graduate_exam(learner: User, exam: AssessmentItem) -> None:
    if QuizAttempt.objects.filter(enrolment__learner=learner, item=exam).exists():
        return
    attempt = assessment.start_attempt(learner, exam, two_factor_verified=True)
    answers = {}
    for answer in attempt.answers.all():
        right = sorted(papers.correct_ids(answer.question))
        wrong = [next(o for o in papers.option_ids(answer.question) if o not in right)]
        answers[str(answer.question_uuid)] = wrong if answer.position % 5 == 4 else right
    assessment.submit_attempt(learner, attempt.pk, answers)


def _seed_graduate_capstone(learner: User, grader: User, capstone: AssessmentItem) -> None:
    if not CapstoneSubmission.objects.filter(enrolment__learner=learner).exists():
        submission = assessment.submit_capstone(
            learner,
            capstone,
            report=SimpleUploadedFile("capstone-report.pdf", DEMO_EVIDENCE, "application/pdf"),
            code=SimpleUploadedFile("capstone-code.zip", _demo_zip(), "application/zip"),
        )
        scores = {
            str(criterion["id"]): {
                "level": 0 if criterion.get("levels") else None,
                "percent": 88,
                "comment": "A clear, well-evidenced piece of work.",
            }
            for criterion in capstone.spec.get("rubric") or []
        }
        assessment.grade_capstone(grader, submission.pk, scores, comment="Well done.")
    if not EthicsAssessment.objects.filter(enrolment__learner=learner).exists():
        ethics = assessment.submit_ethics_assessment(learner, capstone, DEMO_ETHICS)
        assessment.review_ethics_assessment(grader, ethics.pk, accept=True)


def seed_graduate() -> str:
    """Grade the graduate's work (labs, exam, capstone and its ethics assessment) and issue
    their credential. Idempotent: what exists is kept, an issued credential is not issued again."""
    from microcred.gradebook import services as gradebook

    programme = Programme.objects.filter(slug=DEMO_COURSE).first()
    graduate = User.objects.filter(username="graduate").first()
    grader = User.objects.filter(username="instructor").first()
    if programme is None or graduate is None or grader is None:
        return "run seed_demo first"
    enrolment = Enrolment.objects.filter(learner=graduate, programme=programme).first()
    if enrolment is None:
        return "run seed_demo first"
    items = AssessmentItem.objects.filter(programme=programme, retired_at__isnull=True)
    with transaction.atomic():
        _seed_graduate_labs(enrolment, list(items.filter(kind="lab").order_by("slug")))
        exam = items.filter(kind="exam").first()
        if exam is not None:
            _seed_graduate_exam(graduate, exam)
        capstone = items.filter(kind="capstone").first()
        if capstone is not None:
            _seed_graduate_capstone(graduate, grader, capstone)
    return gradebook.award_credential(enrolment.pk)


@task()
def seed_demo_graduate() -> str:
    """The worker seeds the graduate and issues their credential (see the module's docstring)."""
    return seed_graduate()
