"""Steps of the journeys through assessment, shared by the learner's whole journey (a) and the
instructor's grading journey (e): what a learner or an instructor does on a page, written once.

Answers come from the course folder as a person would bring them: the lab's reference
`solution.py` pasted into the editor, the exam's correct options looked up in `exam.yaml` by the
question text the page shows.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from playwright.sync_api import expect

from microcred.assessment.forms import EthicsForm

# ---------------------------------------------------------------------------------- navigation


def open_assessments(page: Any, title: str) -> None:
    """From anywhere: Dashboard -> the course's outline -> its Assessments panel."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.locator("li.card", has_text=title).get_by_role("link", name="Course outline").click()
    expect(page.get_by_role("heading", name="Assessments")).to_be_visible()


def assessment_list(page: Any) -> Any:
    return page.get_by_role("region", name="Assessments").locator("ul.assessment-list")


def open_grading_queue(page: Any) -> None:
    """An instructor's way in: Dashboard -> Preview lessons -> the outline's "Grading queue"."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name="Preview lessons").first.click()
    page.get_by_role("link", name="Grading queue").click()
    expect(page.get_by_role("heading", level=1, name="Grading queue")).to_be_visible()


# ---------------------------------------------------------------------------------------- labs


def lab_solution(course_dir: Path, slug: str, key: str = "solution") -> str:
    """A file the lab's manifest names: its reference `solution`, or its `starter`."""
    folder = course_dir / "labs" / slug
    manifest = yaml.safe_load((folder / "lab.yaml").read_text("utf-8"))
    return (folder / manifest[key]).read_text("utf-8")


def paste_code(page: Any, code: str) -> None:
    """Replace the editor's content as a person does: click into the CodeMirror editor, select
    everything (Ctrl+A), paste from the clipboard (Ctrl+V). Typing would let the editor's
    auto-indent and bracket closing rewrite the code; a paste is inserted as it is."""
    editor = page.get_by_role("textbox", name="Your code")
    editor.click()
    page.keyboard.press("ControlOrMeta+A")
    page.evaluate("text => navigator.clipboard.writeText(text)", code)
    page.keyboard.press("ControlOrMeta+V")
    # The form posts the <textarea> the editor keeps in sync: it must hold exactly the paste.
    expect(page.locator("textarea[data-editor=python]")).to_have_value(code)


def submit_lab(page: Any, solution: str) -> Any:
    """Paste the solution over the editor's content and submit it: it waits, queued, for the
    worker. Returns the result box (it polls the server while the submission waits)."""
    paste_code(page, solution)
    page.get_by_role("button", name="Submit for grading").click()
    result = page.locator("#latest .lab-result")
    expect(result.get_by_role("status")).to_contain_text("Queued")
    return result


def expect_graded_in_full(result: Any) -> None:
    """The result box shows a grade of 100 % and a passed line of feedback per check."""
    expect(result).to_have_class(re.compile(r"\bstatus-graded\b"))
    status = result.get_by_role("status")
    expect(status).to_contain_text("Graded")
    expect(status).to_contain_text("100 %")
    expect(result.locator("ul.checks li.wrong")).to_have_count(0)
    assert result.locator("ul.checks li.right").count() >= 3


def submit_lab_and_see_it_graded(page: Any, worker: Any, solution: str) -> Any:
    """Submit, see it queued, let the worker grade it, and see the grade arrive through the
    page's own polling (htmx, every 2 s) without reloading. Returns the result box."""
    result = submit_lab(page, solution)
    done = worker()
    assert [(task.task_path, task.return_value) for task in done] == [
        ("microcred.assessment.tasks.grade_lab_submission", "graded")
    ], done
    expect_graded_in_full(result)
    return result


# ---------------------------------------------------------------------------------------- exam

# The text of a question as the page shows it, with each formula put back as `$TeX$`: KaTeX keeps
# the source in an <annotation>; before it has typeset, the element holds the source itself.
QUESTION_TEXT = """(fieldset) => {
  const legend = fieldset.querySelector("legend").cloneNode(true);
  legend.querySelectorAll(".tag").forEach((tag) => tag.remove());
  legend.querySelectorAll(".math").forEach((math) => {
    const tex = math.querySelector('annotation[encoding="application/x-tex"]');
    math.replaceWith("$" + (tex ? tex.textContent : math.textContent) + "$");
  });
  return legend.textContent;
}"""


def _plain(text: str) -> str:
    return " ".join(text.replace("`", "").split())


@dataclass(frozen=True)
class Question:
    uuid: str
    correct: list[str]  # option ids


def exam_answer_key(course_dir: Path) -> dict[str, Question]:
    """The exam's questions by their text as shown (Markdown code marks dropped)."""
    spec = yaml.safe_load((course_dir / "exam" / "exam.yaml").read_text("utf-8"))
    key: dict[str, Question] = {}
    for item in spec["items"]:
        stem = item["stem"] if isinstance(item["stem"], str) else item["stem"]["en"]
        text = _plain(stem)
        assert text not in key, f"two exam questions read the same: {text}"
        correct = [option["id"] for option in item["options"] if option.get("correct")]
        key[text] = Question(uuid=item["uuid"], correct=correct)
    return key


def answer_every_question(page: Any, key: dict[str, Question]) -> int:
    """Tick the correct options of every question drawn, each tick autosaved before the next
    (the form posts on `change`). Returns the number of questions."""
    questions = page.locator("form.paper fieldset.question")
    count = questions.count()
    for index in range(count):
        fieldset = questions.nth(index)
        shown = _plain(fieldset.evaluate(QUESTION_TEXT))
        assert shown in key, f"question {index + 1} is not in exam.yaml: {shown!r}"
        question = key[shown]
        # The page records the answer under the question it names: the same one.
        assert fieldset.get_attribute("id") == f"q-{question.uuid}", shown
        for option in question.correct:
            with page.expect_response(
                lambda r: r.url.endswith("/save/") and r.request.method == "POST"
            ) as saved:
                fieldset.locator(f'input[value="{option}"]').check()
            assert saved.value.ok
    return count


# ------------------------------------------------------------------------------------ capstone


def code_archive() -> bytes:
    """A small but real code archive (the server reads a ZIP's central directory); the same
    bytes on every call (fixed timestamps), so a download can be compared with it."""
    files = {
        "README.md": "# Ticket summariser\n\n`make test`, then `make image`.\n",
        "src/summariser/app.py": "def health() -> dict:\n    return {}\n",
        "tests/test_app.py": "def test_health():\n    assert True\n",
        "Dockerfile": "FROM python:3.12-slim\nUSER 10001\n",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            entry = zipfile.ZipInfo(name, date_time=(2026, 6, 1, 12, 0, 0))
            archive.writestr(entry, text, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def submit_capstone(page: Any, report: bytes, *, report_name: str, code_name: str) -> None:
    page.get_by_label("Report (PDF)").set_input_files(
        files=[{"name": report_name, "mimeType": "application/pdf", "buffer": report}]
    )
    page.get_by_label("Code archive (.zip or .tar.gz)").set_input_files(
        files=[{"name": code_name, "mimeType": "application/zip", "buffer": code_archive()}]
    )
    page.get_by_role("button", name="Submit your capstone").click()
    expect(page.get_by_text("Your capstone is submitted.")).to_be_visible()


# A limited-risk system (EU AI Act Article 50): every section of the assessment filled in.
ETHICS = {
    "system_description": (
        "A Transformer that summarises customer-support tickets for agents; agents decide "
        "every reply. Foreseeable misuse: sending summaries to customers unchecked."
    ),
    "risk_category": "limited",
    "annex_iii_area": "",
    "classification_rationale": (
        "No Article 5 practice; not an Annex III use (no employment, credit or essential "
        "services decision); people read generated text, so Article 50 applies."
    ),
    "transparency_measures": "Every summary is labelled as AI-generated in the agent's console.",
    "data_provenance": (
        "Our own 2023-2024 tickets, pseudonymised, under the data processing agreement; split "
        "by customer so no customer is in two splits."
    ),
    "bias_analysis": (
        "ROUGE-L and factual-error rates per ticket language with bootstrap 95 % intervals; "
        "Romanian tickets had twice the error rate."
    ),
    "human_oversight": "Agents see the original ticket next to the summary and can hide it.",
    "mitigations": "Added Romanian tickets and re-measured: the gap closed to 3 points.",
    "residual_risk": "low",
    "residual_risk_notes": "A wrong summary is caught by the agent, who reads the ticket.",
}


def fill_ethics(page: Any, answers: dict[str, str]) -> None:
    """Fill the assessment's form section by section, by the labels a person reads."""
    form = page.locator("form.ethics-form")
    fields = EthicsForm.base_fields
    choices = {
        "risk_category": dict(fields["risk_category"].choices),  # type: ignore[attr-defined]
        "residual_risk": dict(fields["residual_risk"].choices),  # type: ignore[attr-defined]
    }
    for name, value in answers.items():
        label = str(fields[name].label)
        if name in choices:
            group = form.get_by_role("group", name=label)
            group.get_by_label(str(choices[name][value]), exact=True).check()
        elif name == "annex_iii_area":
            form.get_by_label(label).select_option(value)
        else:
            form.get_by_role("textbox", name=label, exact=False).fill(value)


# -------------------------------------------------------------------------- rubric and ethics


@dataclass(frozen=True)
class Mark:
    level: str  # the level's first word, e.g. "Excellent"
    percent: int
    comment: str


def rubric_row(page: Any, criterion: dict[str, Any]) -> Any:
    """The row of the grading form's rubric table whose header names `criterion`."""
    start = " ".join(str(criterion["criterion"]["en"]).split()[:4])
    rows = page.locator("table.rubric tbody tr")
    return rows.filter(has=page.get_by_role("rowheader", name=start))


def grade_rubric(page: Any, rubric: list[dict[str, Any]], marks: dict[str, Mark]) -> None:
    """On the grading page, give every criterion (a row of the rubric table) a level, a score
    and a comment."""
    for criterion in rubric:
        row = rubric_row(page, criterion)
        mark = marks[criterion["id"]]
        row.get_by_role("radio", name=re.compile(rf"^{re.escape(mark.level)}\b")).check()
        row.get_by_role("spinbutton", name="Score (%)").fill(str(mark.percent))
        row.get_by_role("textbox", name="Comment").fill(mark.comment)


def weighted_percent(rubric: list[dict[str, Any]], marks: dict[str, Mark]) -> float:
    total = sum(float(c["weight"]) * marks[c["id"]].percent for c in rubric)
    return total / sum(float(c["weight"]) for c in rubric)


# -------------------------------------------------------------------------------- verification

VERIFICATION_CHECKS = [
    "The file is a credential (JSON)",
    "Its structure follows the standard",
    "Its vocabulary is known and complete",
    "The digital signature is intact",
    "It was signed by its issuer",
    "It is within its validity period",
    "It has not been revoked or suspended",
]


def check_labels(page: Any, status: str) -> list[str]:
    """The labels of the verification checks shown with `status` (passed, failed, skipped)."""
    items = page.locator(f"ul.checks li.check-{status}")
    return [
        next((c for c in VERIFICATION_CHECKS if c in text), text)
        for text in items.all_inner_texts()
    ]
