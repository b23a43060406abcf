"""`microcred course team DIR list|add|remove [USERNAME]`: the course is named by its folder, as
for `course validate/export/sync`; refusals exit 1 with the reason, usage errors exit 2."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from microcred.accounts.models import User
from microcred.cli import main
from microcred.curriculum.services import sync_course
from microcred.learning.models import TeamEvent
from microcred.learning.queries import teaches

pytestmark = pytest.mark.django_db

MINIMAL = Path(__file__).parent / "curriculum" / "spec" / "fixtures" / "minimal"


@pytest.fixture
def instance(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.DATA_DIR = tmp_path / "var"
    settings.STATIC_ROOT = tmp_path / "var" / "static"
    settings.MEDIA_ROOT = tmp_path / "var" / "uploads"
    monkeypatch.setenv("USER", "alice")
    return tmp_path


@pytest.fixture
def course(instance: Path) -> Path:
    """A synced copy under another folder name: the course is found by its UUID."""
    folder = instance / "renamed-course-folder"
    shutil.copytree(MINIMAL, folder)
    sync_course(folder)
    return folder


def make(username: str, role: str) -> User:
    return User.objects.create(username=username, email=f"{username}@example.org", role=role)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["course", "team", *argv])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_add_list_and_remove(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ines = make("ines", User.Role.INSTRUCTOR)
    make("bruno", User.Role.INSTRUCTOR)
    assert run(capsys, str(course), "add", "ines") == (
        0,
        "ines is now in the team of minimal\n",
        "",
    )
    assert run(capsys, str(course), "add", "bruno")[0] == 0
    code, out, err = run(capsys, str(course), "list")
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == ["bruno", "ines"]
    assert err == "2 instructor(s) in the team of minimal\n"
    assert run(capsys, str(course), "remove", "ines") == (
        0,
        "ines is no longer in the team of minimal\n",
        "",
    )
    assert not teaches(ines, course_programme())
    assert list(TeamEvent.objects.filter(instructor=ines).values_list("action", "actor")) == [
        ("added", "cli:alice"),
        ("removed", "cli:alice"),
    ]


def course_programme() -> Any:
    from microcred.curriculum.models import Programme

    return Programme.objects.get(slug="minimal")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "nobody"], "error: There is no account with the username nobody.\n"),
        (
            ["add", "ada"],
            "error: ada is not an instructor (their role is Learner): only instructors join a "
            "course team.\n",
        ),
        (["remove", "ines"], "error: ines is not in the team of this course.\n"),
    ],
)
def test_refusals_exit_1_with_the_reason(
    course: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    make("ada", User.Role.LEARNER)
    make("ines", User.Role.INSTRUCTOR)
    assert run(capsys, str(course), *argv) == (1, "", message)
    assert not TeamEvent.objects.exists()


def test_a_course_that_is_not_synced_or_not_a_course(
    instance: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, str(MINIMAL), "list")
    assert (code, out) == (1, "")
    assert (
        err
        == f"error: the course in {MINIMAL} is not synced yet (microcred course sync {MINIMAL})\n"
    )
    code, out, err = run(capsys, str(instance / "missing"), "list")
    assert (code, out) == (1, "")
    assert "course folder does not exist" in err
    assert err.endswith("has no readable microcredential.yaml\n")


@pytest.mark.parametrize(
    "argv",
    [[], ["DIR"], ["DIR", "add"], ["DIR", "promote", "ines"], ["DIR", "list", "extra"]],
)
def test_usage_errors_exit_2(
    instance: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("usage: microcred")
    assert "Traceback" not in err
