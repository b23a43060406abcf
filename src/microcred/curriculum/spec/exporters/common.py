"""Helpers shared by the exporters: stable identifiers and controlled-vocabulary lookups."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ..course import Course
from ..localize import localized
from ..model import Microcredential


def urn(value: UUID) -> str:
    return f"urn:uuid:{value}"


def description_of(course: Course) -> Microcredential:
    if course.description is None:
        raise ValueError("the course description did not load; validate the course first")
    return course.description


def en(text: dict[str, str]) -> str:
    return localized(text, "en")


def language_map(text: dict[str, str]) -> dict[str, str]:
    """A JSON-LD language map with only the languages that have text."""
    return {language: value for language, value in text.items() if value}


def esco_skills(course: Course) -> list[tuple[str, str]]:
    """(uri, label) of every ESCO skill the outcomes map to, first mention first."""
    seen: dict[str, str] = {}
    for outcome in description_of(course).learning_outcomes:
        for skill in outcome.esco_skills:
            seen.setdefault(skill.uri, skill.label)
    return list(seen.items())


def criteria_narrative(course: Course) -> str:
    spec = description_of(course)
    lines = ["Learners who earn this microcredential are able to:", ""]
    lines += [f"- **{o.id}** {en(o.text)}" for o in spec.learning_outcomes]
    lines += ["", "Assessment:", ""]
    lines += [f"- {en(c.title)}: {c.weight:g} %" for c in spec.assessment.components]
    rule = spec.assessment.pass_rule
    lines += [
        "",
        f"A weighted final grade of at least {rule.minimum_total_percent:g} % is required"
        + (
            f", with at least {rule.minimum_component_percent:g} % in every component."
            if rule.minimum_component_percent
            else "."
        ),
    ]
    return "\n".join(lines)


def prune(value: Any) -> Any:
    """Drop empty strings, lists and mappings so exports carry no blank claims."""
    if isinstance(value, dict):
        pruned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ("", [], {}, None)}
    if isinstance(value, list):
        return [prune(v) for v in value if v not in ("", [], {}, None)]
    return value
