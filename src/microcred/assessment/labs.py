"""The bridge between a stored lab submission and the pure grading core.

`grade(submission)` never raises: whatever happens, it returns a GradeResult-shaped mapping, with
`gradable: false` and whose fault it was (`author` for a broken lab, `system` for an unexpected
failure) when no grade could be produced, so a problem on our side is never a learner's zero.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from microcred.curriculum.models import AssessmentItem
from microcred.grading import LabError, __version__, grade_submission, load_lab

from .models import LabSubmission

log = logging.getLogger(__name__)


def lab_dir(item: AssessmentItem) -> Path:
    return Path(item.programme.source_path) / "labs" / item.slug


def lab_file(item: AssessmentItem, key: str) -> Path | None:
    """A file the lab names (`statement`, `starter`), only from inside the lab's folder."""
    root = lab_dir(item).resolve()
    name = str(item.spec.get(key) or "")
    if not name:
        return None
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def _ungradable(submission: LabSubmission, error_class: str, error: str) -> dict[str, Any]:
    return {
        "lab": submission.item.slug,
        "lab_uuid": str(submission.item.uuid),
        "grader_version": __version__,
        "attempt": submission.attempt,
        "gradable": False,
        "error_class": error_class,
        "error": error,
        "score": 0.0,
        "points": 0.0,
        "max_points": float(submission.item.spec.get("points") or 0),
        "checks": [],
    }


def grade(submission: LabSubmission, learner_key: str) -> dict[str, Any]:
    try:
        lab = load_lab(lab_dir(submission.item))
    except LabError as error:
        log.error("lab %s cannot be loaded: %s", submission.item.slug, error)
        return _ungradable(submission, "author", str(error))
    try:
        result = grade_submission(lab, submission.source, learner_key, submission.attempt)
    except Exception:  # a bug on our side must not leave the submission running for ever
        log.exception("grading submission %s failed", submission.pk)
        return _ungradable(submission, "system", "the grader failed unexpectedly")
    return result.model_dump(mode="json")
