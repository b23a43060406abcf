"""Fixtures for the credential renderers, issuance and the Django app: real course data."""

from __future__ import annotations

from datetime import date

import pytest
from cred_helpers import ISSUED_AT, MINIMAL, SHIPPED, load
from django.apps import apps
from django.conf import settings

from microcred.credentials.core import IssuerKey
from microcred.credentials.core.issuer import IssuerProfile
from microcred.credentials.core.record import CredentialRecord, Evidence, Learner, build_record
from microcred.curriculum.spec.course import Course

# Until the lead adds "microcred.credentials" to INSTALLED_APPS, install it for this test
# session before pytest-django creates the test database (collection runs before any test).
if "microcred.credentials" not in settings.INSTALLED_APPS:
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "microcred.credentials"]
    apps.set_installed_apps(settings.INSTALLED_APPS)


@pytest.fixture(scope="session")
def shipped() -> Course:
    return load(SHIPPED)


@pytest.fixture(scope="session")
def minimal() -> Course:
    return load(MINIMAL)


@pytest.fixture(scope="session")
def key() -> IssuerKey:
    return IssuerKey.from_seed(bytes(range(32, 64)))


@pytest.fixture(scope="session")
def record(shipped: Course) -> CredentialRecord:
    """Ana's record in the shipped course: scores per component and one graded lab."""
    return build_record(
        shipped,
        Learner("Ana Andromeda", "ana@example.org", date(1999, 10, 2), "Ana", "Andromeda"),
        87.5,
        component_percents={
            "programming-assignments": 90,
            "final-project": 85,
            "written-exam": 88.25,
        },
        evidence=[
            Evidence(
                assessment="lab:mlp-backprop",
                title="MLP and backpropagation lab",
                component_id="programming-assignments",
                score_percent=95,
                assessed_on=date(2027, 3, 1),
                submission_sha256="ab" * 32,
            )
        ],
        issued_at=ISSUED_AT,
    )


@pytest.fixture(scope="session")
def issuer(record: CredentialRecord, key: IssuerKey) -> IssuerProfile:
    return IssuerProfile.did_key(record.description, key)
