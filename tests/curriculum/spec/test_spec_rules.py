"""Every validator rule, one failing course each: the specification of the course format.

Each test takes a fresh copy of `fixtures/minimal/` (valid, no warnings), changes one thing
and expects exactly the located diagnostics listed - code, severity, file, line, column and
field - so a rule that stops firing, fires twice, or points at the wrong place fails here.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from spec_helpers import CourseBuilder, located

import microcred.curriculum.spec as spec_package

ERROR, WARNING = "error", "warning"
MC = "microcredential.yaml"
MODULE = "modules/01-first-steps/module.yaml"
QUIZ = "modules/01-first-steps/quiz.yaml"
LESSON_DIR = "modules/01-first-steps/lessons/01-what-is-learning"
LESSON = f"{LESSON_DIR}/lesson.yaml"
LAB_DIR = "labs/01-mean-baseline"
LAB = f"{LAB_DIR}/lab.yaml"
EXAM = "exam/exam.yaml"
CAPSTONE = "capstone/capstone.yaml"


def new_outcome(outcome_id: str = "LO2") -> str:
    """A second, valid learning outcome to append to `learning_outcomes`."""
    return (
        f"  - id: {outcome_id}\n"
        f"    uuid: {uuid.uuid4()}\n"
        "    type: knowledge\n"
        "    eqf_level: 7\n"
        "    text: Explain what a baseline is for.\n"
        "    esco_skills:\n"
        "      - uri: http://data.europa.eu/esco/skill/ecc4552a-92c5-4222-b18d-faf5ac841080\n"
        "        label: deep learning\n"
    )


def add_outcome(course: CourseBuilder, outcome_id: str = "LO2") -> None:
    course.insert_after(MC, "label: Python (computer programming)", new_outcome(outcome_id))


# --- MC001 malformed YAML -------------------------------------------------------------------


def test_mc001_malformed_yaml(course: CourseBuilder) -> None:
    course.replace(MODULE, "hours: 25", "hours: [25")
    result = course.validate()
    assert [(d.code, d.severity, d.path) for d in result.diagnostics] == [
        ("MC001", ERROR, course.display(MODULE))
    ]
    (problem,) = result.diagnostics
    # the parser notices the unclosed flow sequence at the next key
    assert (problem.path, problem.line, problem.col) == course.at(MODULE, "learning_outcomes:", ":")
    assert problem.message.startswith("the file is not valid YAML")
    assert problem.hint


def test_mc001_duplicate_key_is_reported_not_silently_dropped(course: CourseBuilder) -> None:
    course.insert_after(LESSON, "duration_minutes: 30", "title: Another title\n")
    assert course.located() == [
        ("MC001", ERROR, *course.at(LESSON, "title: Another title", "title"), ""),
    ]
    (problem,) = course.validate().diagnostics
    assert "duplicate key 'title'" in problem.message
    assert f"line {course.line(LESSON, 'title: What is learning?')}" in problem.message


def test_mc001_duplicate_key_in_a_nested_mapping(course: CourseBuilder) -> None:
    course.insert_after(MC, "  country: IE", "  name: Another University\n")
    assert course.located() == [
        ("MC001", ERROR, *course.at(MC, "name: Another University", "name"), ""),
    ]


def test_mc001_file_that_is_not_utf8(course: CourseBuilder) -> None:
    latin1 = course.text(QUIZ).replace("Check your understanding", "Vérifiez").encode("latin-1")
    course.write_bytes(QUIZ, latin1)
    assert course.located() == [("MC001", ERROR, course.display(QUIZ), 1, 1, "")]
    (problem,) = course.validate().diagnostics
    assert "not UTF-8" in problem.message
    assert problem.hint == "save it as UTF-8"


# --- MC002 missing files ---------------------------------------------------------------------


def test_mc002_missing_description(course: CourseBuilder) -> None:
    course.remove(MC)
    assert course.located() == [("MC002", ERROR, course.display(MC), 1, 1, "")]


def test_mc002_missing_module_folder(course: CourseBuilder) -> None:
    course.insert_after(MC, "  - 01-first-steps", "  - 02-not-written-yet\n")
    assert course.located() == [
        ("MC002", ERROR, *course.at(MC, "- 02-not-written-yet", "02-"), "modules[1]"),
    ]


def test_mc002_missing_lesson(course: CourseBuilder) -> None:
    course.insert_after(MODULE, "  - 01-what-is-learning", "  - 02-not-written-yet\n")
    assert course.located() == [
        ("MC002", ERROR, *course.at(MODULE, "- 02-not-written-yet", "02-"), "lessons[1]"),
    ]


def test_mc002_missing_quiz(course: CourseBuilder) -> None:
    course.remove(QUIZ)
    assert course.located() == [
        ("MC002", ERROR, *course.at(MODULE, "quiz: quiz.yaml", "quiz.yaml"), "quiz"),
    ]


def test_mc002_missing_lesson_resource(course: CourseBuilder) -> None:
    course.remove(f"{LESSON_DIR}/notes.md")
    assert course.located() == [
        ("MC002", ERROR, *course.at(LESSON, "file: notes.md", "notes.md"), "resources[0].file"),
    ]


@pytest.mark.parametrize(
    ("field", "file"),
    [
        ("statement", "README.md"),
        ("starter", "starter.py"),
        ("solution", "solution.py"),
    ],
)
def test_mc002_missing_lab_file(course: CourseBuilder, field: str, file: str) -> None:
    course.remove(f"{LAB_DIR}/{file}")
    assert course.located() == [
        ("MC002", ERROR, *course.at(LAB, f"{field}: {file}", file), field),
    ]


def test_mc002_lab_folder_without_lab_yaml(course: CourseBuilder) -> None:
    course.write("labs/02-draft/README.md", "# Not a lab yet\n")
    assert course.located() == [("MC002", ERROR, "minimal/labs/02-draft/lab.yaml", 1, 1, "")]


@pytest.mark.parametrize(
    ("field", "needle", "file"),
    [
        ("brief", "brief: brief.md", "brief.md"),
        ("ethics_assessment.template", "template: ethics-assessment.md", "ethics-assessment.md"),
    ],
)
def test_mc002_missing_capstone_file(
    course: CourseBuilder, field: str, needle: str, file: str
) -> None:
    course.remove(f"capstone/{file}")
    assert course.located() == [("MC002", ERROR, *course.at(CAPSTONE, needle, file), field)]


# --- MC003 wrong types and values --------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "token", "field"),
    [
        (MC, "  eqf: 7", "  eqf: seven", "seven", "level.eqf"),
        (MC, "mode: online", "mode: hybrid", "hybrid", "form_of_participation.mode"),
        (MC, "format_version: 1", "format_version: 2", "2", "format_version"),
        (MC, "start_date: 2027-02-01", "start_date: next spring", "next", "offering.start_date"),
        (MC, "total_hours: 25", "total_hours: many", "many", "workload.total_hours"),
        (MC, "id: minimal", "id: Minimal Course", "Minimal", "id"),
        (MC, "    - family_name", "    - nickname", "nickname", "learner_identification.fields[1]"),
        (LESSON, "duration_minutes: 30", "duration_minutes: 0", "0", "duration_minutes"),
        (
            LESSON,
            "duration_minutes: 30",
            "duration_minutes: half an hour",
            "half",
            "duration_minutes",
        ),
        (MODULE, "hours: 25", "hours: -1", "-1", "hours"),
        (QUIZ, "mode: practice", "mode: exam", "exam", "mode"),
    ],
)
def test_mc003_wrong_type_or_value(
    course: CourseBuilder, file: str, old: str, new: str, token: str, field: str
) -> None:
    course.replace(file, old, new)
    assert course.located() == [("MC003", ERROR, *course.at(file, new.strip(), token), field)]
    (problem,) = course.validate().diagnostics
    assert problem.message.startswith(f"invalid value for '{field}'")


def test_mc003_not_a_uuid(course: CourseBuilder) -> None:
    line = course.text(LESSON).splitlines()[0]
    course.replace(LESSON, line, "uuid: lesson-one")
    assert course.located() == [
        ("MC003", ERROR, *course.at(LESSON, "uuid: lesson-one", "lesson-one"), "uuid")
    ]


def test_mc003_file_that_is_not_a_mapping(course: CourseBuilder) -> None:
    course.write(LESSON, "- uuid: 1\n- title: x\n")
    assert course.located() == [("MC003", ERROR, course.display(LESSON), 1, 1, "")]
    assert "expected a mapping" in course.validate().diagnostics[0].message


def test_mc003_empty_file(course: CourseBuilder) -> None:
    course.write(LESSON, "# nothing here yet\n")
    assert course.located() == [("MC003", ERROR, course.display(LESSON), 1, 1, "")]
    assert "an empty file" in course.validate().diagnostics[0].message


@pytest.mark.parametrize(
    ("old", "new", "token", "field"),
    [
        ("  eqf: 7", "  eqf: yes", "yes", "level.eqf"),
        ("      weight: 20", "      weight: true", "true", "assessment.components[2].weight"),
        (
            "  ects: 1\n  digital_badge",
            "  ects: on\n  digital_badge",
            "on",
            "rights_on_completion.ects",
        ),
    ],
)
def test_mc003_a_yaml_boolean_is_not_a_number(
    course: CourseBuilder, old: str, new: str, token: str, field: str
) -> None:
    """YAML 1.1 reads yes/no/on/off/true as booleans; a boolean must not become level 1."""
    course.replace(MC, old, new)
    needle = new.strip().splitlines()[0]
    assert course.located() == [("MC003", ERROR, *course.at(MC, needle, token), field)]


# --- MC004 unknown keys ---------------------------------------------------------------------


def test_mc004_misspelt_key_gets_a_did_you_mean_hint(course: CourseBuilder) -> None:
    course.insert_after(LESSON, "duration_minutes: 30", "sumary: A first look.\n")
    assert course.located() == [
        ("MC004", ERROR, *course.at(LESSON, "sumary:", "sumary"), "sumary"),
    ]
    (problem,) = course.validate().diagnostics
    assert problem.message == "unknown key 'sumary'"
    assert problem.hint == "did you mean 'summary'?"


def test_mc004_misspelt_nested_key(course: CourseBuilder) -> None:
    course.insert_after(MC, "  country: IE", "  webiste: https://example.edu\n")
    assert course.located() == [
        ("MC004", ERROR, *course.at(MC, "webiste:", "webiste"), "awarding_body.webiste"),
    ]
    assert course.validate().diagnostics[0].hint == "did you mean 'website'?"


def test_mc004_unrelated_key_lists_the_allowed_keys(course: CourseBuilder) -> None:
    course.insert_after(MODULE, "hours: 25", "colour: blue\n")
    assert course.located() == [
        ("MC004", ERROR, *course.at(MODULE, "colour:", "colour"), "colour"),
    ]
    hint = course.validate().diagnostics[0].hint
    assert hint.startswith("allowed keys: ")
    assert "lessons" in hint


# --- MC005 missing required fields -------------------------------------------------------------


def test_mc005_missing_top_level_field(course: CourseBuilder) -> None:
    course.replace(
        MC,
        "objectives: Learners train, evaluate and report on a first machine learning model.\n",
        "",
    )
    # a missing top-level key is reported where the file's mapping starts
    assert course.located() == [
        ("MC005", ERROR, *course.at(MC, "format_version: 1", "format_version"), "objectives"),
    ]
    (problem,) = course.validate().diagnostics
    assert problem.message == "missing required field 'objectives'"
    assert problem.hint == "add 'objectives:' (Microcredential)"


def test_mc005_missing_nested_field_points_at_its_parent_key(course: CourseBuilder) -> None:
    course.replace(MC, "  ects: 1\n  total_hours", "  total_hours")
    assert course.located() == [
        ("MC005", ERROR, *course.at(MC, "workload:", "workload"), "workload.ects"),
    ]
    assert course.validate().diagnostics[0].message == "missing required field 'ects' in 'workload'"


def test_mc005_missing_field_in_a_list_item(course: CourseBuilder) -> None:
    course.replace(MC, "    type: skill\n", "")
    assert course.located() == [
        ("MC005", ERROR, *course.at(MC, "- id: LO1", "id"), "learning_outcomes[0].type"),
    ]


# --- MC101 Annex I completeness ------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "title:\n  en: Minimal Machine Learning\n  fr: Apprentissage automatique minimal\n",
            'title: ""\n',
            "title",
        ),
        (
            "  type: A lab, a capstone project and a written exam.",
            '  type: "   "',
            "assessment.type",
        ),
        (
            "  type: Internal quality assurance by the academic board.",
            "  type: {en: ''}",
            "quality_assurance.type",
        ),
    ],
)
def test_mc101_empty_annex_i_element(course: CourseBuilder, old: str, new: str, field: str) -> None:
    course.replace(MC, old, new)
    value = new.strip().split(": ", 1)[1]
    assert course.located() == [("MC101", ERROR, *course.at(MC, new.strip(), value), field)]


# --- MC102 / MC103 / MC104 levels --------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "value", "field"),
    [
        ("  eqf: 7", "  eqf: 9", "9", "level.eqf"),
        ("  eqf: 7", "  eqf: 0", "0", "level.eqf"),
        ("    eqf_level: 7", "    eqf_level: 10", "10", "learning_outcomes[0].eqf_level"),
    ],
)
def test_mc102_eqf_level_outside_1_to_8(
    course: CourseBuilder, old: str, new: str, value: str, field: str
) -> None:
    course.replace(MC, old, new)
    assert course.located() == [("MC102", ERROR, *course.at(MC, new.strip(), value), field)]
    assert (
        course.validate().diagnostics[0].hint
        == "the European Qualifications Framework has levels 1 to 8"
    )


def test_mc102_admission_eqf_level(course: CourseBuilder) -> None:
    course.replace(MC, "qualification: bachelor", "qualification: none")
    course.replace(MC, "  eqf_level: 6", "  eqf_level: 12")
    assert course.located() == [
        ("MC102", ERROR, *course.at(MC, "eqf_level: 12", "12"), "admission.eqf_level"),
    ]


@pytest.mark.parametrize(
    ("qualification", "level"),
    [
        ("bachelor", 7),
        ("bachelor", 5),
        ("master", 6),
        ("doctorate", 7),
        ("short-cycle", 6),
    ],
)
def test_mc103_admission_qualification_does_not_match_its_eqf_level(
    course: CourseBuilder, qualification: str, level: int
) -> None:
    course.replace(MC, "qualification: bachelor", f"qualification: {qualification}")
    course.replace(MC, "  eqf_level: 6", f"  eqf_level: {level}")
    admission_level = course.line(MC, "qualification:") + 1
    assert course.located() == [
        ("MC103", ERROR, course.display(MC), admission_level, 14, "admission.eqf_level"),
    ]


def test_mc103_bachelor_is_eqf_6(course: CourseBuilder) -> None:
    course.replace(MC, "  eqf_level: 6", "  eqf_level: 8")
    result = course.validate()
    (problem,) = result.errors
    assert (problem.code, problem.field) == ("MC103", "admission.eqf_level")
    assert problem.message == "a Bachelor's degree is EQF level 6, not 8"
    assert problem.hint == "set admission.eqf_level to 6"
    # 8 is also above the course's own level 7
    assert [(w.code, w.field) for w in result.warnings] == [("MC104", "admission.eqf_level")]


def test_mc103_qf_ehea_cycle_does_not_match_the_eqf_level(course: CourseBuilder) -> None:
    course.replace(MC, "qf_ehea_cycle: second", "qf_ehea_cycle: first")
    assert course.located() == [
        ("MC103", ERROR, *course.at(MC, "qf_ehea_cycle: first", "first"), "level.qf_ehea_cycle"),
    ]


def test_mc104_admission_above_the_course_level_is_a_warning(course: CourseBuilder) -> None:
    course.replace(MC, "qualification: bachelor", "qualification: doctorate")
    course.replace(MC, "  eqf_level: 6", "  eqf_level: 8")
    assert course.located() == [
        ("MC104", WARNING, *course.at(MC, "  eqf_level: 8", "8"), "admission.eqf_level"),
    ]
    assert course.validate().ok


# --- MC110 / MC111 / MC112 workload ---------------------------------------------------------


def test_mc110_ects_do_not_match_the_hours_is_a_warning(course: CourseBuilder) -> None:
    course.replace(MC, "  ects: 1\n  total_hours", "  ects: 2\n  total_hours")
    course.replace(MC, "  certificate: true\n  ects: 1", "  certificate: true\n  ects: 2")
    ects_line = course.line(MC, "workload:") + 1
    assert course.located() == [
        ("MC110", WARNING, course.display(MC), ects_line, 9, "workload.ects"),
    ]
    result = course.validate()
    assert result.ok
    assert result.warnings[0].message == "2 ECTS for 25 hours is 12.5 hours per credit"


def test_mc111_rights_on_completion_ects_differ(course: CourseBuilder) -> None:
    course.replace(MC, "  certificate: true\n  ects: 1", "  certificate: true\n  ects: 1.5")
    assert course.located() == [
        ("MC111", ERROR, *course.at(MC, "ects: 1.5", "1.5"), "rights_on_completion.ects"),
    ]


def test_mc112_parts_do_not_add_up_to_the_total(course: CourseBuilder) -> None:
    course.replace(MC, "total_hours: 25", "total_hours: 26")
    assert course.located() == [
        ("MC112", ERROR, *course.at(MC, "total_hours: 26", "26"), "workload.total_hours"),
    ]


def test_mc112_breakdown_does_not_add_up_to_its_part(course: CourseBuilder) -> None:
    course.replace(MC, "        hours: 6", "        hours: 7")
    assert course.located() == [
        (
            "MC112",
            ERROR,
            course.display(MC),
            course.line(MC, "theoretical:") + 1,
            12,
            "workload.theoretical.hours",
        ),
    ]


def test_mc112_modules_declare_more_hours_than_the_total(course: CourseBuilder) -> None:
    course.replace(MODULE, "hours: 25", "hours: 30")
    assert course.located() == [
        ("MC112", ERROR, *course.at(MC, "total_hours: 25", "25"), "workload.total_hours"),
    ]


# --- MC120 - MC123 assessment -------------------------------------------------------------


def test_mc120_weights_do_not_add_up_to_100(course: CourseBuilder) -> None:
    course.replace(MC, "      weight: 20", "      weight: 30")
    assert course.located() == [
        ("MC120", ERROR, *course.at(MC, "- id: labs", "-"), "assessment.components"),
    ]
    assert (
        course.validate().diagnostics[0].message == "assessment weights add up to 110 %, not 100 %"
    )


def test_mc121_item_counts_towards_an_undefined_component(course: CourseBuilder) -> None:
    course.replace(LAB, "component: labs", "component: homework")
    assert course.located() == [
        ("MC121", ERROR, *course.at(LAB, "component: homework", "homework"), "component"),
        ("MC122", ERROR, *course.at(MC, "- id: labs", "labs"), "assessment.components[0].id"),
    ]


def test_mc121_item_counts_towards_a_component_of_another_kind(course: CourseBuilder) -> None:
    course.replace(LAB, "component: labs", "component: exam")
    assert course.located() == [
        ("MC121", ERROR, *course.at(LAB, "component: exam", "exam"), "component"),
        ("MC122", ERROR, *course.at(MC, "- id: labs", "labs"), "assessment.components[0].id"),
    ]
    messages = [d.message for d in course.validate().diagnostics]
    assert "component 'exam' is of kind 'exam', but a labs item counts towards it" in messages


def test_mc121_graded_quiz_without_a_component(course: CourseBuilder) -> None:
    course.replace(QUIZ, "mode: practice", "mode: graded")
    assert course.located() == [
        ("MC121", ERROR, *course.at(QUIZ, "mode: graded", "graded"), "mode"),
    ]


def test_mc122_component_without_any_item(course: CourseBuilder) -> None:
    course.remove("exam")
    assert course.located() == [
        ("MC122", ERROR, *course.at(MC, "- id: exam", "exam"), "assessment.components[2].id"),
    ]


def test_mc123_outcome_not_assessed_is_a_warning(course: CourseBuilder) -> None:
    add_outcome(course)
    assert course.located() == [
        ("MC123", WARNING, *course.at(MC, "- id: LO2", "LO2"), "learning_outcomes[1].id"),
    ]


def test_a_graded_quiz_assesses_its_outcomes(course: CourseBuilder) -> None:
    """A graded quiz is an assessment item: it uses a component and assesses outcomes."""
    add_outcome(course)
    course.replace(
        MC,
        "      kind: exam\n      weight: 20",
        "      kind: exam\n      weight: 10\n"
        f"    - id: quizzes\n      uuid: {uuid.uuid4()}\n      title: Quizzes\n"
        "      kind: quizzes\n      weight: 10",
    )
    course.replace(QUIZ, "mode: practice", "mode: graded\ncomponent: quizzes")
    course.replace(QUIZ, "      - LO1", "      - LO2")
    assert course.located() == []


# --- MC130 - MC134 references, questions, capstone -------------------------------------------


@pytest.mark.parametrize(
    ("file", "needle", "field"),
    [
        (LESSON, "  - LO1", "learning_outcomes[0]"),
        (MODULE, "  - LO1", "learning_outcomes[0]"),
        (LAB, "  - LO1", "outcomes[0]"),
    ],
)
def test_mc130_unknown_learning_outcome(
    course: CourseBuilder, file: str, needle: str, field: str
) -> None:
    course.replace(file, needle, "  - LO9")
    assert course.located() == [("MC130", ERROR, *course.at(file, "- LO9", "LO9"), field)]
    assert course.validate().diagnostics[0].hint == "known learning outcomes: LO1"


def test_mc130_unknown_outcome_in_a_question_and_a_rubric(course: CourseBuilder) -> None:
    course.replace(
        CAPSTONE,
        "    weight: 40\n    outcomes:\n      - LO1",
        "    weight: 40\n    outcomes:\n      - LO7",
    )
    exam = course.text(EXAM).split("  - id: q-exam-3", 1)
    course.write(EXAM, exam[0] + "  - id: q-exam-3" + exam[1].replace("- LO1", "- LO8"))
    assert course.located() == [
        ("MC130", ERROR, *course.at(CAPSTONE, "- LO7", "LO7"), "rubric[1].outcomes[0]"),
        ("MC130", ERROR, *course.at(EXAM, "- LO8", "LO8"), "items[2].outcomes[0]"),
    ]


def test_mc131_single_answer_question_with_two_correct_options(course: CourseBuilder) -> None:
    course.replace(
        EXAM, "        text: The test set\n", "        text: The test set\n        correct: true\n"
    )
    options = course.line(EXAM, "q-exam-1") + 5
    assert course.located() == [
        ("MC131", ERROR, course.display(EXAM), options, 7, "items[0].options"),
    ]
    assert (
        course.validate().diagnostics[0].message
        == "single-answer question 'q-exam-1' has 2 correct options"
    )


def test_mc131_single_answer_question_with_no_correct_option(course: CourseBuilder) -> None:
    course.replace(QUIZ, "        correct: true\n", "")
    options = course.line(QUIZ, "q-practice-1") + 5
    assert course.located() == [
        ("MC131", ERROR, course.display(QUIZ), options, 7, "items[0].options"),
    ]


def test_mc131_multiple_answer_question_with_no_correct_option(course: CourseBuilder) -> None:
    course.replace(
        EXAM,
        "        text: Mean absolute error\n        correct: true\n",
        "        text: Mean absolute error\n",
    )
    course.replace(
        EXAM,
        "        text: Mean squared error\n        correct: true\n",
        "        text: Mean squared error\n",
    )
    options = course.line(EXAM, "q-exam-2") + 5
    assert course.located() == [
        ("MC131", ERROR, course.display(EXAM), options, 7, "items[1].options"),
    ]


def test_mc131_duplicate_option_ids(course: CourseBuilder) -> None:
    course.replace(EXAM, "      - id: c\n", "      - id: a\n")
    options = course.line(EXAM, "q-exam-2") + 5
    assert course.located() == [
        ("MC131", ERROR, course.display(EXAM), options, 7, "items[1].options"),
    ]
    assert (
        course.validate().diagnostics[0].message == "question 'q-exam-2' has option id 'a' 2 times"
    )


def test_mc132_exam_draws_more_questions_than_its_pool(course: CourseBuilder) -> None:
    course.replace(EXAM, "questions_per_attempt: 2", "questions_per_attempt: 4")
    assert course.located() == [
        (
            "MC132",
            ERROR,
            *course.at(EXAM, "questions_per_attempt: 4", "4"),
            "questions_per_attempt",
        ),
    ]


def test_mc132_quiz_draws_more_questions_than_its_pool(course: CourseBuilder) -> None:
    course.replace(QUIZ, "mode: practice", "mode: practice\nquestions_per_attempt: 2")
    assert course.located() == [
        (
            "MC132",
            ERROR,
            *course.at(QUIZ, "questions_per_attempt: 2", "2"),
            "questions_per_attempt",
        ),
    ]


def test_mc133_rubric_weights_do_not_add_up_to_100(course: CourseBuilder) -> None:
    course.replace(CAPSTONE, "weight: 40", "weight: 30")
    assert course.located() == [
        ("MC133", ERROR, *course.at(CAPSTONE, "- id: model", "-"), "rubric"),
    ]


def test_mc134_capstone_skips_the_required_ethics_assessment(course: CourseBuilder) -> None:
    course.replace(CAPSTONE, "  required: true", "  required: false")
    assert course.located() == [
        (
            "MC134",
            ERROR,
            *course.at(CAPSTONE, "required: false", "false"),
            "ethics_assessment.required",
        ),
    ]


def test_mc134_not_required_when_quality_assurance_does_not_ask(course: CourseBuilder) -> None:
    course.replace(MC, "    required: true", "    required: false")
    course.replace(CAPSTONE, "  required: true", "  required: false")
    assert course.located() == []


# --- MC140 - MC143 identity and structure ---------------------------------------------------


def test_mc140_duplicate_uuid_across_files(course: CourseBuilder) -> None:
    lesson_uuid = course.text(LESSON).splitlines()[0].removeprefix("uuid: ")
    lab_uuid = course.text(LAB).splitlines()[0].removeprefix("uuid: ")
    course.replace(LAB, lab_uuid, lesson_uuid)
    assert course.located() == [("MC140", ERROR, *course.at(LAB, "uuid:", lesson_uuid), "uuid")]
    assert (
        course.validate().diagnostics[0].message
        == f"UUID {lesson_uuid} is already used by {course.display(LESSON)}:1"
    )


def test_mc140_duplicate_uuid_within_a_file(course: CourseBuilder) -> None:
    first = course.text(EXAM).splitlines()[7].removeprefix("    uuid: ")
    second_line = course.line(EXAM, "q-exam-2") + 1
    second = course.text(EXAM).splitlines()[second_line - 1].removeprefix("    uuid: ")
    course.replace(EXAM, second, first)
    assert course.located() == [
        ("MC140", ERROR, course.display(EXAM), second_line, 11, "items[1].uuid"),
    ]


def test_mc141_duplicate_learning_outcome_id(course: CourseBuilder) -> None:
    add_outcome(course, "LO1")
    second = course.line(MC, "label: Python (computer programming)") + 1
    assert course.located() == [
        ("MC141", ERROR, course.display(MC), second, 9, "learning_outcomes[1].id"),
    ]


def test_mc141_question_id_used_in_a_quiz_and_the_exam(course: CourseBuilder) -> None:
    course.replace(QUIZ, "id: q-practice-1", "id: q-exam-3")
    assert course.located() == [
        ("MC141", ERROR, *course.at(EXAM, "id: q-exam-3", "q-exam-3"), "items[2].id"),
    ]
    assert (
        course.validate().diagnostics[0].message
        == f"question id 'q-exam-3' is already used in {course.display(QUIZ)}"
    )


def test_mc141_module_listed_twice_is_one_problem(course: CourseBuilder) -> None:
    """The module is loaded once: its UUIDs, questions and hours are not counted twice."""
    course.insert_after(MC, "  - 01-first-steps", "  - 01-first-steps\n")
    second = course.line(MC, "modules:") + 2
    assert course.located() == [
        ("MC141", ERROR, course.display(MC), second, 5, "modules[1]"),
    ]


def test_mc141_lesson_listed_twice_is_one_problem(course: CourseBuilder) -> None:
    course.insert_after(MODULE, "  - 01-what-is-learning", "  - 01-what-is-learning\n")
    second = course.line(MODULE, "lessons:") + 2
    assert course.located() == [
        ("MC141", ERROR, course.display(MODULE), second, 5, "lessons[1]"),
    ]


def test_mc142_module_folder_not_listed_is_a_warning(course: CourseBuilder) -> None:
    course.copy("modules/01-first-steps", "modules/02-forgotten")
    assert course.located() == [
        ("MC142", WARNING, *course.at(MC, "  - 01-first-steps", "-"), "modules"),
    ]


def test_mc142_ignores_hidden_and_underscore_folders(course: CourseBuilder) -> None:
    course.write("modules/_drafts/notes.md", "draft\n")
    course.write("modules/.cache/x", "")
    assert course.located() == []


def test_mc143_published_lesson_without_resources(course: CourseBuilder) -> None:
    course.replace(LESSON, "resources:\n  - kind: notes\n    file: notes.md\n", "resources: []\n")
    assert course.located() == [
        ("MC143", ERROR, *course.at(LESSON, "resources: []", "[]"), "resources"),
    ]


def test_mc143_planned_lesson_needs_no_resources(course: CourseBuilder) -> None:
    course.replace(LESSON, "resources:\n  - kind: notes\n    file: notes.md\n", "status: planned\n")
    assert course.located() == []


# --- MC150 - MC152 languages and countries ---------------------------------------------------


def test_mc150_bad_language_code_in_a_list(course: CourseBuilder) -> None:
    course.replace(
        MC, "language_of_instruction:\n  - en", "language_of_instruction:\n  - en\n  - english"
    )
    assert course.located() == [
        ("MC150", ERROR, *course.at(MC, "- english", "english"), "language_of_instruction[1]"),
    ]


def test_mc150_bad_language_code_in_translations(course: CourseBuilder) -> None:
    course.insert_after(MC, "  - en", "translations: [fr, gr]\n")
    assert course.located() == [
        ("MC150", ERROR, *course.at(MC, "translations: [fr, gr]", "gr"), "translations[1]"),
    ]


def test_mc150_bad_language_code_as_a_localized_text_key(course: CourseBuilder) -> None:
    course.replace(MC, "  fr: Apprentissage", "  fre: Apprentissage")
    assert course.located() == [
        ("MC150", ERROR, *course.at(MC, "fre: Apprentissage", "fre"), "title.fre"),
    ]


def test_mc150_bad_language_code_in_another_file(course: CourseBuilder) -> None:
    course.replace(
        LAB, "title: A mean baseline", "title:\n  en: A mean baseline\n  EN-GB: A mean baseline"
    )
    assert course.located() == [
        ("MC150", ERROR, *course.at(LAB, "EN-GB:", "EN-GB"), "title.EN-GB"),
    ]


@pytest.mark.parametrize("country", ["ie", "Ireland", "XX", "UK"])
def test_mc151_bad_country_code(course: CourseBuilder, country: str) -> None:
    course.replace(MC, "country: IE", f"country: {country}")
    assert course.located() == [
        ("MC151", ERROR, *course.at(MC, f"country: {country}", country), "awarding_body.country"),
    ]


def test_mc152_localized_text_without_english(course: CourseBuilder) -> None:
    course.replace(MC, "  en: Minimal Machine Learning\n", "")
    assert course.located() == [
        ("MC152", ERROR, *course.at(MC, "fr: Apprentissage", "fr"), "title"),
    ]


def test_mc152_empty_english_text_is_no_english_text(course: CourseBuilder) -> None:
    course.replace(MC, "  en: Minimal Machine Learning", '  en: ""')
    assert course.located() == [
        ("MC152", ERROR, *course.at(MC, 'en: ""', "en"), "title"),
    ]


def test_mc152_in_a_list_of_localized_texts(course: CourseBuilder) -> None:
    course.replace(CAPSTONE, "  - A two-page report.", "  - de: Ein zweiseitiger Bericht.")
    assert course.located() == [
        ("MC152", ERROR, *course.at(CAPSTONE, "- de: Ein", "de"), "deliverables[1]"),
    ]


# --- MC160 - MC162 ESCO -------------------------------------------------------------------------

ML_URI = "http://data.europa.eu/esco/skill/3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43"


@pytest.mark.parametrize(
    "uri",
    [
        "https://esco.ec.europa.eu/en/skill/machine-learning",
        "http://data.europa.eu/esco/occupation/3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43",
        '"17140"',
    ],
)
def test_mc160_not_an_esco_skill_uri(course: CourseBuilder, uri: str) -> None:
    course.replace(MC, ML_URI, uri)
    assert course.located() == [
        ("MC160", ERROR, *course.at(MC, uri, uri), "learning_outcomes[0].esco_skills[0].uri"),
    ]


def test_mc161_esco_uri_not_in_the_shipped_subset_is_a_warning(course: CourseBuilder) -> None:
    unknown = f"http://data.europa.eu/esco/skill/{uuid.uuid4()}"
    course.replace(MC, ML_URI, unknown)
    assert course.located() == [
        (
            "MC161",
            WARNING,
            *course.at(MC, unknown, "http"),
            "learning_outcomes[0].esco_skills[0].uri",
        ),
    ]
    assert course.validate().ok


def test_mc162_label_differs_from_the_esco_preferred_label(course: CourseBuilder) -> None:
    course.replace(MC, "label: machine learning", "label: Machine Learning (ML)")
    assert course.located() == [
        (
            "MC162",
            WARNING,
            *course.at(MC, "label: Machine Learning (ML)", "Machine"),
            "learning_outcomes[0].esco_skills[0].label",
        ),
    ]
    assert course.validate().diagnostics[0].hint == "write label: machine learning"


def test_mc162_label_comparison_ignores_case(course: CourseBuilder) -> None:
    course.replace(MC, "label: machine learning", "label: Machine Learning")
    assert course.located() == []


# --- MC170 dates -------------------------------------------------------------------------------


def test_mc170_end_date_before_start_date(course: CourseBuilder) -> None:
    course.replace(MC, "end_date: 2027-03-31", "end_date: 2027-01-31")
    assert course.located() == [
        ("MC170", ERROR, *course.at(MC, "end_date: 2027-01-31", "2027"), "offering.end_date"),
    ]


def test_mc170_enrolment_deadline_after_end_date(course: CourseBuilder) -> None:
    course.insert_after(MC, "end_date: 2027-03-31", "  enrolment_deadline: 2027-04-01\n")
    assert course.located() == [
        (
            "MC170",
            ERROR,
            *course.at(MC, "enrolment_deadline:", "2027"),
            "offering.enrolment_deadline",
        ),
    ]


def test_mc170_date_of_issuing_before_start_date(course: CourseBuilder) -> None:
    course.replace(MC, "date_of_issuing: on-completion", "date_of_issuing: 2026-12-31")
    assert course.located() == [
        ("MC170", ERROR, *course.at(MC, "date_of_issuing:", "2026"), "date_of_issuing"),
    ]


# --- the whole picture -------------------------------------------------------------------------


def test_every_problem_is_reported_at_once(course: CourseBuilder) -> None:
    """Five independent problems in five files: all five come back, sorted by file and line."""
    course.replace(MC, "  eqf: 7", "  eqf: 9")
    course.replace(MC, "country: IE", "country: Ireland")
    course.replace(EXAM, "questions_per_attempt: 2", "questions_per_attempt: 9")
    course.remove(f"{LAB_DIR}/solution.py")
    course.insert_after(LESSON, "duration_minutes: 30", "sumary: A first look.\n")
    expected = sorted(
        [
            ("MC102", ERROR, *course.at(MC, "eqf: 9", "9"), "level.eqf"),
            (
                "MC151",
                ERROR,
                *course.at(MC, "country: Ireland", "Ireland"),
                "awarding_body.country",
            ),
            (
                "MC132",
                ERROR,
                *course.at(EXAM, "questions_per_attempt: 9", "9"),
                "questions_per_attempt",
            ),
            ("MC002", ERROR, *course.at(LAB, "solution: solution.py", "solution.py"), "solution"),
            ("MC004", ERROR, *course.at(LESSON, "sumary:", "sumary"), "sumary"),
        ],
        key=lambda d: (d[2], d[3], d[4], d[0]),
    )
    result = course.validate()
    assert located(result) == expected
    assert len(result.errors) == 5
    assert not result.ok


def test_shape_errors_of_one_file_are_all_reported(course: CourseBuilder) -> None:
    course.replace(LESSON, "duration_minutes: 30", "duration_minutes: 0\ncolour: red")
    course.replace(LESSON, "title: What is learning?\n", "")
    assert sorted(d[0] for d in course.located()) == ["MC003", "MC004", "MC005"]


def test_format_prints_path_line_col_severity_code_message_and_hint(course: CourseBuilder) -> None:
    course.replace(MC, "  eqf: 7", "  eqf: 9")
    (problem,) = course.validate().diagnostics
    path, line, col = course.at(MC, "eqf: 9", "9")
    assert problem.format() == (
        f"{path}:{line}:{col}: error: MC102 EQF level 9 does not exist "
        "(the European Qualifications Framework has levels 1 to 8)"
    )
    assert problem.as_dict() == {
        "path": path,
        "line": line,
        "col": col,
        "severity": "error",
        "code": "MC102",
        "field": "level.eqf",
        "message": "EQF level 9 does not exist",
        "hint": "the European Qualifications Framework has levels 1 to 8",
    }


def test_every_code_the_validator_emits_has_a_test_here() -> None:
    """A new rule code without a `test_mcXXX_...` test in this file fails the suite."""
    source = "".join(
        file.read_text(encoding="utf-8")
        for file in Path(spec_package.__file__).parent.rglob("*.py")
    )
    emitted = set(re.findall(r'"(MC\d{3})"', source))
    tested = {
        f"MC{number}"
        for number in re.findall(r"def test_mc(\d{3})_", Path(__file__).read_text(encoding="utf-8"))
    }
    assert emitted, "no diagnostic codes found in the validator source"
    assert sorted(emitted - tested) == []


# --- MC144 references stay inside the course ---------------------------------------------------


def test_mc144_resource_outside_the_course(course: CourseBuilder) -> None:
    course.replace(LESSON, "file: notes.md", "file: ../../../../microcredential.yaml")
    assert ("MC144", ERROR) in [(code, severity) for code, severity, *_ in course.located()]


def test_mc144_absolute_path(course: CourseBuilder) -> None:
    course.replace(LESSON, "file: notes.md", "file: /etc/hostname")
    found = [(code, field) for code, _, _, _, _, field in course.located()]
    assert ("MC144", "resources[0].file") in found
