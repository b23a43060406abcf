"""The gradebook's URLs through the authorization matrix (tests/web/test_authorization.py):
the same world, personas, leak checks and "ids that name nothing" rule, for the rows in
`authz_gradebook.GRADEBOOK_CASES`."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction
from django.urls import resolve, reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from web.authz import PERSONAS, World, build_world
from web.authz_assessment import add_assessment_world
from web.test_authorization import MISSING_OBJECTS, PUBLIC_BASE_URL, check, url_patterns

from .authz_gradebook import GRADEBOOK_CASES, add_gradebook_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings: SettingsWrapper, tmp_path: Path) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.PUBLIC_BASE_URL = PUBLIC_BASE_URL
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.MICROCRED_PRIVATE_DIR = tmp_path / "private"
    world = build_world()
    add_assessment_world(world)
    add_gradebook_world(world)
    return world


def test_every_gradebook_pattern_has_a_row() -> None:
    mine = {name for name in url_patterns() if name.startswith("gradebook:")}
    assert mine == set(GRADEBOOK_CASES)


@pytest.mark.parametrize("name", sorted(GRADEBOOK_CASES))
def test_gradebook_authorization_matrix(world: World, name: str) -> None:
    case = GRADEBOOK_CASES[name]
    path = reverse(name, kwargs={k: world.fields[v] for k, v in case.kwargs.items()})
    assert resolve(path).view_name == name
    problems: list[str] = []
    for method, expectations in (("GET", case.get), ("POST", case.post)):
        if expectations is None:
            continue
        assert set(expectations) == set(PERSONAS)
        for persona in PERSONAS:
            problems += check(world, case, persona, method, path, expectations[persona])
    assert not problems, "\n".join(problems)


def test_gradebook_ids_that_name_nothing_are_refused_for_everyone(world: World) -> None:
    problems = []
    for name, case in GRADEBOOK_CASES.items():
        kwargs = {k: world.fields[v] for k, v in case.kwargs.items()}
        replaced = {k: MISSING_OBJECTS[k] for k in kwargs if k in MISSING_OBJECTS}
        if not replaced:
            continue
        path = reverse(name, kwargs=kwargs | replaced)
        for persona in PERSONAS:
            for method in ("GET", "POST") if case.post else ("GET",):
                with transaction.atomic():
                    client = world.client(persona)
                    response = client.get(path) if method == "GET" else client.post(path, {})
                    transaction.set_rollback(True)
                if response.status_code not in (302, 400, 403, 404, 405):
                    problems.append(f"{method} {path} as {persona}: {response.status_code}")
    assert not problems, "\n".join(problems)
