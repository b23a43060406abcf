"""The MACHINA bar for every learning unit, checked on the shipped course.

Per module: 3-6 lessons with notes of at least 800 words and slides, 10 Q&A, 2 case studies,
2 practical exercises and 15 multiple-choice questions aligned to outcomes; an exam pool of
at least 60 questions covering every outcome; module 1 complete in five more languages.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from microcred.curriculum.spec import LoadResult, validate_course
from microcred.curriculum.spec.codes import PLATFORM_LANGUAGES

COURSE = Path(__file__).parents[2] / "courses" / "applied-ml-dl"
TRANSLATED = [code for code in PLATFORM_LANGUAGES if code != "en"]


@pytest.fixture(scope="module")
def loaded() -> LoadResult:
    result = validate_course(COURSE)
    assert result.ok
    return result


def count(pattern: str, file: Path) -> int:
    return len(re.findall(pattern, file.read_text(encoding="utf-8"), re.MULTILINE))


def test_every_module_meets_the_resource_bar(loaded: LoadResult) -> None:
    assert len(loaded.course.modules) == 6
    for module in loaded.course.modules:
        assert 3 <= len(module.lessons) <= 6, module.slug
        kinds = {resource.kind: resource.file for resource in module.spec.resources}
        assert count(r"^## Q\d+\.", module.folder / kinds["qa"]) == 10, module.slug
        assert count(r"^## Case study", module.folder / kinds["case-studies"]) == 2
        assert count(r"^## Exercise", module.folder / kinds["exercises"]) == 2
        assert module.quiz is not None, module.slug
        assert len(module.quiz.spec.items) == 15, module.slug
        for lesson in module.lessons:
            files = {resource.kind: resource.file for resource in lesson.spec.resources}
            assert lesson.spec.status == "published", lesson.slug
            assert {"notes", "slides"} <= set(files), lesson.slug
            words = len((lesson.folder / files["notes"]).read_text(encoding="utf-8").split())
            assert words >= 800, (lesson.slug, words)


def test_exam_pool_covers_every_outcome(loaded: LoadResult) -> None:
    exam = loaded.course.exam
    assert exam is not None
    assert len(exam.spec.items) >= 60
    per_outcome = Counter(outcome for item in exam.spec.items for outcome in item.outcomes)
    assert loaded.course.description is not None
    for outcome in loaded.course.description.learning_outcomes:
        assert per_outcome[outcome.id] >= 10, outcome.id


def test_module_one_is_complete_in_every_platform_language(loaded: LoadResult) -> None:
    module = loaded.course.modules[0]
    for language in TRANSLATED:
        assert module.spec.title.get(language), language
        assert module.spec.summary.get(language), language
        for resource in module.spec.resources:
            stem, _, suffix = resource.file.rpartition(".")
            assert (module.folder / f"{stem}.{language}.{suffix}").is_file(), resource.file
        for lesson in module.lessons:
            assert lesson.spec.title.get(language), (lesson.slug, language)
            for resource in ("notes", "slides"):
                translated = lesson.folder / f"{resource}.{language}.md"
                assert translated.is_file(), translated
        assert module.quiz is not None
        for item in module.quiz.spec.items:
            assert item.stem.get(language), item.id
            assert item.explanation.get(language), item.id
            assert all(option.text.get(language) for option in item.options), item.id


def test_literature_list_names_the_seed_textbooks() -> None:
    literature = (COURSE / "LITERATURE.md").read_text(encoding="utf-8")
    for author in ("Goodfellow", "Huyen", "Gift", "Géron", "Bishop", "Murphy", "Mitchell"):
        assert author in literature, author
