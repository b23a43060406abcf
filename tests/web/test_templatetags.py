"""The `microcred` template filters for course text: `loc` for attributes and plain text,
`loc_part` for element content, `lang_attr` and `code_lang_attr` for a whole element."""

from __future__ import annotations

from typing import Any

from django.template import Context, Template
from django.utils.translation import override

LOAD = "{% load i18n microcred %}"
HOSTILE = {"en": '<script>alert("x")</script> & co'}


def render(source: str, language: str, **context: Any) -> str:
    with override(language):
        return Template(LOAD + source).render(Context(context))


def test_loc_part_marks_an_english_fallback_and_escapes_it() -> None:
    html = render("<h1>{{ t|loc_part }}</h1>", "fr", t=HOSTILE)
    assert html == (
        '<h1><span lang="en">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</span></h1>'
    )
    assert render("<h1>{{ t|loc_part }}</h1>", "en", t=HOSTILE) == (
        "<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</h1>"
    )


def test_loc_part_inside_a_translated_sentence_keeps_its_mark() -> None:
    html = render(
        "{% blocktranslate with title=t|loc_part %}Resume: {{ title }}{% endblocktranslate %}",
        "de",
        t={"en": "Convolution & pooling"},
    )
    assert html.endswith('<span lang="en">Convolution &amp; pooling</span>')


def test_loc_stays_plain_text_for_attributes() -> None:
    html = render('<img alt="{{ t|loc }}">', "fr", t={"en": 'A "quoted" <b>title</b>'})
    assert html == '<img alt="A &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt;">'


def test_lang_attr_marks_an_element_that_holds_only_the_text() -> None:
    source = "<option{{ t|lang_attr }}>{{ t|loc }}</option>"
    assert render(source, "fr", t={"en": "Adam"}) == '<option lang="en">Adam</option>'
    assert render(source, "fr", t={"en": "Adam", "fr": "Adam (fr)"}) == "<option>Adam (fr)</option>"
    assert render(source, "fr", t="plain") == "<option>plain</option>"


def test_code_lang_attr_marks_known_languages_other_than_the_pages() -> None:
    source = "<div{{ code|code_lang_attr }}>…</div>"
    assert render(source, "el", code="en") == '<div lang="en">…</div>'
    assert render(source, "en", code="en") == "<div>…</div>"
    assert render(source, "ro", code="") == "<div>…</div>"
    assert render(source, "it", code='"><x') == '<div lang="&quot;&gt;&lt;x">…</div>'
