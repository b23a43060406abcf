"""Lesson Markdown becomes safe HTML: no raw HTML, no script URLs, maths kept for KaTeX,
code highlighted on the server, and `notes.<lang>.md` chosen when it exists."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from microcred.curriculum.models import Lesson
from microcred.learning import content

from .conftest import MATHS_NOTES

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    """Every element of a fragment with its attributes: what a browser would build."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def test_raw_html_and_script_urls_never_survive() -> None:
    html = content.render_markdown(MATHS_NOTES)
    assert "<script" not in html
    assert "&lt;script&gt;" in html  # shown as text, harmlessly
    assert "javascript:" not in html.replace("[click me](javascript:alert(1))", "")
    assert '<a href="https://example.org/" rel="noopener noreferrer nofollow">' in html


def test_maths_is_kept_verbatim_for_katex() -> None:
    html = content.render_markdown(MATHS_NOTES)
    assert (
        '<span class="math inline">\\mathcal{L} = \\frac{1}{n}\\sum_i (y_i - \\hat{y}_i)^2</span>'
        in html
    )
    assert '<div class="math block">\n\\nabla_\\theta \\mathcal{L} = 0\n</div>' in html
    assert "<em>" in html  # the *n* outside the maths is still Markdown


def test_code_is_highlighted_by_pygments() -> None:
    html = content.render_markdown(MATHS_NOTES)
    assert '<pre><code class="language-python"><span class="k">def</span>' in html


def test_unknown_languages_are_escaped_not_highlighted() -> None:
    html = content.render_markdown("```nosuchlang\n<b>x</b>\n```\n")
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>" not in html


@pytest.mark.parametrize(
    "dangerous",
    [
        '<img src="x" onerror="alert(1)">',
        '<a href="#" onclick="alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        "<style>body{display:none}</style>",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "![x](javascript:alert(1))",
    ],
)
def test_dangerous_markup_is_neutralised(dangerous: str) -> None:
    elements = Elements()
    elements.feed(content.render_markdown(dangerous))
    for tag, attributes in elements.found:
        assert tag not in {"script", "iframe", "style", "img"} or not attributes.get("onerror")
        assert tag not in {"script", "iframe", "style"}
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
        for name in ("href", "src"):
            value = (attributes.get(name) or "").lower()
            assert not value.startswith(("javascript:", "data:")), (tag, attributes)


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ('<img src="x.png" onerror="alert(1)">', '<img src="x.png">'),
        (
            '<a href="javascript:alert(1)" onclick="x()">x</a>',
            '<a rel="noopener noreferrer nofollow">x</a>',
        ),
        ("<script>alert(1)</script><p>kept</p>", "<p>kept</p>"),
        ('<span class="k math" style="color:red">x</span>', '<span class="k math">x</span>'),
        ('<span class="ok &quot;bad&quot;">x</span>', '<span class="ok">x</span>'),
        (
            '<table><tr><td style="text-align:left;position:fixed">x</td></tr></table>',
            '<table><tbody><tr><td style="text-align:left">x</td></tr></tbody></table>',
        ),
    ],
)
def test_the_allow_list_removes_what_the_parser_should_never_emit(dirty: str, clean: str) -> None:
    assert content.clean_html(dirty) == clean


def test_tables_keep_only_their_alignment() -> None:
    html = content.render_markdown("| a | b |\n|--:|---|\n| 1 | 2 |\n")
    assert '<th style="text-align:right">a</th>' in html


def test_the_french_file_is_chosen_for_french_readers(lessons: dict[str, Lesson]) -> None:
    lesson = lessons["02-maths-and-code"]
    french = content.resource_file(lesson, "notes.md", "fr")
    assert french.path is not None
    assert french.path.name == "notes.fr.md"
    assert french.translated
    german = content.resource_file(lesson, "notes.md", "de")
    assert german.path is not None
    assert german.path.name == "notes.md"
    assert not german.translated
    english = content.resource_file(lesson, "notes.md", "en")
    assert english.path is not None
    assert english.translated


def test_files_outside_the_lesson_folder_are_never_read(lessons: dict[str, Lesson]) -> None:
    lesson = lessons["02-maths-and-code"]
    assert content.resource_file(lesson, "../../module.yaml", "en").path is None
    assert content.resource_file(lesson, "../01-what-is-learning/notes.md", "en").path is None
    assert content.resource_file(lesson, "lesson.yaml", "en").path is None
    assert content.resource_file(lesson, "missing.md", "en").path is None


def test_rendered_files_are_cached_until_they_change(lessons: dict[str, Lesson]) -> None:
    path = content.resource_file(lessons["02-maths-and-code"], "slides.md", "en").path
    assert isinstance(path, Path)
    assert "Second slide" in content.render_file(path)
    path.write_text("# Rewritten slides with a longer text\n")
    assert "Rewritten slides" in content.render_file(path)
