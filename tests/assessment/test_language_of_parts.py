"""Questions, options and rubric levels in English on a French page carry `lang="en"`."""

from __future__ import annotations

from django.template import Context, Template
from django.utils.translation import override

from microcred.assessment.forms import RubricForm


def loc_md(text: object, language: str) -> str:
    with override(language):
        return Template("{% load assessment %}{{ t|loc_md }}").render(Context({"t": text}))


def test_a_one_paragraph_stem_stays_inline_in_a_span() -> None:
    stem = {"en": "What does `np.dot` return for $x$?"}
    assert loc_md(stem, "fr") == (
        '<span lang="en">What does <code>np.dot</code> return for '
        '<span class="math inline">x</span>?</span>'
    )
    assert loc_md(stem, "en") == (
        'What does <code>np.dot</code> return for <span class="math inline">x</span>?'
    )


def test_block_markdown_goes_in_a_div_and_a_translation_is_not_marked() -> None:
    text = {"en": "First.\n\nSecond.", "fr": "Premier.\n\nSecond."}
    assert loc_md(text, "de") == '<div lang="en"><p>First.</p>\n<p>Second.</p></div>'
    assert loc_md(text, "fr") == "<p>Premier.</p>\n<p>Second.</p>"


def test_markdown_course_text_cannot_inject_html() -> None:
    html = loc_md({"en": "<script>alert(1)</script> [x](javascript:alert(1))"}, "fr")
    assert "<script>" not in html
    assert "href" not in html  # the javascript: link stays text
    assert html.startswith('<span lang="en">')


def test_rubric_levels_in_english_are_marked_in_the_french_form() -> None:
    rubric = [
        {
            "id": "method",
            "criterion": {"en": "Method"},
            "weight": 1,
            "levels": [{"en": "Weak <b>method</b>"}, {"en": "Sound", "fr": "Solide"}],
        }
    ]
    with override("fr"):
        form = RubricForm(rubric=rubric)
        labels = [str(choice.choice_label) for choice in form["method-level"]]
        html = str(form["method-level"])
    assert labels == ['<span lang="en">Weak &lt;b&gt;method&lt;/b&gt;</span>', "Solide"]
    assert '<span lang="en">Weak &lt;b&gt;method&lt;/b&gt;</span>' in html
    assert "<b>" not in html
