"""`{% assessment_panel programme user access %}`: the course's assessments on the outline.

An inclusion tag, so the learning app's outline can show them without importing this app.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from microcred.assessment import queries
from microcred.curriculum import language_of_parts
from microcred.learning.queries import teaches

register = template.Library()


@register.inclusion_tag("assessment/_panel.html")
def assessment_panel(programme: Any, user: Any, access: Any) -> dict[str, Any]:
    enrolment = getattr(access, "enrolment", None)
    preview = bool(getattr(access, "preview", False))
    return {
        "programme": programme,
        "overview": queries.overview(user, programme, None if preview else enrolment),
        "preview": preview,
        "staff": queries.is_staff(user) and teaches(user, programme),
    }


@register.filter(name="percent")
def percent(score: Any) -> str:
    """0.8125 -> '81.3 %' (a score in [0, 1]); empty for no score."""
    if score is None or score == "":
        return ""
    return f"{100 * float(score):.1f} %".replace(".0 %", " %")


@register.filter(name="get")
def get(mapping: Any, key: Any) -> Any:
    """`{{ scores|get:criterion.id }}`: a mapping's value in templates."""
    if isinstance(mapping, dict):
        return mapping.get(str(key))
    return None


def _markdown(text: Any) -> tuple[SafeString, bool]:
    """Rendered, cleaned HTML and whether it is inline (a single paragraph loses its <p>)."""
    from microcred.learning.content import render_markdown

    html = render_markdown(str(text or "")).strip()
    inline = html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1
    if inline:
        html = html[3:-4]
    return mark_safe(html), inline  # noqa: S308 - nh3-cleaned by render_markdown


@register.filter(name="md")
def md(text: Any) -> SafeString:
    """Course text (already localized) as safe HTML: Markdown, maths kept for KaTeX, cleaned
    by the lesson renderer's allow-list. A single paragraph loses its <p> to sit inline."""
    return _markdown(text)[0]


@register.filter(name="loc_md")
def loc_md(text: Any) -> SafeString:
    """A localized text as `md`, in a `span` (inline) or `div` carrying its language when that
    is not the page's: an English stem on a French page is read with English rules."""
    value, language = language_of_parts.shown(text)
    html, inline = _markdown(value)
    return language_of_parts.wrap(html, language, block=not inline)
