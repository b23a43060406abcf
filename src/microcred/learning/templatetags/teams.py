"""`{% no_course_team user %}`: the empty state of every staff page for an instructor who is in
no course team yet, so the assessment and gradebook pages can show it without importing this
app's queries."""

from __future__ import annotations

from typing import Any

from django import template

from microcred.learning.queries import without_team

register = template.Library()


@register.inclusion_tag("learning/_no_team.html")
def no_course_team(user: Any) -> dict[str, Any]:
    return {"show": without_team(user)}
