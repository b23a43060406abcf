"""Every Python snippet in the shipped lessons runs: learners copy them, so they must work."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

COURSE = Path(__file__).parents[2] / "courses" / "applied-ml-dl"
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)


def snippets() -> list[tuple[str, str]]:
    found = []
    files = [*COURSE.glob("modules/*/*.md"), *COURSE.glob("modules/*/lessons/*/*.md")]
    for notes in sorted(files):
        for index, match in enumerate(FENCE.finditer(notes.read_text(encoding="utf-8"))):
            found.append((f"{notes.relative_to(COURSE)}#{index + 1}", match.group(1)))
    return found


SNIPPETS = snippets()


def test_lessons_contain_snippets() -> None:
    assert len(SNIPPETS) >= 6


@pytest.mark.parametrize(("where", "code"), SNIPPETS, ids=[w for w, _ in SNIPPETS])
def test_snippet_runs(where: str, code: str, tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-I", "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, f"{where} failed:\n{completed.stderr[-2000:]}"
    assert completed.stdout.strip(), f"{where} printed nothing"
