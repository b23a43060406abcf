"""The course-team page (administrators), the empty state of an instructor in no team, and the
learning app's staff pages seen by an instructor of another course."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from microcred.accounts.models import User
from microcred.curriculum.models import Programme
from microcred.learning import queries
from microcred.learning.models import Enrolment, TeamEvent

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
Enrol = Callable[..., Enrolment]
TEAM = "/staff/courses/minimal/team/"
REMOVE = "/staff/courses/minimal/team/remove/"
NO_TEAM = "An administrator adds you to a course team"


def page(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


# -------------------------------------------------------------------------------- team page


def test_the_team_page_lists_the_team_and_its_history(
    client_for: ClientFor, administrator: User, instructor: User
) -> None:
    response = client_for(administrator).get(TEAM)
    assert response.status_code == 200
    text = page(response)
    assert 'id="member-ines"' in text
    assert "Remove ines" in text
    assert "Added to the team · tests" in text
    assert 'name="username"' in text
    assert "csrfmiddlewaretoken" in text


def test_an_administrator_adds_an_instructor_by_username(
    client_for: ClientFor, administrator: User, make_user: Callable[..., User], programme: Programme
) -> None:
    newcomer = make_user("nora", User.Role.INSTRUCTOR)
    response = client_for(administrator).post(TEAM, {"username": "nora"}, follow=True)
    assert response.redirect_chain == [(TEAM, 302)]
    text = page(response)
    assert "nora is now in the team of this course." in text
    assert 'id="member-nora"' in text
    assert queries.teaches(newcomer, programme)
    assert TeamEvent.objects.filter(instructor=newcomer).get().actor == "user:root"


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", "Enter the username of an instructor."),
        ("nobody", "There is no account with the username nobody."),
        ("ada", "ada is not an instructor (their role is Learner)"),
        ("ines", "ines is already in the team of this course."),
    ],
)
def test_adding_names_what_is_wrong_with_the_username(
    username: str,
    message: str,
    client_for: ClientFor,
    administrator: User,
    learner: User,
    instructor: User,
) -> None:
    response = client_for(administrator).post(TEAM, {"username": username})
    assert response.status_code == 400
    assert message in page(response)
    assert TeamEvent.objects.count() == 1  # only the fixture's assignment of ines


def test_an_administrator_removes_an_instructor(
    client_for: ClientFor, administrator: User, instructor: User, programme: Programme
) -> None:
    client = client_for(administrator)
    response = client.post(REMOVE, {"username": "ines"}, follow=True)
    assert response.redirect_chain == [(TEAM, 302)]
    assert "ines is no longer in the team of this course." in page(response)
    assert not queries.teaches(instructor, programme)
    again = client.post(REMOVE, {"username": "ines"}, follow=True)
    assert "ines is not in the team of this course." in page(again)
    empty = client.post(REMOVE, {"username": ""}, follow=True)
    assert "Enter the username of an instructor." in page(empty)


def test_team_changes_need_the_csrf_token(
    administrator: User, make_user: Callable[..., User], instructor: User, programme: Programme
) -> None:
    newcomer = make_user("nora", User.Role.INSTRUCTOR)
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    assert client.post(TEAM, {"username": "nora"}).status_code == 403
    assert client.post(REMOVE, {"username": "ines"}).status_code == 403
    assert not queries.teaches(newcomer, programme)
    assert queries.teaches(instructor, programme)


def test_only_administrators_see_or_change_teams(
    client: Client,
    client_for: ClientFor,
    learner: User,
    instructor: User,
    outside_instructor: User,
    programme: Programme,
) -> None:
    assert client.get(TEAM)["Location"].startswith("/accounts/login/")
    for person in (learner, instructor, outside_instructor):
        assert client_for(person).get(TEAM).status_code == 403
        assert client_for(person).post(TEAM, {"username": person.username}).status_code == 403
        assert client_for(person).post(REMOVE, {"username": "ines"}).status_code == 403
    assert not queries.teaches(outside_instructor, programme)
    assert queries.teaches(instructor, programme)


def test_an_unknown_course_has_no_team_page(client_for: ClientFor, administrator: User) -> None:
    assert client_for(administrator).get("/staff/courses/no-such-course/team/").status_code == 404


def test_the_administrators_dashboard_links_each_course_to_its_team(
    client_for: ClientFor, administrator: User, instructor: User, programme: Programme
) -> None:
    assert TEAM in page(client_for(administrator).get("/dashboard/"))
    assert TEAM not in page(client_for(instructor).get("/dashboard/"))


# ------------------------------------------------------------------------------ empty state


@pytest.mark.parametrize(
    "url",
    ["/dashboard/", "/instructor/enrolments/", "/instructor/assessment/", "/instructor/gradebook/"],
)
def test_an_instructor_in_no_team_is_told_how_to_get_into_one(
    url: str,
    client_for: ClientFor,
    make_user: Callable[..., User],
    instructor: User,
    administrator: User,
    programme: Programme,
) -> None:
    solo = make_user("solo", User.Role.INSTRUCTOR)
    response = client_for(solo).get(url)
    assert response.status_code == 200
    assert NO_TEAM in page(response)
    assert "minimal" not in page(response).split("<main", 1)[-1]
    assert NO_TEAM not in page(client_for(instructor).get(url))
    assert NO_TEAM not in page(client_for(administrator).get(url))


# -------------------------------------------------------------- another course's instructor


def test_another_courses_instructor_sees_none_of_its_applications(
    client_for: ClientFor,
    outside_instructor: User,
    make_user: Callable[..., User],
    evidence_required: Programme,
    enrol: Enrol,
) -> None:
    applicant = make_user("applicant")
    enrolment = enrol(applicant, evidence_required, Enrolment.Status.PENDING)
    client = client_for(outside_instructor)
    queue = page(client.get("/instructor/enrolments/"))
    assert "applicant" not in queue
    assert "No applications are waiting." in queue
    review = client.post(f"/instructor/enrolments/{enrolment.pk}/review/", {"decision": "approve"})
    assert review.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.PENDING
    assert client.get("/learn/minimal/")["Location"] == "/courses/minimal/enrol/"
