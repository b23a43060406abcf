"""Exporters: the course description as Open Badges 3.0, ELM and schema.org JSON-LD."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..course import Course
from .elm import export_elm
from .ob3 import export_ob3_achievement
from .schemaorg import export_schemaorg

Exporter = Callable[[Course], dict[str, Any]]

EXPORTERS: dict[str, Exporter] = {
    "ob3-achievement": export_ob3_achievement,
    "elm": export_elm,
    "schemaorg": export_schemaorg,
}

__all__ = ["EXPORTERS", "export_elm", "export_ob3_achievement", "export_schemaorg"]
