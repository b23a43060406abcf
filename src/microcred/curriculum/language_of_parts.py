"""Mark passages whose language differs from the page's (WCAG 2.1 SC 3.1.2, Language of Parts).

A French page that shows an English lesson title must say so, or screen readers pronounce the
English with French rules. The pure core (`spec.localize`) says which language a shown text is
in; this module turns that into escaped HTML for templates, forms and views, comparing with the
language of the current request (the page's `<html lang>`).

Everything returned here is escaped: course text is trusted less than the platform (decision
042), and the language code comes from a course file too.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from microcred.curriculum.spec.localize import Shown, language_to_mark, localized_with_language


def page_language() -> str:
    return get_language() or "en"


def shown(text: Any) -> Shown:
    """A localized text (a `{"en": ..., "fr": ...}` mapping) as the reader sees it.

    A plain string is shown as it is, in no known language (nothing to mark); anything else
    shows nothing."""
    if isinstance(text, str):
        return Shown(text, None)
    if not isinstance(text, dict):
        return Shown("", None)
    return localized_with_language(text, page_language())


def mark_for(language: str | None) -> str | None:
    """The language code to mark for a passage in `language` on the current page, if any."""
    return language_to_mark(language, page_language())


def lang_attribute(language: str | None) -> SafeString:
    """` lang="en"` for an element that holds only a passage in `language`, or nothing."""
    code = mark_for(language)
    return format_html(' lang="{}"', code) if code else SafeString("")


def part(text: Any) -> SafeString:
    """Escaped text for element content, in `<span lang="..">` when not the page's language."""
    value, language = shown(text)
    return wrap(conditional_escape(value), language)


def wrap(html: SafeString, language: str | None, *, block: bool = False) -> SafeString:
    """Already-safe HTML in a `span` (or `div` for block content) carrying its language,
    unchanged when it is in the page's language."""
    code = mark_for(language)
    if not code or not html:
        return html
    if block:
        return format_html('<div lang="{}">{}</div>', code, html)
    return format_html('<span lang="{}">{}</span>', code, html)
