"""Template helpers for localized course content."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from microcred.curriculum.spec.localize import is_translated, localized

register = template.Library()


@register.filter(name="loc")
def loc(text: Any) -> str:
    """Course text in the reader's language, English when not translated yet."""
    if isinstance(text, str):
        return text
    if not isinstance(text, dict):
        return ""
    return localized(text, get_language() or "en")


@register.filter(name="untranslated")
def untranslated(text: Any) -> bool:
    """True when the reader's language has no text of its own (we show a note)."""
    language = get_language() or "en"
    return isinstance(text, dict) and bool(text) and not is_translated(text, language)


@register.filter(name="number")
def number(value: Any) -> str:
    """6.0 -> '6', 52.5 -> '52.5': credits and hours as people write them."""
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


@register.filter(name="label")
def label(code: Any, vocabulary: str) -> str:
    """`{{ d.form_of_participation.mode|label:"mode" }}` -> "Blended learning"."""
    from microcred.curriculum.labels import label as translate_label

    if isinstance(code, list):
        return ", ".join(translate_label(vocabulary, str(item)) for item in code)
    return translate_label(vocabulary, str(code))


@register.filter(name="language_names")
def language_names(codes: Any) -> str:
    """ISO 639-1 codes as language names in the reader's language ("en" -> "English")."""
    from django.utils.translation import get_language_info, gettext

    names = []
    for code in codes if isinstance(codes, list) else [codes]:
        try:
            names.append(gettext(get_language_info(str(code))["name"]))
        except KeyError:
            names.append(str(code))
    return ", ".join(names)
