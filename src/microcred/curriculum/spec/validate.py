"""Load a course folder and run every rule: the one entry point the CLI and web use."""

from __future__ import annotations

from pathlib import Path

from .course import LoadResult
from .diagnostics import sort_key
from .loader import load_course
from .rules import run_rules


def validate_course(root: Path | str) -> LoadResult:
    """All problems of a course at once, errors and warnings, sorted by file and line."""
    result = load_course(Path(root))
    result.diagnostics.extend(run_rules(result.course))
    result.diagnostics.sort(key=sort_key)
    return result
