"""Pick the text of a localized field for a reader's language, falling back to English.

Pure: no framework, no I/O. The web layer also needs to know *which* language the shown
text is in, so that a passage that fell back to English on a French page can carry
`lang="en"` (WCAG 2.1 SC 3.1.2, Language of Parts) and is read with English rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

FALLBACK = "en"


class Shown(NamedTuple):
    """The text a reader sees and the language code it is written in.

    `language` is None only when there is no text at all (nothing to mark)."""

    text: str
    language: str | None


def base_language(code: str) -> str:
    """ "fr-CA" -> "fr": course texts are keyed by ISO 639-1 codes, pages may be regional."""
    return code.split("-")[0].strip().lower()


def localized_with_language(text: Mapping[str, str], language: str) -> Shown:
    """The text in `language`, else English, else the first language that has any text.

    Empty strings count as missing, so a blank translation never hides the English one."""
    base = base_language(language)
    for candidate in (base, FALLBACK):
        value = text.get(candidate)
        if value:
            return Shown(value, candidate)
    for code, value in text.items():
        if value:
            return Shown(value, code)
    return Shown("", None)


def localized(text: Mapping[str, str], language: str) -> str:
    """The text in `language`, else English, else any language (never a silent blank)."""
    return localized_with_language(text, language).text


def is_translated(text: Mapping[str, str], language: str) -> bool:
    return bool(text.get(base_language(language)))


def language_to_mark(shown: str | None, page_language: str) -> str | None:
    """The code to put in a `lang` attribute, or None when the page's own language applies.

    Regional variants of the same language ("en" shown on an "en-GB" page) need no mark."""
    if not shown or base_language(shown) == base_language(page_language):
        return None
    return shown
