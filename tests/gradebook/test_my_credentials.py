"""`/me/credentials/`: the learner's own credentials with every download, the share link (the
public verification page) and the LinkedIn link; nobody else's."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils.functional import Promise
from django.utils.html import escape
from pytest_django.fixtures import Settings as SettingsWrapper

from microcred.accounts.models import User
from microcred.credentials import services as credential_services
from microcred.credentials.core.record import Learner
from microcred.credentials.models import CredentialEvent, IssuedCredential
from microcred.curriculum.models import Programme
from microcred.gradebook.models import Award
from microcred.learning.models import Enrolment

pytestmark = pytest.mark.django_db

PAGE = "/me/credentials/"
BASE = "https://credentials.example.org"


def issue(course: Path, user: User, email: str | None = None, grade: float = 81.5) -> Any:
    return credential_services.issue_credential(
        course, Learner(user.get_full_name() or user.username, email or user.email), grade
    ).credential


def award(enrolment: Enrolment, credential: IssuedCredential | None, **extra: Any) -> Award:
    return Award.objects.create(
        enrolment=enrolment,
        status=Award.Status.ISSUED if credential else Award.Status.ISSUING,
        final_percent=Decimal("81.5"),
        grade_label="81.5 %",
        credential_uuid=credential.uuid if credential else None,
        skills=[{"uri": "http://data.europa.eu/esco/skill/x", "label": "machine learning"}],
        **extra,
    )


@pytest.fixture
def public_url(settings: SettingsWrapper) -> str:
    settings.PUBLIC_BASE_URL = BASE
    return BASE


def html(client: Client) -> str:
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


def test_the_learner_sees_downloads_share_and_linkedin_links(
    enrolled: Enrolment, course_dir: Path, client_for: Any, public_url: str
) -> None:
    credential = issue(course_dir, enrolled.learner)
    award(enrolled, credential)
    page = html(client_for(enrolled.learner))
    uuid = credential.uuid
    for link in (f"{uuid}.json", f"{uuid}.elm.json", f"{uuid}.pdf", f"{uuid}.png"):
        assert f'href="/credentials/{link}"' in page
    share = f"{BASE}/verify/{uuid}/"
    assert f'value="{share}"' in page
    assert "https://www.linkedin.com/profile/add?" in page
    linkedin = page.split('href="https://www.linkedin.com/profile/add?', 1)[1].split('"', 1)[0]
    query = parse_qs(urlsplit("?" + linkedin.replace("&amp;", "&")).query)
    assert query["certUrl"] == [share]
    assert query["certId"] == [str(uuid)]
    assert query["name"] == [credential.openbadge["name"]]
    assert "Grade: 81.5 %" in page
    assert "machine learning" in page


def test_every_download_link_works(enrolled: Enrolment, course_dir: Path, client_for: Any) -> None:
    credential = issue(course_dir, enrolled.learner)
    award(enrolled, credential)
    client = client_for(enrolled.learner)
    types = {
        "json": "application/ld+json",
        "elm.json": "application/ld+json",
        "pdf": "application/pdf",
        "png": "image/png",
    }
    for suffix, content_type in types.items():
        response = client.get(f"/credentials/{credential.uuid}.{suffix}")
        assert response.status_code == 200, suffix
        assert response["Content-Type"].startswith(content_type)


def test_without_a_public_url_the_share_link_names_this_host(
    enrolled: Enrolment, course_dir: Path, client_for: Any
) -> None:
    credential = issue(course_dir, enrolled.learner)
    award(enrolled, credential)
    assert f'value="http://testserver/verify/{credential.uuid}/"' in html(
        client_for(enrolled.learner)
    )


def test_a_revoked_credential_says_so_and_offers_no_linkedin_link(
    enrolled: Enrolment, course_dir: Path, client_for: Any
) -> None:
    credential = issue(course_dir, enrolled.learner)
    award(enrolled, credential)
    credential_services.revoke_credential(credential.uuid, "issued in error")
    page = html(client_for(enrolled.learner))
    assert "status-revoked" in page
    assert "linkedin.com" not in page


def test_credentials_issued_to_a_verified_address_are_listed_too(
    learner: User, course_dir: Path, client_for: Any, programme: Programme
) -> None:
    credential = issue(course_dir, learner, email=learner.email.upper())  # e.g. from the CLI
    assert str(credential.uuid) in html(client_for(learner))
    User.objects.filter(pk=learner.pk).update(email_verified_at=None)
    learner.refresh_from_db()
    assert str(credential.uuid) not in html(client_for(learner))


def test_nobody_sees_another_learners_credentials(
    enrolled: Enrolment,
    other_learner: User,
    instructor: User,
    course_dir: Path,
    client_for: Any,
) -> None:
    credential = issue(course_dir, enrolled.learner)
    award(enrolled, credential)
    for user in (other_learner, instructor):
        page = html(client_for(user))
        assert str(credential.uuid) not in page
        assert "Ada Lovelace" not in page
        assert "You have no credentials yet" in page


def test_an_award_being_issued_or_failed_is_announced(enrolled: Enrolment, client_for: Any) -> None:
    pending = award(enrolled, None)
    assert "being issued" in html(client_for(enrolled.learner))
    pending.status = Award.Status.FAILED
    pending.save()
    assert "could not be issued yet" in html(client_for(enrolled.learner))


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/me/credentials/")


def test_the_page_takes_the_same_number_of_queries_for_one_or_many_credentials(
    enrolled: Enrolment,
    programme: Programme,
    course_dir: Path,
    client_for: Any,
    django_assert_num_queries: Any,
) -> None:
    learner = enrolled.learner
    client = client_for(learner)
    first = issue(course_dir, learner)
    award(enrolled, first)
    client.get(PAGE)  # warm the session
    with django_assert_num_queries(4):  # session, user, awards, credentials
        html(client)
    for n in range(2):  # two more programmes, each with a credential (rows copied)
        other = Programme.objects.get(pk=programme.pk)
        other.pk, other.slug, other.uuid = None, f"other-{n}", uuid.uuid4()
        other.save()
        copy = IssuedCredential.objects.get(pk=first.pk)
        copy.pk, copy.uuid, copy.programme = None, uuid.uuid4(), other
        copy.status_index += n + 1
        copy.save()
    with django_assert_num_queries(4):
        assert html(client).count('class="card credential"') == 3


def test_the_state_shows_its_translatable_label_and_keeps_the_raw_value_as_class(
    enrolled: Enrolment, course_dir: Path, client_for: Any
) -> None:
    credential = issue(course_dir, enrolled.learner)
    award(enrolled, credential)
    client = client_for(enrolled.learner)
    assert '<span class="tag status-valid">Valid</span>' in html(client)
    credential_services.revoke_credential(credential.uuid, "issued in error")
    page = html(client)
    assert '<span class="tag status-revoked">Revoked</span>' in page
    assert ">revoked<" not in page
    # The labels are gettext_lazy strings, translated when the page is rendered.
    for model, field in ((IssuedCredential, "status"), (CredentialEvent, "action")):
        labels = [label for _, label in model._meta.get_field(field).choices]
        assert labels, model
        assert all(isinstance(label, Promise) for label in labels), model


def test_in_french_the_english_credential_name_and_esco_labels_are_marked_english(
    enrolled: Enrolment, course_dir: Path, client_for: Any
) -> None:
    credential = issue(course_dir, enrolled.learner)
    award(enrolled, credential)
    client = client_for(enrolled.learner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = html(client)
    assert '<html lang="fr">' in page
    assert f'<h2 lang="en">{escape(credential.openbadge["name"])}</h2>' in page
    assert 'rel="noopener" lang="en">machine learning</a>' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'lang="en">machine learning' not in html(client)
