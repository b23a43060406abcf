"""Sandboxed, tamper-proof auto-grading of programming labs.

RULE: this package is a pure core. It must not import Django (or anything under
``microcred.web``) and performs no network I/O; learner code runs only inside the
bubblewrap sandbox started by :mod:`microcred.grading.sandbox`, never in this process.

Public API: :func:`load_lab`, :func:`grade_submission`, :class:`GradeResult`.
"""

from __future__ import annotations

__version__ = "1.0.0"

from microcred.grading.grader import derive_seed, grade_submission
from microcred.grading.lab import Lab, LabError, load_lab
from microcred.grading.result import CheckResult, GradeResult
from microcred.grading.sandbox import SandboxUnavailableError

__all__ = [
    "CheckResult",
    "GradeResult",
    "Lab",
    "LabError",
    "SandboxUnavailableError",
    "__version__",
    "derive_seed",
    "grade_submission",
    "load_lab",
]
