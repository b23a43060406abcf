"""Language of parts (WCAG 2.1 SC 3.1.2): English shown on a French page is marked `lang="en"`.

The shipped course has module 1 translated into French (titles, quiz, lesson and resource
files) and the rest in English only. A learner reads every main page in French; the HTML is
parsed and each character of the page's text gets its nearest `lang`. Then every course text
that has no French version and shows on the page must sit wholly under `lang="en"`, and every
French course text must not be under `lang="en"`.

The texts come from the course folder itself (every localized field of the loaded spec, the
ESCO labels, the paragraphs of the Markdown files), not from the code under test, so a page
that forgets to mark a passage fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext, override
from pydantic import BaseModel

from accounts.personas import fast_password_hashing, make_user  # noqa: F401 - fixtures
from microcred.accounts import services as account_services
from microcred.accounts import totp
from microcred.accounts.models import User
from microcred.accounts.two_factor import SESSION_KEY as TWO_FACTOR_KEY
from microcred.assessment import services as assessment_services
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.curriculum.services import sync_course
from microcred.curriculum.spec import validate_course
from microcred.curriculum.spec.model import EscoSkillRef
from microcred.learning.content import render_markdown
from microcred.learning.models import Enrolment

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parents[2] / "courses" / "applied-ml-dl"
LANGUAGES = {"en", "fr", "de", "el", "ro", "it"}
SHORTEST = 15  # shorter texts ("784", "Data") also occur inside longer, unrelated ones
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}
SKIPPED = {"head", "script", "style", "template"}  # not read as page content
M1 = "01-foundations-of-deep-learning"
M2 = "02-computer-vision-with-cnns"


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ------------------------------------------------------------------------------ the page text


class LangText(HTMLParser):
    """The body's text with the nearest `lang` of every character (whitespace collapsed)."""

    def __init__(self, page_language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = [("#document", page_language)]
        self.skip = 0
        self.chars: list[str] = []
        self.langs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.stack[0] = ("#document", dict(attrs).get("lang") or self.stack[0][1])
        if tag in VOID:
            return
        lang = dict(attrs).get("lang")
        self.stack.append((tag, lang if lang is not None else self.stack[-1][1]))
        if tag in SKIPPED:
            self.skip += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # self-closing (<br/>, SVG shapes): no text inside

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        for depth in range(len(self.stack) - 1, 0, -1):  # tolerate implied end tags
            if self.stack[depth][0] == tag:
                for closed, _ in self.stack[depth:]:
                    if closed in SKIPPED:
                        self.skip -= 1
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        lang = self.stack[-1][1]
        for char in data:
            if char.isspace():
                if not self.chars or self.chars[-1] == " ":
                    continue
                char = " "
            self.chars.append(char)
            self.langs.append(lang)

    @property
    def text(self) -> str:
        return "".join(self.chars)


@dataclass
class Page:
    name: str
    parsed: LangText

    def occurrences(self, text: str) -> Iterator[set[str]]:
        """For each place `text` shows on the page, the languages its characters are under."""
        haystack, start = self.parsed.text, 0
        while (found := haystack.find(text, start)) >= 0:
            yield set(self.parsed.langs[found : found + len(text)])
            start = found + 1


def parse(name: str, response: object) -> Page:
    assert response.status_code == 200, name  # type: ignore[attr-defined]
    parser = LangText("?")
    parser.feed(response.content.decode())  # type: ignore[attr-defined]
    assert parser.stack[0][1] == "fr", f"{name}: the page itself is not French"
    return Page(name, parser)


# ------------------------------------------------------------------------- the course's texts


def _localized_texts(value: object) -> Iterator[dict[str, str]]:
    """Every localized text of a loaded course ({"en": ..., "fr": ...}), wherever it sits."""
    if isinstance(value, dict):
        if value and set(value) <= LANGUAGES and all(isinstance(v, str) for v in value.values()):
            yield value
            return
        for child in value.values():
            yield from _localized_texts(child)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _localized_texts(getattr(value, name))
    elif is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            if item.name not in ("source", "description_source"):
                yield from _localized_texts(getattr(value, item.name))
    elif isinstance(value, list | tuple):
        for child in value:
            yield from _localized_texts(child)


def _esco_labels(value: object) -> Iterator[str]:
    if isinstance(value, EscoSkillRef):
        yield value.label
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _esco_labels(getattr(value, name))
    elif is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            yield from _esco_labels(getattr(value, item.name))
    elif isinstance(value, list | tuple):
        for child in value:
            yield from _esco_labels(child)


class Paragraphs(HTMLParser):
    """The text of each paragraph and list item of rendered Markdown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[list[str]] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "li"):
            self.open.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "li") and self.open:
            self.found.append(normal("".join(self.open.pop())))

    def handle_data(self, data: str) -> None:
        for part in self.open:
            part.append(data)


def _markdown_paragraphs(path: Path) -> list[str]:
    parser = Paragraphs()
    parser.feed(render_markdown(path.read_text(encoding="utf-8")))
    return parser.found


def _variants(text: str) -> set[str]:
    """How a course text can show: as written, or rendered as Markdown (stems, options)."""
    parser = Paragraphs()
    parser.feed(render_markdown(text))
    return {normal(text), *parser.found}


@dataclass
class Texts:
    english_only: set[str] = field(default_factory=set)
    french: set[str] = field(default_factory=set)


@pytest.fixture(scope="module")
def texts() -> Texts:
    course = validate_course(SHIPPED).course
    found = Texts()
    for text in _localized_texts(course):
        if text.get("fr"):
            found.french |= _variants(text["fr"])
        elif text.get("en"):
            found.english_only |= _variants(text["en"])
    found.english_only |= set(_esco_labels(course))
    for english in SHIPPED.rglob("*.md"):
        if english.name.count(".") > 1 or english.name == "LITERATURE.md":
            continue  # a translation (read with its English file), or not shown to learners
        french = english.with_name(f"{english.stem}.fr.md")
        if french.is_file():
            found.french |= set(_markdown_paragraphs(french))
        else:
            found.english_only |= set(_markdown_paragraphs(english))
    ambiguous = found.english_only & found.french  # e.g. a name written alike in both
    found.english_only = {t for t in found.english_only - ambiguous if len(t) >= SHORTEST}
    found.french = {t for t in found.french - ambiguous if len(t) >= SHORTEST}
    return found


# ------------------------------------------------------------------------------- the learner


def _french_client(user: User) -> Client:
    """Signed in with a second factor proved (the exam asks for one), reading in French."""
    device = account_services.start_two_factor_setup(user)
    account_services.enable_two_factor(user, totp.totp(device.secret))
    client = Client()
    client.force_login(user)
    session = client.session
    session[TWO_FACTOR_KEY] = int(timezone.now().timestamp())
    session.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


@pytest.fixture
def pages(make_user: Callable[..., User]) -> dict[str, Page]:  # noqa: F811
    programme = sync_course(SHIPPED).programme
    learner = make_user("lea")
    Enrolment.objects.create(
        learner=learner,
        programme=programme,
        status=Enrolment.Status.ACTIVE,
        declaration_text="I declare.",
        declaration_accepted_at=timezone.now(),
    )
    items = AssessmentItem.objects.filter(programme=programme)
    quizzes = {str(item.uuid): item for item in items.filter(kind="quiz")}
    m1_quiz, m2_quiz = (quizzes[_quiz_uuid(module)] for module in (M1, M2))
    attempts = {
        module: assessment_services.start_attempt(learner, quiz)
        for module, quiz in ((M1, m1_quiz), (M2, m2_quiz))
    }
    lab = items.filter(kind="lab").order_by("slug").first()
    assert lab is not None
    slug = programme.slug
    client = _french_client(learner)
    urls = {
        "course page": f"/courses/{slug}/",
        "outline": f"/learn/{slug}/",
        "lesson (translated)": f"/learn/{slug}/{M1}/{_first_lesson(programme, M1)}/",
        "lesson (English only)": f"/learn/{slug}/{M2}/{_first_lesson(programme, M2)}/",
        "lesson slides (English only)": (
            f"/learn/{slug}/{M2}/{_first_lesson(programme, M2)}/?tab=slides"
        ),
        "module resource (translated)": f"/learn/{slug}/{M1}/resources/qa/",
        "module resource (English only)": f"/learn/{slug}/{M2}/resources/case-studies/",
        "assessments": f"/assessment/{slug}/",
        "quiz (module 1)": f"/assessment/{slug}/quizzes/{m1_quiz.slug}/",
        "quiz (module 2)": f"/assessment/{slug}/quizzes/{m2_quiz.slug}/",  # title translated
        "quiz attempt (module 1)": f"/assessment/{slug}/attempts/{attempts[M1].pk}/",
        "quiz attempt (module 2)": f"/assessment/{slug}/attempts/{attempts[M2].pk}/",
        "exam instructions": f"/assessment/{slug}/exam/",
        "lab": f"/assessment/{slug}/labs/{lab.slug}/",
        "capstone": f"/assessment/{slug}/capstone/",
    }
    return {name: parse(name, client.get(url)) for name, url in urls.items()}


def _quiz_uuid(module: str) -> str:
    return str(yaml.safe_load((SHIPPED / "modules" / module / "quiz.yaml").read_text())["uuid"])


def _first_lesson(programme: Programme, module: str) -> str:
    lesson = programme.modules.get(slug=module).lessons.order_by("position").first()
    assert lesson is not None
    return lesson.slug


# ------------------------------------------------------------------------------------- tests


def test_english_only_course_text_is_marked_english_and_french_text_is_not(
    pages: dict[str, Page], texts: Texts
) -> None:
    problems: list[str] = []
    english_seen: dict[str, int] = {}
    french_seen: dict[str, int] = {}
    for name, page in pages.items():
        english_seen[name] = french_seen[name] = 0
        for text in sorted(texts.english_only):
            for langs in page.occurrences(text):
                english_seen[name] += 1
                if langs != {"en"}:
                    problems.append(f"{name}: English text under lang={sorted(langs)}: {text!r}")
        for text in sorted(texts.french):
            for langs in page.occurrences(text):
                french_seen[name] += 1
                if "en" in langs:
                    problems.append(f"{name}: French text marked English: {text!r}")
    assert problems == []
    # The check looked at real text: every page shows course text, and the English-only
    # pages (module 2, the lab, the capstone) show English that the check found marked.
    # The check looked at real text: every page shows French course text, and every page
    # that shows untranslated content had English text found (and marked).
    translated_only = {"lesson (translated)", "module resource (translated)"}
    translated_only |= {"quiz (module 1)", "quiz (module 2)", "quiz attempt (module 1)"}
    assert [n for n in pages if not french_seen[n]] == []
    assert [n for n in pages if not english_seen[n]] == sorted(
        translated_only, key=list(pages).index
    )


def test_the_page_around_an_english_passage_stays_french(pages: dict[str, Page]) -> None:
    """Only the passage is marked: the note saying it is not translated, the breadcrumbs and
    the navigation are French and stay under the page's `lang="fr"`."""
    with override("fr"):
        note = normal(gettext("This text is not translated yet; it is shown in English."))
        dashboard = gettext("Dashboard")
    assert note != "This text is not translated yet; it is shown in English."  # translated
    for name in ("lesson (English only)", "module resource (English only)"):
        page = pages[name]
        for text in (note, dashboard):
            langs = list(page.occurrences(text))
            assert langs, f"{name}: {text!r} not shown"
            assert all(found == {"fr"} for found in langs), (name, text, langs)
