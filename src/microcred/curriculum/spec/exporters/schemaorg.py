from __future__ import annotations

from typing import Any

from ..course import Course


def export_schemaorg(course: Course) -> dict[str, Any]:
    raise NotImplementedError
