"""The course-as-code core: schema, loader, validator and exporters of a microcredential.

PURE core: this package imports no Django and no web app and does no network I/O. It reads
a course folder and returns typed objects and located diagnostics; the Django apps and the
CLI are thin layers over it (enforced by the import-linter contracts in pyproject.toml).
"""

from .course import Course, LoadResult
from .diagnostics import Diagnostic, Severity
from .localize import localized
from .validate import validate_course

__all__ = ["Course", "Diagnostic", "LoadResult", "Severity", "localized", "validate_course"]
