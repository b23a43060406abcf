"""Journey (c): the language switcher turns the whole UI into another language, and the choice
sticks on the next page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from .conftest import Shots, Site, shots_folder

pytestmark = pytest.mark.e2e
JOURNEY = "c-languages"  # screenshots: test-artifacts/e2e/c-languages/


def switch_language(page: Any, code: str) -> None:
    page.locator("#language-select").select_option(code)
    page.locator("form.language-switcher button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


@shots_folder("c-languages-french")
def test_switching_to_french_shows_a_french_ui(
    site: Site, new_page: Callable[..., Any], shots: Shots
) -> None:
    page = new_page()
    page.goto(site.url(site.course_path))
    expect(page.get_by_role("heading", name="Learning outcomes")).to_be_visible()
    shots(page, "course page in english")
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page).to_have_url(site.url(site.course_path))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Acquis d'apprentissage")).to_be_visible()
    expect(page.get_by_role("heading", name="Learning outcomes")).to_have_count(0)
    with translation.override("fr"):
        main_nav = translation.gettext("Main")
    nav = page.get_by_role("navigation", name=main_nav)
    expect(nav.get_by_role("link", name="Cours", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    # Course content has its own translations: the title is the course's French one.
    expect(page.get_by_role("heading", level=1)).to_have_text(site.programme.title["fr"])
    shots(page, "course page in french")
    # The choice is remembered (language cookie) on the next page.
    page.goto(site.url("/verify/"))
    expect(page.get_by_role("heading", name="Vérifier un justificatif")).to_be_visible()
    shots(page, "verify page in french")


@pytest.mark.parametrize("code", [code for code, _ in settings.LANGUAGES if code != "en"])
def test_every_ui_language_translates_the_course_page(
    site: Site, new_page: Callable[..., Any], shots: Shots, code: str
) -> None:
    """One screenshot per language (Greek included, to see its glyphs render)."""
    with translation.override(code):
        heading = translation.gettext("Learning outcomes")
    assert heading != "Learning outcomes", f"{code}: 'Learning outcomes' is not translated"
    page = new_page()
    page.goto(site.url(site.course_path))
    switch_language(page, code)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    shots(page, f"course page {code}")
    page.get_by_role("heading", name=heading).scroll_into_view_if_needed()
    shots(page, f"learning outcomes {code}", full_page=False)
