"""Pick the text of a localized field for a reader's language, falling back to English."""

from __future__ import annotations

from collections.abc import Mapping


def localized(text: Mapping[str, str], language: str) -> str:
    """The text in `language`, else English, else any language (never a silent blank)."""
    if not text:
        return ""
    base = language.split("-")[0].lower()
    for candidate in (base, "en"):
        value = text.get(candidate)
        if value:
            return value
    return next(iter(text.values()))


def is_translated(text: Mapping[str, str], language: str) -> bool:
    return bool(text.get(language.split("-")[0].lower()))
