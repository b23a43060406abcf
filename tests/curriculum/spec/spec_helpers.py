"""Helpers for the course-format tests: copy a fixture course, edit it, validate it.

A rule test reads as "take the minimal course, change one thing, expect one located
diagnostic". `CourseBuilder` copies `fixtures/<name>/` into the test's temporary folder so
every test edits its own copy, and `at()` finds the expected position by the text the author
sees rather than by a hard-coded line number, so the tests stay correct when a fixture grows
and still fail when the validator reports a problem on the wrong line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from microcred.curriculum.spec import LoadResult, validate_course

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
SEED_CERTIFICATE = FIXTURES / "seed-certificate"

# (code, severity, path, line, col, field) - everything a diagnostic says about *where*.
Located = tuple[str, str, str, int, int, str]


class CourseBuilder:
    """A private, editable copy of a fixture course."""

    def __init__(self, source: Path, parent: Path) -> None:
        self.root = parent / source.name
        shutil.copytree(source, self.root)
        self.name = source.name

    # --- reading -----------------------------------------------------------------------
    def path(self, relative: str) -> Path:
        return self.root / relative

    def text(self, relative: str) -> str:
        return self.path(relative).read_text(encoding="utf-8")

    def display(self, relative: str) -> str:
        """The path as diagnostics print it: relative to the course folder's parent."""
        return f"{self.name}/{relative}"

    def line(self, relative: str, needle: str) -> int:
        """The 1-based number of the only line of `relative` that contains `needle`."""
        hits = [
            number
            for number, line in enumerate(self.text(relative).splitlines(), 1)
            if needle in line
        ]
        assert len(hits) == 1, f"{needle!r} is on lines {hits} of {relative}, expected one"
        return hits[0]

    def at(self, relative: str, needle: str, token: str | None = None) -> tuple[str, int, int]:
        """(path, line, col) of `token` (default: `needle` itself) on the line of `needle`."""
        number = self.line(relative, needle)
        line = self.text(relative).splitlines()[number - 1]
        column = line.find(token if token is not None else needle)
        assert column >= 0, f"{token!r} is not on line {number} of {relative}: {line!r}"
        return self.display(relative), number, column + 1

    # --- editing -----------------------------------------------------------------------
    def replace(self, relative: str, old: str, new: str, count: int = 1) -> CourseBuilder:
        """Replace `old` (which must occur exactly `count` times) by `new`."""
        text = self.text(relative)
        found = text.count(old)
        assert found == count, f"{old!r} occurs {found} times in {relative}, expected {count}"
        self.write(relative, text.replace(old, new))
        return self

    def insert_after(self, relative: str, needle: str, lines: str) -> CourseBuilder:
        """Insert `lines` (newline-terminated) after the only line that contains `needle`."""
        number = self.line(relative, needle)
        text = self.text(relative).splitlines(keepends=True)
        text.insert(number, lines)
        self.write(relative, "".join(text))
        return self

    def write(self, relative: str, text: str) -> CourseBuilder:
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return self

    def write_bytes(self, relative: str, data: bytes) -> CourseBuilder:
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return self

    def remove(self, relative: str) -> CourseBuilder:
        target = self.path(relative)
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
        return self

    def copy(self, source: str, destination: str) -> CourseBuilder:
        origin, target = self.path(source), self.path(destination)
        if origin.is_dir():
            shutil.copytree(origin, target)
        else:
            shutil.copyfile(origin, target)
        return self

    # --- validating --------------------------------------------------------------------
    def validate(self) -> LoadResult:
        return validate_course(self.root)

    def located(self) -> list[Located]:
        """Every diagnostic of the course as (code, severity, path, line, col, field)."""
        return located(self.validate())


def located(result: LoadResult) -> list[Located]:
    return [(d.code, str(d.severity), d.path, d.line, d.col, d.field) for d in result.diagnostics]
