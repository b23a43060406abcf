"""The loaded course: typed objects plus the YAML documents they came from.

Rules need both the objects and the positions of their fields, so each loaded part keeps
its source document. Parts that failed their shape check are absent (None or missing from a
list) and rules skip them; the shape errors were reported already.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from .diagnostics import Diagnostic
from .model import Capstone, ChoiceQuestion, Exam, Lab, Lesson, Microcredential, Module, Quiz
from .yamlsource import YamlDocument

T = TypeVar("T")


@dataclass(slots=True)
class Loaded(Generic[T]):
    spec: T
    source: YamlDocument
    folder: Path


@dataclass(slots=True)
class LoadedLesson:
    slug: str
    spec: Lesson
    source: YamlDocument
    folder: Path
    # resource file -> languages that have a translation (English is the file itself)
    translations: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class LoadedModule:
    slug: str
    spec: Module
    source: YamlDocument
    folder: Path
    lessons: list[LoadedLesson] = field(default_factory=list)
    quiz: Loaded[Quiz] | None = None


@dataclass(slots=True)
class LoadedLab:
    slug: str
    spec: Lab
    source: YamlDocument
    folder: Path


@dataclass(slots=True)
class Course:
    root: Path
    description: Microcredential | None
    description_source: YamlDocument | None
    modules: list[LoadedModule] = field(default_factory=list)
    labs: list[LoadedLab] = field(default_factory=list)
    exam: Loaded[Exam] | None = None
    capstone: Loaded[Capstone] | None = None
    # kinds of assessment item ("labs", "exam", "capstone") whose file failed to load
    unloaded: set[str] = field(default_factory=set)

    def quizzes(self) -> Iterator[Loaded[Quiz]]:
        for module in self.modules:
            if module.quiz is not None:
                yield module.quiz

    def choice_questions(self) -> Iterator[tuple[ChoiceQuestion, YamlDocument, int]]:
        """Every multiple-choice question with its document and index in `items`."""
        for quiz in self.quizzes():
            for index, item in enumerate(quiz.spec.items):
                yield item, quiz.source, index
        if self.exam is not None:
            for index, item in enumerate(self.exam.spec.items):
                yield item, self.exam.source, index


@dataclass(slots=True)
class LoadResult:
    course: Course
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors
