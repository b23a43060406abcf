"""Read a course folder into typed objects, collecting every problem on the way.

The loader never stops at the first problem: authors fix a course in one pass, so a broken
module does not hide problems in the next one. It only reads files; it never executes
anything from the course folder.
"""

from __future__ import annotations

import glob
from pathlib import Path, PurePosixPath
from typing import TypeVar

from pydantic import BaseModel

from .course import Course, Loaded, LoadedLab, LoadedLesson, LoadedModule, LoadResult
from .diagnostics import Diagnostic, Severity, sort_key
from .model import Capstone, Exam, Lab, Lesson, Microcredential, Module, Quiz
from .shape import field_name, validate_shape
from .yamlsource import YamlDocument, YamlSyntaxError, read_yaml

DESCRIPTION_FILE = "microcredential.yaml"
M = TypeVar("M", bound=BaseModel)


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = root.parent
        self.diagnostics: list[Diagnostic] = []

    def display(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.base))
        except ValueError:
            return str(path)

    def error(
        self,
        path: Path,
        code: str,
        message: str,
        hint: str = "",
        line: int = 1,
        col: int = 1,
        field: str = "",
    ) -> None:
        self.diagnostics.append(
            Diagnostic(self.display(path), line, col, Severity.ERROR, code, message, hint, field)
        )

    def read(
        self,
        file: Path,
        model: type[M],
        what: str,
        referenced_from: tuple[YamlDocument, tuple[str | int, ...]] | None = None,
    ) -> tuple[M, YamlDocument] | None:
        if not file.is_file():
            if referenced_from is not None:
                source, location = referenced_from
                mark = source.mark(location)
                self.diagnostics.append(
                    Diagnostic(
                        source.path,
                        mark.line,
                        mark.col,
                        Severity.ERROR,
                        "MC002",
                        f"{what} file '{self.display(file)}' does not exist",
                        "create it or fix the reference",
                        field_name(location),
                    )
                )
            else:
                self.error(
                    file,
                    "MC002",
                    f"{what} file does not exist",
                    f"create {file.name}; see docs/course-format.md",
                )
            return None
        try:
            document = read_yaml(file, self.display(file))
        except YamlSyntaxError as problem:
            self.error(
                file, "MC001", problem.message, problem.hint, problem.mark.line, problem.mark.col
            )
            return None
        spec, problems = validate_shape(model, document)
        self.diagnostics.extend(problems)
        return None if spec is None else (spec, document)


def load_course(root: Path) -> LoadResult:
    """Load the course folder `root`; problems come back sorted by file and line."""
    root = Path(root)
    reader = _Reader(root)
    if not root.is_dir():
        reader.error(
            root,
            "MC002",
            "course folder does not exist or is not a folder",
            "pass the folder that holds microcredential.yaml",
        )
        return LoadResult(Course(root, None, None), reader.diagnostics)

    loaded = reader.read(root / DESCRIPTION_FILE, Microcredential, "microcredential")
    course = Course(root, loaded[0] if loaded else None, loaded[1] if loaded else None)
    if course.description is not None and course.description_source is not None:
        for index, slug in enumerate(course.description.modules):
            if any(m.slug == slug for m in course.modules):
                continue  # listed twice: reported once by MC141, loaded once
            module = _load_module(
                reader,
                root / "modules" / slug,
                slug,
                (course.description_source, ("modules", index)),
            )
            if module is not None:
                course.modules.append(module)
    _load_labs(reader, course)
    exam = (
        reader.read(root / "exam" / "exam.yaml", Exam, "exam") if (root / "exam").is_dir() else None
    )
    if exam is None and (root / "exam").is_dir():
        course.unloaded.add("exam")
    if exam is not None:
        course.exam = Loaded(exam[0], exam[1], root / "exam")
    capstone = (
        reader.read(root / "capstone" / "capstone.yaml", Capstone, "capstone")
        if (root / "capstone").is_dir()
        else None
    )
    if capstone is None and (root / "capstone").is_dir():
        course.unloaded.add("capstone")
    if capstone is not None:
        course.capstone = Loaded(capstone[0], capstone[1], root / "capstone")
    reader.diagnostics.sort(key=sort_key)
    return LoadResult(course, reader.diagnostics)


def _load_module(
    reader: _Reader,
    folder: Path,
    slug: str,
    referenced_from: tuple[YamlDocument, tuple[str | int, ...]],
) -> LoadedModule | None:
    if not folder.is_dir():
        source, location = referenced_from
        mark = source.mark(location)
        reader.diagnostics.append(
            Diagnostic(
                source.path,
                mark.line,
                mark.col,
                Severity.ERROR,
                "MC002",
                f"module folder '{reader.display(folder)}' does not exist",
                "create the folder with a module.yaml or remove it from 'modules'",
                f"modules[{location[-1]}]",
            )
        )
        return None
    loaded = reader.read(folder / "module.yaml", Module, "module")
    if loaded is None:
        return None
    spec, document = loaded
    module = LoadedModule(slug, spec, document, folder)
    for index, lesson_slug in enumerate(spec.lessons):
        if lesson_slug in spec.lessons[:index]:
            continue
        lesson_folder = folder / "lessons" / lesson_slug
        lesson = reader.read(
            lesson_folder / "lesson.yaml", Lesson, "lesson", (document, ("lessons", index))
        )
        if lesson is not None:
            module.lessons.append(
                LoadedLesson(
                    lesson_slug,
                    lesson[0],
                    lesson[1],
                    lesson_folder,
                    _translations(lesson_folder, lesson[0]),
                )
            )
    if spec.quiz is not None:
        quiz = reader.read(folder / spec.quiz, Quiz, "quiz", (document, ("quiz",)))
        if quiz is not None:
            module.quiz = Loaded(quiz[0], quiz[1], folder)
    return module


def _translations(folder: Path, lesson: Lesson) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for resource in lesson.resources:
        stem, dot, suffix = resource.file.rpartition(".")
        languages = []
        relative = PurePosixPath(stem)
        inside = not relative.is_absolute() and ".." not in relative.parts and "/" not in suffix
        if dot and inside and relative.name:
            name = relative.name
            pattern = f"{glob.escape(name)}.*.{glob.escape(suffix)}"
            for candidate in sorted((folder / relative.parent).glob(pattern)):
                language = candidate.name[len(name) + 1 : -len(suffix) - 1]
                if "." not in language:
                    languages.append(language)
        found[resource.file] = languages
    return found


def _load_labs(reader: _Reader, course: Course) -> None:
    labs_folder = course.root / "labs"
    if not labs_folder.is_dir():
        return
    for folder in sorted(p for p in labs_folder.iterdir() if p.is_dir() and p.name[0] not in "._"):
        loaded = reader.read(folder / "lab.yaml", Lab, "lab")
        if loaded is None:
            course.unloaded.add("labs")
        else:
            course.labs.append(LoadedLab(folder.name, loaded[0], loaded[1], folder))
