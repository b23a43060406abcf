"""Course teams: who may be put in a team, the audit log, and "which programmes may this user
teach" as every staff read and write of the learning app applies it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from microcred.accounts.models import User
from microcred.curriculum.models import Programme
from microcred.learning import queries, services
from microcred.learning.models import Enrolment, TeachingAssignment, TeamEvent

from .teams import FIXTURE_ACTOR

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]


@pytest.fixture
def newcomer(make_user: MakeUser) -> User:
    return make_user("nora", User.Role.INSTRUCTOR)


# -------------------------------------------------------------------------------- assigning


def test_an_administrator_adds_an_instructor_and_the_change_is_logged(
    administrator: User, newcomer: User, programme: Programme
) -> None:
    assignment = services.assign_instructor(administrator, programme, "nora")
    assert (assignment.programme, assignment.instructor) == (programme, newcomer)
    assert assignment.assigned_by == "user:root"
    event = TeamEvent.objects.get()
    assert (event.programme, event.instructor, event.action, event.actor) == (
        programme,
        newcomer,
        TeamEvent.Action.ADDED,
        "user:root",
    )
    assert list(queries.teachable_programmes(newcomer)) == [programme]


def test_an_operator_at_the_command_line_is_named_by_a_label(
    newcomer: User, programme: Programme
) -> None:
    services.assign_instructor("cli:alice", programme, " nora ")
    assert TeamEvent.objects.get().actor == "cli:alice"
    assert queries.teaches(newcomer, programme)


@pytest.mark.parametrize("persona", ["instructor", "learner"])
def test_only_administrators_change_teams_from_the_web(
    persona: str, request: pytest.FixtureRequest, newcomer: User, programme: Programme
) -> None:
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.assign_instructor(actor, programme, "nora")
    with pytest.raises(PermissionDenied):
        services.remove_instructor(actor, programme, "ines")
    assert not queries.teaches(newcomer, programme)
    assert queries.teaches(request.getfixturevalue("instructor"), programme)


def test_a_deactivated_administrator_changes_nothing(
    administrator: User, newcomer: User, programme: Programme
) -> None:
    administrator.is_active = False
    administrator.save()
    with pytest.raises(PermissionDenied):
        services.assign_instructor(administrator, programme, "nora")


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", "Enter the username of an instructor."),
        ("   ", "Enter the username of an instructor."),
        ("nobody", "There is no account with the username nobody."),
        ("ada", "ada is not an instructor (their role is Learner): only instructors join"),
        ("root", "root is not an instructor (their role is Administrator)"),
    ],
)
def test_who_cannot_join_a_team_is_told_why(
    username: str, message: str, learner: User, administrator: User, programme: Programme
) -> None:
    with pytest.raises(services.LearningError, match=re.escape(message)):
        services.assign_instructor(administrator, programme, username)
    assert not TeachingAssignment.objects.filter(instructor__username=username).exists()
    assert not TeamEvent.objects.exists()


def test_a_deactivated_instructor_cannot_join(
    administrator: User, newcomer: User, programme: Programme
) -> None:
    newcomer.is_active = False
    newcomer.save()
    with pytest.raises(services.LearningError, match="The account nora is deactivated"):
        services.assign_instructor(administrator, programme, "nora")


def test_adding_a_member_twice_is_refused_and_logged_once(
    administrator: User, newcomer: User, programme: Programme
) -> None:
    services.assign_instructor(administrator, programme, "nora")
    with pytest.raises(services.LearningError, match="nora is already in the team"):
        services.assign_instructor(administrator, programme, "nora")
    assert TeachingAssignment.objects.filter(instructor=newcomer).count() == 1
    assert TeamEvent.objects.count() == 1


def test_removing_ends_access_at_once_and_keeps_the_history(
    administrator: User, instructor: User, programme: Programme
) -> None:
    assert queries.teaches(instructor, programme)
    services.remove_instructor(administrator, programme, "ines")
    assert not queries.teaches(instructor, programme)
    assert list(TeamEvent.objects.filter(instructor=instructor).values_list("action", "actor")) == [
        (TeamEvent.Action.ADDED, FIXTURE_ACTOR),
        (TeamEvent.Action.REMOVED, "user:root"),
    ]


def test_removing_someone_not_in_the_team_is_refused(
    administrator: User, newcomer: User, programme: Programme
) -> None:
    with pytest.raises(services.LearningError, match="nora is not in the team of this course"):
        services.remove_instructor(administrator, programme, "nora")
    with pytest.raises(services.LearningError, match="no account with the username ghost"):
        services.remove_instructor(administrator, programme, "ghost")
    assert not TeamEvent.objects.exists()


def test_an_empty_actor_label_is_a_programming_error(newcomer: User, programme: Programme) -> None:
    with pytest.raises(ValueError, match="actor"):
        services.assign_instructor("  ", programme, "nora")


# ------------------------------------------------------------------ which programmes, for whom


def test_administrators_teach_every_programme_without_a_team(
    administrator: User, programme: Programme, another_programme: Programme
) -> None:
    assert set(queries.teachable_programmes(administrator)) == {programme, another_programme}
    assert queries.teaches(administrator, another_programme.pk)


def test_instructors_teach_only_the_programmes_of_their_teams(
    instructor: User,
    outside_instructor: User,
    programme: Programme,
    another_programme: Programme,
) -> None:
    assert list(queries.teachable_programmes(instructor)) == [programme]
    assert list(queries.teachable_programmes(outside_instructor)) == [another_programme]
    queries.check_teaches(instructor, programme)
    with pytest.raises(PermissionDenied):
        queries.check_teaches(outside_instructor, programme)


def test_nobody_else_teaches_anything(
    learner: User, instructor: User, administrator: User, programme: Programme
) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not queries.teachable_programmes(learner).exists()
    assert not queries.teachable_programmes(AnonymousUser()).exists()  # type: ignore[arg-type]
    instructor.role = User.Role.LEARNER  # a team row outlives a role change, the access does not
    instructor.save()
    assert not queries.teaches(instructor, programme)
    administrator.is_active = False
    administrator.save()
    assert not queries.teaches(administrator, programme)


def test_an_instructor_without_a_team_is_told_so(
    make_user: MakeUser, instructor: User, administrator: User
) -> None:
    assert queries.without_team(make_user("solo", User.Role.INSTRUCTOR))
    assert not queries.without_team(instructor)
    assert not queries.without_team(administrator)  # administrators need no team


# ----------------------------------------------------------------- admission review, scoped


@pytest.fixture
def application(learner: User, evidence_required: Programme, pdf: SimpleUploadedFile) -> Enrolment:
    return services.enrol_learner(
        learner, evidence_required, declaration_accepted=True, language="en", evidence=pdf
    )


def test_another_courses_instructor_cannot_review_the_application(
    outside_instructor: User, application: Enrolment
) -> None:
    with pytest.raises(PermissionDenied):
        services.review_admission_evidence(outside_instructor, application.pk, approve=True)
    application.refresh_from_db()
    assert application.status == Enrolment.Status.PENDING
    assert application.reviewer is None


def test_another_courses_instructor_cannot_learn_whether_an_application_was_decided(
    instructor: User, outside_instructor: User, application: Enrolment
) -> None:
    services.review_admission_evidence(instructor, application.pk, approve=True)
    with pytest.raises(PermissionDenied):  # not "no longer waiting for review"
        services.review_admission_evidence(outside_instructor, application.pk, approve=True)


def test_queues_and_downloads_are_scoped_to_the_team(
    instructor: User,
    outside_instructor: User,
    administrator: User,
    application: Enrolment,
) -> None:
    assert list(queries.pending_enrolments(instructor)) == [application]
    assert list(queries.pending_enrolments(administrator)) == [application]
    assert not queries.pending_enrolments(outside_instructor).exists()
    assert queries.enrolment_with_evidence(instructor, application.pk) == application
    assert queries.enrolment_with_evidence(outside_instructor, application.pk) is None
    assert queries.enrolment_for_staff(instructor, application.pk) == application
    assert queries.enrolment_for_staff(outside_instructor, application.pk) is None


def test_the_staff_dashboard_counts_only_the_courses_taught(
    instructor: User,
    outside_instructor: User,
    administrator: User,
    application: Enrolment,
    another_programme: Programme,
) -> None:
    mine = queries.staff_dashboard(instructor)
    assert mine is not None
    assert (mine.pending, [p.slug for p in mine.programmes]) == (1, ["minimal"])
    assert not mine.manages_teams
    theirs = queries.staff_dashboard(outside_instructor)
    assert theirs is not None
    assert (theirs.pending, [p.slug for p in theirs.programmes]) == (0, ["another-course"])
    everything = queries.staff_dashboard(administrator)
    assert everything is not None
    assert {p.slug for p in everything.programmes} == {"minimal", "another-course"}
    assert everything.manages_teams


def test_only_the_team_previews_the_course(
    instructor: User, outside_instructor: User, administrator: User, programme: Programme
) -> None:
    preview = queries.course_access(instructor, programme.slug)
    assert preview is not None
    assert preview.preview
    assert queries.course_access(administrator, programme.slug) is not None
    assert queries.course_access(outside_instructor, programme.slug) is None


def test_the_team_page_data_is_for_administrators(
    administrator: User, instructor: User, programme: Programme
) -> None:
    team = queries.team_of(administrator, programme.slug)
    assert team is not None
    assert [m.instructor for m in team.members] == [instructor]
    assert [e.action for e in team.history] == [TeamEvent.Action.ADDED]
    assert queries.team_of(instructor, programme.slug) is None
    assert queries.team_of(administrator, "no-such-course") is None
