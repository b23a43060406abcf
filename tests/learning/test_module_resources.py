"""A module's open educational resources (Q&A, case studies, exercises) as pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from microcred.accounts.models import User
from microcred.curriculum.models import Programme
from microcred.learning.models import Enrolment

pytestmark = pytest.mark.django_db

QA = "/learn/minimal/01-first-steps/resources/qa/"


def test_enrolled_learners_read_the_module_qa_in_their_language(
    client_for: Callable[[User], Client],
    learner: User,
    programme: Programme,
    enrol: Callable[..., Enrolment],
) -> None:
    enrol(learner, programme)
    outline = client_for(learner).get("/learn/minimal/").content.decode()
    assert f'href="{QA}"' in outline
    english = client_for(learner).get(QA)
    assert english.status_code == 200
    text = english.content.decode()
    assert "<h2>Questions and answers</h2>" in text  # the file's h1, demoted
    assert "<h3>Q1. What is a baseline? <strong>(LO1)</strong></h3>" in text
    assert text.count("<h1>") == 1
    french = client_for(learner).get(QA, headers={"accept-language": "fr"}).content.decode()
    assert "Qu&#x27;est-ce qu&#x27;une référence" in french or "Qu'est-ce qu'une" in french


def test_module_resources_need_an_enrolment_and_a_known_kind(
    client: Client,
    client_for: Callable[[User], Client],
    learner: User,
    other_learner: User,
    programme: Programme,
    enrol: Callable[..., Enrolment],
) -> None:
    assert client.get(QA)["Location"].startswith("/accounts/login/")
    assert client_for(other_learner).get(QA)["Location"] == "/courses/minimal/enrol/"
    enrol(learner, programme)
    signed_in = client_for(learner)
    assert signed_in.get("/learn/minimal/01-first-steps/resources/exercises/").status_code == 404
    assert signed_in.get("/learn/minimal/no-such-module/resources/qa/").status_code == 404
