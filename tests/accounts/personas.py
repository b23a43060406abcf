"""The five personas of the house style, shared by the accounts and learning tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from microcred.accounts.models import User

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: SettingsWrapper) -> None:
    """Argon2 is deliberately slow; tests that check hashing turn it back on explicitly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, role: str = User.Role.LEARNER, *, verified: bool = True) -> User:
        user = User(username=username, email=f"{username}@example.org", role=role)
        user.email_verified_at = timezone.now() if verified else None
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def learner(make_user: Callable[..., User]) -> User:
    return make_user("ada")


@pytest.fixture
def other_learner(make_user: Callable[..., User]) -> User:
    return make_user("grace")


@pytest.fixture
def instructor(make_user: Callable[..., User]) -> User:
    return make_user("ines", User.Role.INSTRUCTOR)


@pytest.fixture
def administrator(make_user: Callable[..., User]) -> User:
    return make_user("root", User.Role.ADMINISTRATOR)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
