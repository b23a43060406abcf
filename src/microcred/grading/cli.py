"""``microcred grade LAB_DIR SUBMISSION.py``: grade from the shell, for authors and CI.

Exit status is for scripts: 0 graded (whatever the score), 1 not gradable, 2 usage.
Every failure prints a single line; a traceback would be useless to a learner.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from microcred.grading.grader import grade_submission
from microcred.grading.lab import LabError, load_lab


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="microcred grade", description="Grade one submission for a lab.")
    parser.add_argument("lab_dir", help="lab folder containing lab.yaml")
    parser.add_argument("submission", help="the learner's Python file")
    parser.add_argument("--learner", default="anonymous", help="learner id (seeds inputs)")
    parser.add_argument("--attempt", type=int, default=1, help="attempt number (seeds inputs)")
    parser.add_argument("--json", action="store_true", help="print the GradeResult as JSON")
    return parser


def main(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
    except _UsageError as exc:
        print(f"microcred grade: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return 0 if exc.code in (0, None) else 2
    if args.attempt < 1:
        print("microcred grade: error: --attempt must be at least 1", file=sys.stderr)
        return 2
    submission = Path(args.submission)
    if not submission.is_file():
        print(f"microcred grade: error: no such file: {submission}", file=sys.stderr)
        return 2
    if not Path(args.lab_dir).is_dir():
        print(f"microcred grade: error: no such lab folder: {args.lab_dir}", file=sys.stderr)
        return 2
    try:
        lab = load_lab(args.lab_dir)
    except LabError as exc:
        print(f"microcred grade: broken lab: {exc}", file=sys.stderr)
        return 1
    try:
        source = submission.read_bytes()
    except OSError as exc:
        print(f"microcred grade: error: cannot read {submission}: {exc.strerror}", file=sys.stderr)
        return 2
    result = grade_submission(lab, source, args.learner, args.attempt)
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        print(result.to_text())
    if not result.gradable:
        if not args.json:
            print(f"microcred grade: not graded: {result.error}", file=sys.stderr)
        return 1
    return 0
