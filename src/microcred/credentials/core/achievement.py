"""The course's Open Badges 3.0 Achievement, shared by the course export and every credential.

The curriculum exporter (``microcred.curriculum.spec.exporters.ob3``) is the one place that
maps a ``Microcredential`` description onto an OB 3.0 ``Achievement`` with the ``annexI``
extension. Credentials embed exactly that object, so the public course page's export and
the learner's badge never drift apart; this module only adapts it to a description without
a loaded course folder and makes its JSON numbers portable (see ``portable_numbers``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from microcred.curriculum.spec.course import Course
from microcred.curriculum.spec.exporters.annex import ANNEX_I_CONTEXT_URL
from microcred.curriculum.spec.exporters.common import urn
from microcred.curriculum.spec.exporters.ob3 import OB3_CONTEXTS, export_ob3_achievement
from microcred.curriculum.spec.model import Microcredential

__all__ = [
    "ANNEX_I_CONTEXT_URL",
    "OB3_CONTEXTS",
    "achievement_for",
    "final_grade_result_id",
    "portable_numbers",
    "result_description_id",
]


def course_of(description: Microcredential) -> Course:
    """A ``Course`` holding only the description: all the exporters read from it."""
    return Course(root=Path(), description=description, description_source=None)


def achievement_for(description: Microcredential) -> dict[str, Any]:
    """The OB 3.0 Achievement of ``description``, ready to embed (no ``@context`` of its own)."""
    achievement = export_ob3_achievement(course_of(description))
    achievement.pop("@context", None)
    result: dict[str, Any] = portable_numbers(achievement)
    return result


def result_description_id(description: Microcredential, component_id: str) -> str:
    """The id of a component's ``ResultDescription`` in the Achievement."""
    for component in description.assessment.components:
        if component.id == component_id:
            return urn(component.uuid)
    raise KeyError(component_id)


def final_grade_result_id(description: Microcredential) -> str:
    return urn(description.uuid) + ":final-grade"


def portable_numbers(value: Any) -> Any:
    """Write whole-valued floats as integers (``6.0`` -> ``6``).

    JSON-LD turns numbers into RDF literals, and implementations disagree about ``6.0``:
    Python's pyld sees a float and writes ``"6.0E0"``, JavaScript (jsonld.js) cannot tell
    ``6.0`` from ``6`` and writes ``"6"``. The canonical form, and so the signature, would then
    differ between verifiers. Integers and non-integral floats agree in both, so credentials
    are signed only with those.
    """
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {key: portable_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [portable_numbers(item) for item in value]
    return value
