"""The assessment app's rows of the authorization matrix, and the learner's assessment work.

The app is optional for this matrix: nothing here imports it at module level, its rows are
`optional` (absent patterns are simply not requested) and `add_assessment_world` runs only when
its URL patterns exist. The learner's work goes through the app's own services, so the objects
are the ones a person would create:

- a practice-quiz attempt, a lab submission (queued: grading runs after commit, which a test
  transaction never reaches), a capstone (report + code) and an AI-ethics assessment;
- the classmate submits a capstone too and an instructor assigns peer reviewers, so each of the
  two reviews the other's capstone anonymously.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from .authz import (
    ADMIN,
    BAD_REQUEST,
    FORBIDDEN,
    INSTRUCTOR,
    LEARNER,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    OTHER,
    Case,
    World,
    row,
    signed_in,
    to,
)

CAPSTONE_MARKER = "CAPSTONE-REPORT-OF-AUGUSTA-41d2"
LAB_MARKER = "AUGUSTA_LAB_SOURCE_5be1"
ETHICS_MARKER = "ETHICS-OF-AUGUSTA-9c07 triage assistant"
REPORT_NAME = "augusta-byronsdottir-capstone-report.pdf"
CODE_NAME = "augusta-byronsdottir-capstone-code.zip"


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _capstone_files(owner: str, marker: str) -> dict[str, Any]:
    report = f"%PDF-1.4\n% {marker}\n%%EOF\n".encode()
    return {
        "report": SimpleUploadedFile(f"{owner}-capstone-report.pdf", report, "application/pdf"),
        "code": SimpleUploadedFile(
            f"{owner}-capstone-code.zip", _zip({"train.py": "print('hi')\n"}), "application/zip"
        ),
    }


def _ethics(description: str) -> dict[str, str]:
    return {
        "system_description": description,
        "risk_category": "minimal",
        "annex_iii_area": "",
        "classification_rationale": "Not listed in Annex III; no Article 5 practice.",
        "transparency_measures": "",
        "data_provenance": "Public, licensed data.",
        "bias_analysis": "Error rates compared across groups.",
        "human_oversight": "A clinician decides.",
        "mitigations": "Thresholds reviewed monthly.",
        "residual_risk": "low",
        "residual_risk_notes": "Acceptable.",
    }


def add_assessment_world(world: World) -> None:
    from microcred.assessment import models as am
    from microcred.assessment import services
    from microcred.curriculum.models import AssessmentItem

    items = {
        kind: AssessmentItem.objects.filter(
            programme=world.programme, kind=kind, retired_at__isnull=True
        )
        .order_by("slug")
        .first()
        for kind in ("quiz", "exam", "lab", "capstone")
    }
    missing = [kind for kind, item in items.items() if item is None]
    assert not missing, f"the matrix course lacks assessment items: {missing}"
    learner, other = world.users[LEARNER], world.users[OTHER]
    quiz, lab, capstone = items["quiz"], items["lab"], items["capstone"]
    assert quiz is not None
    assert lab is not None
    assert capstone is not None

    attempt = services.start_attempt(learner, quiz)
    question = attempt.answers.order_by("position").first()
    assert question is not None
    submission = services.submit_lab(learner, lab, f"# {LAB_MARKER}\nprint(42)\n")
    own = services.submit_capstone(
        learner,
        capstone,
        **_capstone_files("augusta-byronsdottir", CAPSTONE_MARKER),
    )
    assert (own.report_name, own.code_name) == (REPORT_NAME, CODE_NAME)
    theirs = services.submit_capstone(other, capstone, **_capstone_files("grace", "GRACE"))
    ethics = services.submit_ethics_assessment(learner, capstone, _ethics(ETHICS_MARKER))
    services.assign_peer_reviewers(world.users[INSTRUCTOR], capstone)
    mine_to_do = am.PeerReview.objects.get(reviewer=world.enrolment, submission=theirs)
    theirs_to_do = am.PeerReview.objects.get(reviewer=world.other_enrolment, submission=own)

    world.fields |= {
        "quiz": quiz.slug,
        "lab": lab.slug,
        "attempt_pk": str(attempt.pk),
        "question": str(question.question_uuid),
        "lab_pk": str(submission.pk),
        "capstone_pk": str(own.pk),
        "capstone_item_pk": str(capstone.pk),
        "part": "report",
        "review_pk": str(mine_to_do.pk),
        "their_review_pk": str(theirs_to_do.pk),
        "ethics_pk": str(ethics.pk),
    }
    world.extra_markers |= {
        "capstone content": CAPSTONE_MARKER,
        "capstone report name": REPORT_NAME,
        "capstone code name": CODE_NAME,
        "lab source": LAB_MARKER,
        "ethics assessment": ETHICS_MARKER,
    }

    def state() -> Any:
        mine = {"enrolment__learner": learner}
        return (
            sorted(am.QuizAttempt.objects.filter(**mine).values_list("pk", "status", "score")),
            sorted(
                am.QuizAnswer.objects.filter(attempt__enrolment__learner=learner).values_list(
                    "pk", "selected", "correct"
                )
            ),
            sorted(am.LabSubmission.objects.filter(**mine).values_list("pk", "status", "sha256")),
            sorted(am.CapstoneSubmission.objects.filter(**mine).values_list("pk", "sha256")),
            sorted(am.EthicsAssessment.objects.filter(**mine).values_list("pk", "status")),
            sorted(
                am.PeerReview.objects.filter(reviewer__learner=learner).values_list(
                    "pk", "status", "comment"
                )
            ),
            sorted(
                am.RubricGrade.objects.filter(submission__enrolment__learner=learner).values_list(
                    "pk", "score"
                )
            ),
        )

    world.extra_state.append(state)


COURSE = {"slug": "slug"}
ATTEMPT = {"slug": "slug", "pk": "attempt_pk"}
LAB_SUBMISSION = {"slug": "slug", "pk": "lab_pk"}
# Staff lists: an instructor of another course gets the page, without this course's learners.
STAFF_LIST = row(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, elsewhere=OK)
# One learner's work on a staff page: as if it did not exist for another course's instructor.
STAFF_OBJECT = row(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, elsewhere=NOT_FOUND)
STAFF_SEE = ("first name", "last name")
# The learner's own work: only they may open it; staff read it through their own pages.
OWN = row(LOGIN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, elsewhere=NOT_FOUND)
ATTEMPT_PAGE = "/assessment/{slug}/attempts/{attempt_pk}/"
# Course pages: learners and the course's team (a preview); others are sent to enrol.
ENROL = "/courses/{slug}/enrol/"
COURSE_PAGE = row(LOGIN, OK, OK, OK, OK, elsewhere=to(ENROL))

ASSESSMENT_CASES: dict[str, Case] = {
    name: Case(optional=True, **spec)  # type: ignore[arg-type]
    for name, spec in {
        "assessment:overview": {"kwargs": COURSE, "get": COURSE_PAGE},
        "assessment:quiz": {"kwargs": {"slug": "slug", "item": "quiz"}, "get": COURSE_PAGE},
        # Each learner starts (or resumes) their own attempt; staff only preview.
        "assessment:quiz_start": {
            "kwargs": {"slug": "slug", "item": "quiz"},
            "get": signed_in(LOGIN, NOT_ALLOWED),
            "post": row(
                LOGIN,
                to("/assessment/{slug}/attempts/*/"),
                to(ATTEMPT_PAGE),
                FORBIDDEN,
                FORBIDDEN,
                elsewhere=to(ENROL),
            ),
        },
        "assessment:exam": {"kwargs": COURSE, "get": COURSE_PAGE},
        "assessment:exam_start": {
            "kwargs": COURSE,
            "get": signed_in(LOGIN, NOT_ALLOWED),
            "post": row(
                LOGIN,
                to("/assessment/{slug}/attempts/*/"),
                to("/assessment/{slug}/attempts/*/"),
                FORBIDDEN,
                FORBIDDEN,
                elsewhere=to(ENROL),
            ),
        },
        "assessment:attempt": {"kwargs": ATTEMPT, "get": OWN},
        "assessment:attempt_check": {
            "kwargs": {**ATTEMPT, "question": "question"},
            "get": signed_in(LOGIN, NOT_ALLOWED),
            "post": row(
                LOGIN, NOT_FOUND, to(ATTEMPT_PAGE), NOT_FOUND, NOT_FOUND, elsewhere=NOT_FOUND
            ),
            "data": {},
        },
        "assessment:attempt_save": {
            "kwargs": ATTEMPT,
            "get": signed_in(LOGIN, NOT_ALLOWED),
            "post": row(
                LOGIN, NOT_FOUND, to(ATTEMPT_PAGE), NOT_FOUND, NOT_FOUND, elsewhere=NOT_FOUND
            ),
        },
        "assessment:attempt_submit": {
            "kwargs": ATTEMPT,
            "get": signed_in(LOGIN, NOT_ALLOWED),
            "post": row(
                LOGIN, NOT_FOUND, to(ATTEMPT_PAGE), NOT_FOUND, NOT_FOUND, elsewhere=NOT_FOUND
            ),
        },
        "assessment:lab": {"kwargs": {"slug": "slug", "item": "lab"}, "get": COURSE_PAGE},
        # The classmate submits their own code; the learner's previous one is still queued.
        "assessment:lab_submit": {
            "kwargs": {"slug": "slug", "item": "lab"},
            "get": signed_in(LOGIN, NOT_ALLOWED),
            "post": row(
                LOGIN,
                to("/assessment/{slug}/labs/{lab}/"),
                BAD_REQUEST,
                FORBIDDEN,
                FORBIDDEN,
                elsewhere=to(ENROL),
            ),
            "data": {"source": "print('mine')\n"},
        },
        "assessment:lab_submission": {
            "kwargs": LAB_SUBMISSION,
            "get": row(LOGIN, NOT_FOUND, OK, OK, OK, elsewhere=NOT_FOUND),
            "reveals": {LEARNER: ("lab source",), INSTRUCTOR: ("lab source",)},
        },
        "assessment:lab_submission_status": {
            "kwargs": LAB_SUBMISSION,
            "get": row(LOGIN, NOT_FOUND, OK, OK, OK, elsewhere=NOT_FOUND),
        },
        "assessment:capstone": {
            "kwargs": COURSE,
            "get": COURSE_PAGE,
            "reveals": {LEARNER: ("capstone report name",)},
        },
        # Empty forms: refused with the form again (400); staff previews may not submit; another
        # course's instructor has no preview and is sent to enrol.
        "assessment:capstone_submit": {
            "kwargs": COURSE,
            "get": signed_in(LOGIN, NOT_ALLOWED),
            "post": row(LOGIN, BAD_REQUEST, BAD_REQUEST, FORBIDDEN, FORBIDDEN, elsewhere=to(ENROL)),
        },
        "assessment:ethics_submit": {
            "kwargs": COURSE,
            "get": signed_in(LOGIN, NOT_ALLOWED),
            "post": row(LOGIN, BAD_REQUEST, BAD_REQUEST, FORBIDDEN, FORBIDDEN, elsewhere=to(ENROL)),
        },
        # The review the learner must write (of the classmate's capstone): the classmate, as
        # its author, must not even learn that it exists.
        "assessment:peer_review": {
            "kwargs": {"slug": "slug", "pk": "review_pk"},
            "get": OWN,
            "post": row(LOGIN, NOT_FOUND, BAD_REQUEST, NOT_FOUND, NOT_FOUND, elsewhere=NOT_FOUND),
        },
        # The learner's capstone report: the classmate is an assigned peer reviewer and may
        # read it, anonymously (no name, no e-mail, neutral file name). Another course's
        # instructor may not.
        "assessment:capstone_file": {
            "kwargs": {"pk": "capstone_pk", "part": "part"},
            "get": row(LOGIN, OK, OK, OK, OK, elsewhere=NOT_FOUND),
            "outsider_may_see": ("capstone content",),
            "reveals": {
                LEARNER: ("capstone content", "capstone report name"),
                INSTRUCTOR: ("capstone content", "capstone report name"),
                ADMIN: ("capstone content", "capstone report name"),
            },
        },
        "assessment:instructor_queue": {
            "kwargs": {},
            "get": STAFF_LIST,
            "reveals": {INSTRUCTOR: STAFF_SEE, ADMIN: STAFF_SEE},
        },
        "assessment:grade_capstone": {
            "kwargs": {"pk": "capstone_pk"},
            "get": STAFF_OBJECT,
            "post": row(LOGIN, FORBIDDEN, FORBIDDEN, BAD_REQUEST, BAD_REQUEST, elsewhere=NOT_FOUND),
            "reveals": {INSTRUCTOR: STAFF_SEE},
        },
        "assessment:review_ethics": {
            "kwargs": {"pk": "ethics_pk"},
            "get": STAFF_OBJECT,
            "post": row(LOGIN, FORBIDDEN, FORBIDDEN, BAD_REQUEST, BAD_REQUEST, elsewhere=NOT_FOUND),
            "reveals": {INSTRUCTOR: ("ethics assessment",)},
        },
        "assessment:assign_peers": {
            "kwargs": {"pk": "capstone_item_pk"},
            "get": row(
                LOGIN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED, elsewhere=NOT_ALLOWED
            ),
            "post": row(
                LOGIN,
                FORBIDDEN,
                FORBIDDEN,
                to("/instructor/assessment/"),
                to("/instructor/assessment/"),
                elsewhere=NOT_FOUND,
            ),
        },
    }.items()
}
