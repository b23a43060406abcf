"""Course teams for the tests: instructors work on the course they are in the team of.

The app conftests (learning, assessment, gradebook) import `instructor` from here instead of
`accounts.personas`: the same persona, put in the team of that app's `programme` fixture through
the real service. `outside_instructor` teaches `another_programme`, never `programme`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.utils import timezone

from microcred.accounts.models import User
from microcred.curriculum.models import Programme
from microcred.learning import services

FIXTURE_ACTOR = "tests"


def assign(instructor: User, *programmes: Programme) -> User:
    """Put `instructor` in the team of each programme (the service, as an operator would)."""
    for programme in programmes:
        services.assign_instructor(FIXTURE_ACTOR, programme, instructor.username)
    return instructor


def make_another_programme(like: Programme, slug: str = "another-course") -> Programme:
    """A second live course with its own rows, described like `like` (so its pages render).

    Written directly rather than synced: a copy of a course folder would share the UUIDs of the
    modules and items, which sync keys rows by.
    """
    return Programme.objects.create(
        uuid=uuid.uuid4(),
        slug=slug,
        title={"en": "Another provider's course"},
        source_path=like.source_path,
        source_digest="0" * 64,
        description=like.description,
        eqf_level=like.eqf_level,
        ects=like.ects,
        synced_at=timezone.now(),
    )


@pytest.fixture
def instructor(make_user: Callable[..., User], programme: Programme) -> User:
    """The `instructor` persona, in the team of `programme`."""
    return assign(make_user("ines", User.Role.INSTRUCTOR), programme)


@pytest.fixture
def another_programme(programme: Programme) -> Programme:
    return make_another_programme(programme)


@pytest.fixture
def outside_instructor(make_user: Callable[..., User], another_programme: Programme) -> User:
    """An instructor of another course: for `programme`'s learners, an outsider."""
    return assign(make_user("otto", User.Role.INSTRUCTOR), another_programme)
