"""The gradebook's rows of the authorization matrix (tests/web/test_authorization.py).

Ready to join the matrix's `CASES` (`CASES = CORE_CASES | ASSESSMENT_CASES | GRADEBOOK_CASES`,
and `add_gradebook_world(world)` in its `world` fixture); until then
`tests/gradebook/test_authorization.py` runs these rows through the matrix's own `check`.

The learner's world gains a third learner's submitted exam attempt (for the question analysis)
and the award that links the learner's credential to their enrolment.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from microcred.accounts.models import User
from microcred.learning.models import Enrolment
from web.authz import (
    ADMIN,
    FORBIDDEN,
    INSTRUCTOR,
    LEARNER,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    Case,
    World,
    make_user,
    row,
    signed_in,
    to,
)

NO_KWARGS: dict[str, str] = {}
# The list of courses: an instructor of another course sees theirs, not the learner's.
STAFF_LIST = row(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, elsewhere=OK)
# One course's learners: as if it did not exist for another course's instructor.
STAFF_OBJECT = row(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, elsewhere=NOT_FOUND)
STAFF_POST_ONLY = row(LOGIN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED, elsewhere=NOT_ALLOWED)
ADMIN_ONLY = row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, elsewhere=FORBIDDEN)
ADMIN_POST_ONLY = row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, elsewhere=FORBIDDEN)
BOOK = "/instructor/gradebook/{slug}/"
PRIVACY_PAGE = "/staff/privacy/learners/{learner_pk}/"

GRADEBOOK_CASES: dict[str, Case] = {
    # Each signed-in person sees their own credentials; the learner's page shows theirs.
    "gradebook:my_credentials": Case(
        NO_KWARGS, get=signed_in(LOGIN, OK), reveals={LEARNER: ("credential id",)}
    ),
    "gradebook:my_data": Case(NO_KWARGS, get=signed_in(LOGIN, OK)),
    # Each exports their own data (never someone else's): the learner's zip is theirs.
    "gradebook:my_data_export": Case(
        NO_KWARGS, get=signed_in(LOGIN, NOT_ALLOWED), post=signed_in(LOGIN, OK)
    ),
    "gradebook:instructor_index": Case(NO_KWARGS, get=STAFF_LIST),
    "gradebook:instructor_gradebook": Case(
        {"slug": "slug"},
        get=STAFF_OBJECT,
        reveals={INSTRUCTOR: ("last name", "username"), ADMIN: ("last name", "username")},
    ),
    "gradebook:item_analysis": Case({"slug": "slug", "pk": "exam_pk"}, get=STAFF_OBJECT),
    # The credential id is in the URL itself (and so in the sign-in redirect's `next`).
    "gradebook:credential_status": Case(
        {"uuid": "uuid"},
        outsider_may_see=("credential id",),
        get=STAFF_POST_ONLY,
        post=row(LOGIN, FORBIDDEN, FORBIDDEN, to(BOOK), to(BOOK), elsewhere=NOT_FOUND),
        data={"action": "revoke", "reason": "authorization matrix"},
    ),
    "gradebook:request_award": Case(
        {"pk": "pk"},
        get=STAFF_POST_ONLY,
        post=row(LOGIN, FORBIDDEN, FORBIDDEN, to(BOOK), to(BOOK), elsewhere=NOT_FOUND),
    ),
    "gradebook:privacy_index": Case(NO_KWARGS, get=ADMIN_ONLY),
    "gradebook:privacy_learner": Case(
        {"pk": "learner_pk"},
        get=ADMIN_ONLY,
        reveals={ADMIN: ("e-mail", "last name")},
    ),
    "gradebook:privacy_export": Case(
        {"pk": "learner_pk"},
        get=ADMIN_POST_ONLY,
        post=ADMIN_ONLY,
    ),
    # Without the typed confirmation nothing is erased, even by an administrator.
    "gradebook:privacy_erase": Case(
        {"pk": "learner_pk"},
        get=ADMIN_POST_ONLY,
        post=row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, to(PRIVACY_PAGE), elsewhere=FORBIDDEN),
        data={"confirm_username": "", "reason": "authorization matrix"},
    ),
}


def add_gradebook_world(world: World) -> None:
    """A third learner sits the exam (the learner's and the classmate's single exam attempts
    stay theirs to start), and the learner's credential gets its award."""
    from microcred.assessment import papers, services
    from microcred.curriculum.models import AssessmentItem
    from microcred.gradebook.models import Award

    examinee = make_user("kim-examinee", "kim@examinee.example", User.Role.LEARNER)
    Enrolment.objects.create(
        learner=examinee,
        programme=world.programme,
        status=Enrolment.Status.ACTIVE,
        declaration_text="I declare.",
        declaration_accepted_at=timezone.now(),
    )
    exam = AssessmentItem.objects.get(programme=world.programme, kind="exam")
    attempt = services.start_attempt(examinee, exam)
    services.submit_attempt(
        examinee,
        attempt.pk,
        {
            str(a.question_uuid): sorted(papers.correct_ids(a.question))
            for a in attempt.answers.all()
        },
    )
    Award.objects.create(
        enrolment=world.enrolment,
        status=Award.Status.ISSUED,
        final_percent=Decimal(world.credential.final_grade),
        grade_label=f"{world.credential.final_grade} %",
        credential_uuid=world.credential.uuid,
    )
    world.fields |= {"exam_pk": str(exam.pk), "learner_pk": str(world.learner.pk)}
