"""No traceback, ever: whatever is in the course folder, the validator returns diagnostics.

Authors type YAML by hand and the web uploads course folders, so a course that crashes the
validator is a course nobody can fix. These tests feed garbage, random text, random
mutations of a valid description and odd folder layouts, and only ask that the validator
answers with well-formed, located diagnostics instead of raising.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import signal
import string
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_helpers import MINIMAL, CourseBuilder, located

from microcred.curriculum.spec import LoadResult, Severity, validate_course

MC = "microcredential.yaml"
LESSON = "modules/01-first-steps/lessons/01-what-is-learning/lesson.yaml"
YAML_FILES = [
    MC,
    "modules/01-first-steps/module.yaml",
    "modules/01-first-steps/quiz.yaml",
    LESSON,
    "labs/01-mean-baseline/lab.yaml",
    "exam/exam.yaml",
    "capstone/capstone.yaml",
]
CODE = re.compile(r"^MC\d{3}$")
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_well_formed(result: LoadResult, course_name: str) -> None:
    """Every diagnostic is located, coded, printable and serialisable."""
    assert isinstance(result, LoadResult)
    for diagnostic in result.diagnostics:
        assert CODE.match(diagnostic.code), diagnostic
        assert diagnostic.severity in (Severity.ERROR, Severity.WARNING)
        assert diagnostic.line >= 1
        assert diagnostic.col >= 1
        assert diagnostic.path.startswith(course_name), diagnostic
        assert diagnostic.message
        assert diagnostic.format().startswith(f"{diagnostic.path}:{diagnostic.line}:")
        json.dumps(diagnostic.as_dict())
    assert result.ok == (not result.errors)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail fast instead of hanging the suite when the validator blows up on its input."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"validation took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> CourseBuilder:
    """One copy of the minimal course shared by the examples of a property test.

    Each example overwrites one file; `restore()` puts the original back afterwards.
    """
    return CourseBuilder(MINIMAL, tmp_path_factory.mktemp("fuzz"))


def restore(course: CourseBuilder, relative: str) -> None:
    shutil.copyfile(MINIMAL / relative, course.path(relative))


def validate_with(course: CourseBuilder, relative: str, content: str | bytes) -> LoadResult:
    try:
        if isinstance(content, bytes):
            course.write_bytes(relative, content)
        else:
            course.write(relative, content)
        with time_limit(5):
            result = course.validate()
    finally:
        restore(course, relative)
    assert_well_formed(result, course.name)
    return result


# --- explicit garbage -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("", "MC003"),
        ("# only a comment\n", "MC003"),
        ("~\n", "MC003"),
        ("- a list\n- at the top level\n", "MC003"),
        ("just a sentence\n", "MC003"),
        ("42\n", "MC003"),
        ("key: [unclosed\n", "MC001"),
        ("\tkey: tab indented\n", "MC001"),
        ("a: 1\na: 2\n", "MC001"),
        ("? [a, b]\n: complex key\n", "MC001"),
        ("a: \x00\n", "MC001"),
        ("--- a\n--- b\n", "MC001"),
    ],
)
def test_garbage_description_gives_a_diagnostic(
    course: CourseBuilder, content: str, code: str
) -> None:
    course.write(MC, content)
    result = course.validate()
    assert_well_formed(result, course.name)
    assert [d.code for d in result.diagnostics if d.path.endswith(MC)] == [code]
    assert not result.ok


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe\x00\x00garbage",
        bytes(range(256)),
        b"title: caf\xe9\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    ],
)
def test_binary_garbage_gives_mc001(course: CourseBuilder, data: bytes) -> None:
    course.write_bytes(MC, data)
    result = course.validate()
    assert_well_formed(result, course.name)
    assert located(result) == [("MC001", "error", course.display(MC), 1, 1, "")]


# YAML that parses but whose scalars cannot be constructed: PyYAML raises ValueError,
# KeyError or AttributeError (not YAMLError) for these, and recursion for a self-alias.
UNCONSTRUCTIBLE = {
    "impossible date": "end_date: 2027-02-30",
    "impossible date as a key": "2027-02-30: x",
    "impossible datetime": "end_date: 2027-13-01 10:00:00",
    "explicit int tag": "eqf: !!int seven",
    "explicit float tag": "hours: !!float many",
    "explicit bool tag": "certificate: !!bool maybe",
    "explicit timestamp tag": "start_date: !!timestamp soon",
    "recursive alias": "modules: &loop [*loop]",
}


@pytest.mark.parametrize("line", UNCONSTRUCTIBLE.values(), ids=list(UNCONSTRUCTIBLE))
def test_unconstructible_scalar_is_reported_not_raised(course: CourseBuilder, line: str) -> None:
    course.insert_after(MC, "id: minimal", line + "\n")
    result = course.validate()
    assert_well_formed(result, course.name)
    number = course.line(MC, line)
    problems = [(d.code, d.line) for d in result.diagnostics]
    assert ("MC001", number) in problems, problems


def test_deeply_nested_yaml_is_reported_not_raised(course: CourseBuilder) -> None:
    course.write(MC, "modules: " + "[" * 1000 + "]" * 1000 + "\n")
    result = course.validate()
    assert_well_formed(result, course.name)
    assert not result.ok


def test_alias_bomb_does_not_hang_the_validator(course: CourseBuilder) -> None:
    """A "billion laughs" document: ten aliases of ten aliases... must not expand forever."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]
    course.write(MC, "\n".join(lines) + "\n")
    with time_limit(2):
        result = course.validate()
    assert_well_formed(result, course.name)
    assert not result.ok


@pytest.mark.parametrize(
    ("file", "code"),
    [("/etc/notes.md", "MC144"), ("notes**.md", "MC002"), ("../../../notes.md", "MC144")],
)
def test_odd_resource_paths_are_reported_not_raised(
    course: CourseBuilder, file: str, code: str
) -> None:
    course.replace(LESSON, "file: notes.md", f"file: '{file}'")
    result = course.validate()
    assert_well_formed(result, course.name)
    assert [(d.code, d.field) for d in result.diagnostics] == [(code, "resources[0].file")]


# --- odd folder layouts ----------------------------------------------------------------------


def test_missing_course_folder(tmp_path: Path) -> None:
    result = validate_course(tmp_path / "no-such-course")
    assert_well_formed(result, "no-such-course")
    assert located(result) == [("MC002", "error", "no-such-course", 1, 1, "")]
    assert result.course.description is None


def test_course_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text("format_version: 1\n", encoding="utf-8")
    result = validate_course(tmp_path / "course.yaml")
    assert_well_formed(result, "course.yaml")
    assert [d.code for d in result.diagnostics] == ["MC002"]


def test_empty_course_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = validate_course(tmp_path / "empty")
    assert located(result) == [("MC002", "error", "empty/microcredential.yaml", 1, 1, "")]


def test_description_that_is_a_folder(course: CourseBuilder) -> None:
    course.remove(MC)
    course.path(MC).mkdir()
    result = course.validate()
    assert_well_formed(result, course.name)
    assert located(result) == [("MC002", "error", course.display(MC), 1, 1, "")]


def test_module_folder_that_is_a_file(course: CourseBuilder) -> None:
    course.remove("modules/01-first-steps")
    course.write("modules/01-first-steps", "not a folder\n")
    result = course.validate()
    assert_well_formed(result, course.name)
    assert [(d.code, d.field) for d in result.diagnostics] == [("MC002", "modules[0]")]


def test_lesson_yaml_that_is_a_folder(course: CourseBuilder) -> None:
    course.remove(LESSON)
    course.path(LESSON).mkdir()
    result = course.validate()
    assert_well_formed(result, course.name)
    assert [d.code for d in result.diagnostics] == ["MC002"]


def test_lab_file_that_is_a_folder(course: CourseBuilder) -> None:
    course.remove("labs/01-mean-baseline/solution.py")
    course.path("labs/01-mean-baseline/solution.py").mkdir()
    result = course.validate()
    assert_well_formed(result, course.name)
    assert [(d.code, d.field) for d in result.diagnostics] == [("MC002", "solution")]


@pytest.mark.parametrize("folder", ["labs", "exam", "capstone"])
def test_part_folder_that_is_a_file(course: CourseBuilder, folder: str) -> None:
    course.remove(folder)
    course.write(folder, "not a folder\n")
    result = course.validate()
    assert_well_formed(result, course.name)
    assert not result.ok  # its assessment component has no item any more


def test_a_part_that_fails_to_load_is_not_reported_twice(course: CourseBuilder) -> None:
    """A lab with a typo is one problem; its component is not also "without any item"."""
    course.insert_after("labs/01-mean-baseline/lab.yaml", "solution: solution.py", "colour: x\n")
    assert [d[0] for d in course.located()] == ["MC004"]


# --- property-based: random text, random bytes, random mutations ------------------------------


@FUZZ
@given(text=st.text(max_size=300), file=st.sampled_from(YAML_FILES))
def test_random_text_never_raises(scratch: CourseBuilder, text: str, file: str) -> None:
    validate_with(scratch, file, text)


@FUZZ
@given(data=st.binary(max_size=300), file=st.sampled_from(YAML_FILES))
def test_random_bytes_never_raise(scratch: CourseBuilder, data: bytes, file: str) -> None:
    validate_with(scratch, file, data)


YAML_SNIPPETS = [
    "",
    "~",
    "null",
    "true",
    "no",
    "0",
    "-1",
    "1e400",
    ".nan",
    "-.inf",
    "0x1F",
    "0o17",
    "2027-02-01",
    "2027-02-30",
    "2027-02-01 10:00:00",
    "''",
    '""',
    "[]",
    "{}",
    "[1, [2, [3]]]",
    "{a: {b: {c: d}}}",
    "!!int seven",
    "!!float x",
    "!!bool maybe",
    "!!timestamp soon",
    "!!binary AAAA",
    "!!str 1",
    "!!python/object:os.system ls",
    "&anchor value",
    "*anchor",
    "&self [*self]",
    "? complex",
    "- item",
    "key: value",
    "'unclosed",
    '"unclosed',
    "[unclosed",
    "{unclosed",
    "|\n  block",
    ">\n  folded",
    "@reserved",
    "`reserved",
    "%",
    "---",
    "...",
    "\t",
    "é",
    "日本語",
    "\u2028",
    "http://data.europa.eu/esco/skill/" + "0" * 8,
]
KEYS = [
    "uuid",
    "id",
    "title",
    "en",
    "eqf",
    "modules",
    "hours",
    "weight",
    "components",
    "x",
    "learning_outcomes",
    "esco_skills",
    "uri",
    "label",
    "correct",
    "kind",
    "1",
    "~",
    "?",
]


@st.composite
def mutated_text(draw: st.DrawFn, original: str) -> str:
    lines = original.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, max(len(lines) - 1, 0)))
        action = draw(
            st.sampled_from(
                ["delete", "duplicate", "insert", "replace-value", "indent", "dedent", "truncate"]
            )
        )
        if not lines:
            lines = [""]
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "insert":
            indent = " " * draw(st.integers(0, 8))
            key = draw(st.sampled_from(KEYS))
            value = draw(st.sampled_from(YAML_SNIPPETS) | st.text(string.printable, max_size=12))
            lines.insert(index, f"{indent}{key}: {value}")
        elif action == "replace-value":
            head, colon, _ = lines[index].partition(": ")
            value = draw(st.sampled_from(YAML_SNIPPETS))
            lines[index] = f"{head}{colon or ': '}{value}"
        elif action == "indent":
            lines[index] = "  " + lines[index]
        elif action == "dedent":
            lines[index] = lines[index][2:]
        else:
            lines = lines[:index]
    return "\n".join(lines) + "\n"


@FUZZ
@given(data=st.data(), file=st.sampled_from(YAML_FILES))
def test_text_mutations_of_valid_files_never_raise(
    scratch: CourseBuilder, data: st.DataObject, file: str
) -> None:
    original = (MINIMAL / file).read_text(encoding="utf-8")
    validate_with(scratch, file, data.draw(mutated_text(original)))


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats()
    | st.text(max_size=20)
    | st.dates()
    | st.sampled_from(["en", "LO1", "on-completion", ""])
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _mutate(document: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    if not path:
        return value if action == "replace" else document
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = value
    elif isinstance(parent, dict):
        parent[f"extra_{len(parent)}"] = value
    else:
        parent.insert(last, value)
    return document


@st.composite
def mutated_document(draw: st.DrawFn, original: Any) -> Any:
    document = yaml.safe_load(yaml.safe_dump(original))
    for _ in range(draw(st.integers(1, 5))):
        paths = list(_paths(document))
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["delete", "replace", "insert"]))
        document = _mutate(document, path, action, draw(VALUES))
        if not isinstance(document, dict | list):
            break
    return document


def _dump(document: Any) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


@FUZZ
@given(data=st.data(), file=st.sampled_from(YAML_FILES))
def test_structural_mutations_of_valid_files_never_raise(
    scratch: CourseBuilder, data: st.DataObject, file: str
) -> None:
    original = yaml.safe_load((MINIMAL / file).read_text(encoding="utf-8"))
    document = data.draw(mutated_document(original))
    validate_with(scratch, file, _dump(document))


@pytest.mark.parametrize("file", YAML_FILES)
def test_structural_mutations_start_from_a_valid_course(scratch: CourseBuilder, file: str) -> None:
    """The fuzzer's own plumbing: an unmutated file dumped again is still valid."""
    original = yaml.safe_load((MINIMAL / file).read_text(encoding="utf-8"))
    assert validate_with(scratch, file, _dump(original)).diagnostics == []
    assert ("uuid",) in set(_paths(original))


def test_dates_survive_the_round_trip() -> None:
    original = yaml.safe_load((MINIMAL / MC).read_text(encoding="utf-8"))
    assert isinstance(original["offering"]["start_date"], dt.date)
