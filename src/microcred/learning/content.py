"""Lesson files from the course folder, rendered to safe HTML on the server.

Markdown goes through markdown-it-py with raw HTML off, maths is kept verbatim for KaTeX
(dollarmath: `$...$`, `$$...$$`), code is highlighted by Pygments, and the result is cleaned by
nh3 against an allow-list. Course authors are trusted less than the platform: a course folder
can come from another provider's repository.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from microcred.curriculum.models import Lesson, Module

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "s", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "span": {"class"},
    "div": {"class"},
    "code": {"class"},
    "pre": {"class"},
}
_CLASS_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Only plain class tokens (Pygments, maths, `language-x`); tables keep their alignment."""
    if attribute == "class":
        return " ".join(t for t in value.split() if _CLASS_TOKEN.match(t)) or None
    return value


def _highlight(code: str, language: str, _attrs: Any) -> str:
    if not language:
        return ""
    try:
        lexer = get_lexer_by_name(language)
    except ClassNotFound:
        return ""  # markdown-it escapes the code itself
    return highlight(code, lexer, HtmlFormatter(nowrap=True))


def _demote_headings(state: Any) -> None:
    """The page owns the <h1> (the lesson title); a file's own headings start at <h2>."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "highlight": _highlight})
    md.core.ruler.push("demote_headings", _demote_headings)
    md.enable(["table", "strikethrough"])
    dollarmath_plugin(md, allow_space=True, allow_digits=True, double_inline=True)
    return md


def render_markdown(text: str) -> str:
    return clean_html(_parser().render(text))


def clean_html(html: str) -> str:
    """The allow-list pass; it runs even though the parser emits no raw HTML (defence in depth,
    and a guard should a plugin ever emit attributes we did not expect)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        filter_style_properties={"text-align"},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@functools.lru_cache(maxsize=256)
def _render_file(path: str, _mtime_ns: int, _size: int) -> str:
    return render_markdown(Path(path).read_text(encoding="utf-8"))


def render_file(path: Path) -> str:
    """Rendered HTML of a Markdown file, cached until the file changes (a re-synced course)."""
    stat = path.stat()
    return _render_file(str(path), stat.st_mtime_ns, stat.st_size)


def lesson_dir(lesson: Lesson) -> Path:
    module = lesson.module
    programme = module.programme
    return Path(programme.source_path) / "modules" / module.slug / "lessons" / lesson.slug


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


# Course files without a language suffix (`notes.md`, a lab's README.md, the capstone brief)
# are English, the fallback language of the course format; `notes.fr.md` is French.
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class ResourceFile:
    path: Path | None  # None when the file is missing or not Markdown
    translated: bool  # False when the reader's language had no file of its own
    language: str = SOURCE_LANGUAGE  # what the file is written in (its container's `lang`)


def module_dir(module: Module) -> Path:
    return Path(module.programme.source_path) / "modules" / module.slug


def resource_file(lesson: Lesson, file: str, language: str) -> ResourceFile:
    return resource_file_in(lesson_dir(lesson), file, language)


def resource_file_in(root: Path, file: str, language: str) -> ResourceFile:
    """`notes.<lang>.md` next to `notes.md` when it exists, else the English file.

    English files carry no suffix, so an English reader always counts as translated.
    """
    base = root / file
    if not file.endswith(".md") or not _inside(base, root):
        return ResourceFile(path=None, translated=True)
    language = language.split("-")[0].lower()
    if language != "en":
        candidate = base.with_name(f"{base.stem}.{language}.md")
        if candidate.is_file() and _inside(candidate, root):
            return ResourceFile(path=candidate, translated=True, language=language)
    return ResourceFile(
        path=base if base.is_file() else None, translated=language == SOURCE_LANGUAGE
    )
