"""Template helpers for localized course content.

`loc` gives plain text, for attributes (`alt`, `title`, `aria-label`, `value`) and `<title>`.
In element content use `loc_part`, which also marks the passage's language when it is not the
page's (WCAG 2.1 SC 3.1.2); `lang_attr` / `code_lang_attr` put that mark on an element that
holds nothing else (see docs/decisions/076-language-of-parts.md).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from microcred.curriculum import language_of_parts
from microcred.curriculum.spec.localize import is_translated

register = template.Library()


@register.filter(name="loc")
def loc(text: Any) -> str:
    """Course text in the reader's language, English when not translated yet."""
    return language_of_parts.shown(text).text


@register.filter(name="loc_part")
def loc_part(text: Any) -> SafeString:
    """`loc`, escaped, in `<span lang="en">` when the shown text is not in the page's language."""
    return language_of_parts.part(text)


@register.filter(name="lang_attr")
def lang_attr(text: Any) -> SafeString:
    """` lang="en"` when the localized text is shown in another language than the page's:
    for an element whose whole content is that text (`<h1{{ t|lang_attr }}>{{ t|loc }}</h1>`)
    or whose attributes hold it (`<option>`)."""
    return language_of_parts.lang_attribute(language_of_parts.shown(text).language)


@register.filter(name="code_lang_attr")
def code_lang_attr(code: Any) -> SafeString:
    """` lang="en"` for content whose language is known by its code (a lesson file that fell
    back to English, an ESCO label), when that is not the page's language."""
    return language_of_parts.lang_attribute(str(code) if code else None)


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
