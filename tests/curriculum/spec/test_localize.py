"""Which text a reader sees, and in which language it is written (WCAG 2.1 SC 3.1.2)."""

from __future__ import annotations

import pytest

from microcred.curriculum.spec.localize import (
    Shown,
    is_translated,
    language_to_mark,
    localized,
    localized_with_language,
)

TITLE = {"en": "Neural networks", "fr": "Réseaux de neurones", "de": "Neuronale Netze"}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", Shown("Réseaux de neurones", "fr")),
        ("fr-CA", Shown("Réseaux de neurones", "fr")),
        ("DE", Shown("Neuronale Netze", "de")),
        ("en", Shown("Neural networks", "en")),
        ("it", Shown("Neural networks", "en")),  # no Italian: English, and it says so
        ("el", Shown("Neural networks", "en")),
    ],
)
def test_the_shown_text_comes_with_its_language(language: str, expected: Shown) -> None:
    assert localized_with_language(TITLE, language) == expected
    assert localized(TITLE, language) == expected.text


def test_a_text_only_in_german_is_german_on_every_page() -> None:
    only_german = {"de": "Nur auf Deutsch"}
    assert localized_with_language(only_german, "fr") == Shown("Nur auf Deutsch", "de")
    assert localized_with_language(only_german, "en") == Shown("Nur auf Deutsch", "de")


def test_a_blank_translation_never_hides_the_english_text() -> None:
    text = {"en": "Loss functions", "fr": ""}
    assert localized_with_language(text, "fr") == Shown("Loss functions", "en")
    assert not is_translated(text, "fr")


def test_without_english_the_first_language_with_text_is_shown() -> None:
    text = {"ro": "", "it": "Funzioni di perdita", "el": "Συναρτήσεις απώλειας"}
    assert localized_with_language(text, "fr") == Shown("Funzioni di perdita", "it")


def test_no_text_has_no_language_to_mark() -> None:
    assert localized_with_language({}, "fr") == Shown("", None)
    assert localized_with_language({"en": "", "fr": ""}, "fr") == Shown("", None)
    assert language_to_mark(None, "fr") is None


@pytest.mark.parametrize(
    ("shown", "page", "mark"),
    [
        ("en", "fr", "en"),
        ("de", "en", "de"),
        ("fr", "fr", None),
        ("en", "en-gb", None),  # a regional page of the same language needs no mark
        ("fr", "FR", None),
        ("", "fr", None),
    ],
)
def test_only_a_language_other_than_the_pages_is_marked(
    shown: str, page: str, mark: str | None
) -> None:
    assert language_to_mark(shown, page) == mark
