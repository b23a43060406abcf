"""The public course page shows every element of the description, in six UI languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from microcred.curriculum.services import sync_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(course_copy: Path) -> Path:
    sync_course(course_copy)
    return course_copy


def test_catalogue_lists_the_course(client: Client, synced: Path) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"Minimal Machine Learning" in response.content
    assert b"/courses/minimal/" in response.content


def test_course_page_renders_every_annex_i_element(client: Client, synced: Path) -> None:
    response = client.get("/courses/minimal/")
    assert response.status_code == 200
    page = response.content.decode()
    for heading in (
        "Awarding body",
        "Country / region of the issuer",
        "Level",
        "Notional workload",
        "Date of issuing",
        "Form of participation",
        "Learning outcomes",
        "Assessment",
        "Quality assurance",
        "Identification of the learner",
        "Admission requirements",
        "Modules",
        "Workload",
        "Trainers",
        "On completion",
    ):
        assert heading in page, heading
    assert "Example University" in page
    assert "EQF level 7" in page
    assert "http://data.europa.eu/esco/skill/3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43" in page
    assert "given name, family name" in page
    assert 'href="/courses/minimal/enrol/"' in page
    assert "Language of instruction</dt><dd>English</dd>" in page


def test_course_page_embeds_schemaorg(client: Client, synced: Path) -> None:
    page = client.get("/courses/minimal/").content.decode()
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    document = json.loads(page[start : page.index("</script>", start)])
    assert document["@type"] == "Course"
    assert document["name"] == "Minimal Machine Learning"


def test_course_page_query_count_is_constant(client: Client, synced: Path) -> None:
    with CaptureQueriesContext(connection) as queries:
        client.get("/courses/minimal/")
    assert len(queries) <= 4, [q["sql"] for q in queries]


@pytest.mark.parametrize(
    ("language", "heading", "title"),
    [
        ("fr", "Acquis d'apprentissage", "Apprentissage automatique minimal"),
        ("de", "Lernergebnisse", "Minimal Machine Learning"),
        ("el", "Μαθησιακά αποτελέσματα", "Minimal Machine Learning"),
        ("ro", "Rezultatele învățării", "Minimal Machine Learning"),
        ("it", "Risultati di apprendimento", "Minimal Machine Learning"),
    ],
)
def test_language_switch_translates_ui_and_content(
    client: Client, synced: Path, language: str, heading: str, title: str
) -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/courses/minimal/"})
    assert response.status_code == 302
    page = client.get("/courses/minimal/").content.decode()
    assert f'<html lang="{language}">' in page
    assert heading in page
    assert title in page


def test_untranslated_content_falls_back_to_english_with_a_note(
    client: Client, synced: Path
) -> None:
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    page = client.get("/courses/minimal/").content.decode()
    assert "Minimal Machine Learning" in page  # the title has no German text yet
    assert 'class="untranslated"' in page


def test_exports_are_served(client: Client, synced: Path) -> None:
    for export_format, expected_type in (
        ("ob3-achievement", "Achievement"),
        ("elm", "LearningOpportunity"),
        ("schemaorg", "Course"),
    ):
        response = client.get(f"/courses/minimal/export/{export_format}.jsonld")
        assert response.status_code == 200
        document = json.loads(response.content)
        kind = document.get("type") or document.get("@type")
        assert expected_type in (kind if isinstance(kind, list) else [kind])


def test_unknown_course_and_export_are_404(client: Client, synced: Path) -> None:
    assert client.get("/courses/nope/").status_code == 404
    assert client.get("/courses/minimal/export/pdf.jsonld").status_code == 404
