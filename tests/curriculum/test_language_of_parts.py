"""Marking the language of a passage against the current page's (the request's) language."""

from __future__ import annotations

from django.utils.translation import override

from microcred.curriculum import language_of_parts as parts
from microcred.curriculum.spec.localize import Shown

TITLE = {"en": "Transfer learning", "fr": "Apprentissage par transfert"}


def test_english_on_a_french_page_is_wrapped_and_french_is_not() -> None:
    with override("fr"):
        assert parts.part(TITLE) == "Apprentissage par transfert"
        assert parts.part({"en": "Transfer learning"}) == '<span lang="en">Transfer learning</span>'
    with override("en"):
        assert parts.part(TITLE) == "Transfer learning"


def test_a_text_only_in_german_is_marked_german_even_on_an_english_page() -> None:
    with override("en"):
        assert parts.shown({"de": "Nur auf Deutsch"}) == Shown("Nur auf Deutsch", "de")
        assert parts.part({"de": "Nur auf Deutsch"}) == '<span lang="de">Nur auf Deutsch</span>'
        assert parts.lang_attribute("de") == ' lang="de"'
    with override("de"):
        assert parts.lang_attribute("de") == ""


def test_plain_strings_are_shown_unmarked_and_anything_else_shows_nothing() -> None:
    with override("fr"):
        assert parts.shown("Ada Lovelace") == Shown("Ada Lovelace", None)
        assert parts.part("Ada Lovelace") == "Ada Lovelace"
        assert parts.shown(None) == Shown("", None)
        assert parts.part(42) == ""
        assert parts.part({}) == ""  # no empty <span lang> either


def test_course_text_and_its_language_code_are_escaped() -> None:
    hostile = {"en": '<img src=x onerror="alert(1)">', 'x"><script>': "boo"}
    with override("fr"):
        html = parts.part(hostile)
        assert "<img" not in html
        assert html == '<span lang="en">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</span>'
        assert "<script>" not in parts.part({'x"><script>': "boo"})
        assert parts.lang_attribute('"><script>') == ' lang="&quot;&gt;&lt;script&gt;"'


def test_block_content_is_wrapped_in_a_div() -> None:
    with override("fr"):
        html = parts.wrap(parts.part("x"), "en", block=True)
        assert html == '<div lang="en">x</div>'
        assert parts.wrap(parts.part("x"), "fr", block=True) == "x"
