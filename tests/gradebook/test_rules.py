"""`gradebook.rules`: weights, mean or best-of components, pass rules, scales, evidenced skills.

Pure functions, so no database: plain examples for every rule, and hypothesis properties for
what must hold for every course (weights add up to 100, the grade never falls when a score
rises, a passed learner stays passed when a score rises).
"""

from __future__ import annotations

import ast
import inspect
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.gradebook import rules
from microcred.gradebook.rules import (
    DEFAULT_ECTS_BANDS,
    Band,
    ComponentRule,
    ItemResult,
    Policy,
    PolicyError,
    Scale,
    final_grade,
    policy_from,
)


def description(**assessment: Any) -> dict[str, Any]:
    """A course description's assessment section (the shape of `Programme.description`)."""
    base: dict[str, Any] = {
        "components": [
            {"id": "labs", "kind": "labs", "weight": 30},
            {"id": "project", "kind": "capstone", "weight": 45},
            {"id": "exam", "kind": "exam", "weight": 25},
        ],
        "pass_rule": {"minimum_total_percent": 50, "minimum_component_percent": 40},
        "grading_scale": "percentage",
    }
    base.update(assessment)
    return {"assessment": base}


POLICY = policy_from(description())


def graded(component: str, score: float, key: str = "", *outcomes: str) -> ItemResult:
    return ItemResult(component, "graded", score, key, tuple(outcomes))


def waiting(component: str, status: str = "pending") -> ItemResult:
    return ItemResult(component, status)


def everything(labs: float = 0.8, project: float = 0.7, exam: float = 0.6) -> list[ItemResult]:
    return [graded("labs", labs), graded("project", project), graded("exam", exam)]


# ------------------------------------------------------------------------------ purity


def test_the_rules_module_imports_no_django_and_does_no_io() -> None:
    tree = ast.parse(inspect.getsource(rules))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert imported <= {"__future__", "collections", "dataclasses", "decimal", "typing"}
    assert "open(" not in inspect.getsource(rules)


# ------------------------------------------------------------------------------ policy


def test_the_policy_of_a_course_description() -> None:
    assert [(r.code, r.weight, r.aggregation, r.minimum_percent) for r in POLICY.components] == [
        ("labs", 30, "mean", 40),
        ("project", 45, "mean", 40),
        ("exam", 25, "mean", 40),
    ]
    assert POLICY.minimum_total_percent == 50
    assert POLICY.item_pass_percent == 50  # the higher of the pass mark and component minimum
    assert POLICY.scale.code == "percentage"
    assert POLICY.warnings == ()


def test_gradebook_settings_choose_best_of_and_raise_minimums_never_lower_them() -> None:
    policy = policy_from(
        description(),
        {
            "components": {
                "labs": {"aggregation": "best", "minimum_percent": 60},
                "exam": {"minimum_percent": 10},  # below the course's 40: stays 40
            },
            "item_pass_percent": 70,
        },
    )
    assert policy.rule("labs").aggregation == "best"
    assert policy.rule("labs").minimum_percent == 60
    assert policy.rule("exam").minimum_percent == 40
    assert policy.item_pass_percent == 70


def test_an_aggregation_declared_in_the_description_itself_is_honoured() -> None:
    course = description()
    course["assessment"]["components"][0]["aggregation"] = "best"
    assert policy_from(course).rule("labs").aggregation == "best"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"colour": "blue"}, "unknown gradebook setting"),
        ({"components": {"nope": {}}}, "no component 'nope'"),
        ({"components": {"labs": {"weight": 50}}}, "only aggregation and minimum_percent"),
        ({"components": {"labs": {"aggregation": "median"}}}, "mean or best"),
        ({"components": {"labs": {"minimum_percent": "high"}}}, "must be a number"),
        ({"components": {"labs": {"minimum_percent": True}}}, "must be a number"),
        ({"components": ["labs"]}, "must map component ids"),
        ({"item_pass_percent": 120}, "item pass mark"),
    ],
)
def test_bad_gradebook_settings_are_refused(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        policy_from(description(), overrides)


@pytest.mark.parametrize(
    ("weights", "ok"), [((30, 45, 25), True), ((30, 45, 24), False), ((50, 50.5, 0), False)]
)
def test_weights_must_add_up_to_100(weights: tuple[float, ...], ok: bool) -> None:
    components = [
        {"id": code, "weight": weight}
        for code, weight in zip(("labs", "project", "exam"), weights, strict=True)
    ]
    if ok:
        assert sum(r.weight for r in policy_from(description(components=components)).components)
    else:
        with pytest.raises(PolicyError, match="add up to"):
            policy_from(description(components=components))


def test_a_policy_checks_itself() -> None:
    with pytest.raises(PolicyError, match="at least one"):
        Policy((), 50, 50)
    with pytest.raises(PolicyError, match="same id"):
        Policy((ComponentRule("a", 50), ComponentRule("a", 50)), 50, 50)
    with pytest.raises(PolicyError, match="0-100"):
        Policy((ComponentRule("a", 100, minimum_percent=101),), 50, 50)
    with pytest.raises(PolicyError, match="minimum total"):
        Policy((ComponentRule("a", 100),), -1, 50)
    with pytest.raises(PolicyError, match="no assessment component"):
        POLICY.rule("nope")
    with pytest.raises(PolicyError, match="no assessment section"):
        policy_from({})
    with pytest.raises(PolicyError, match="unknown grading scale"):
        policy_from(description(grading_scale="stars"))


# ------------------------------------------------------------------------------ grades


def test_weighted_final_grade_and_a_pass() -> None:
    grade = final_grade(POLICY, everything(0.8, 0.7, 0.6))
    assert [c.percent for c in grade.components] == [80, 70, 60]
    assert grade.percent == 70.5  # 0.30*80 + 0.45*70 + 0.25*60
    assert grade.status == "passed"
    assert grade.passed
    assert grade.label == "70.5 %"
    assert not grade.below_total
    assert grade.failing_components == ()


def test_mean_counts_every_item_of_the_component_and_best_takes_the_best() -> None:
    items = [
        graded("labs", 1.0),
        graded("labs", 0.5),
        ItemResult("labs", "not_attempted"),
        ItemResult("labs", "not_graded"),  # only ungradable submissions: counts 0 too
        graded("project", 0.7),
        graded("exam", 0.6),
    ]
    labs = final_grade(POLICY, items).component("labs")
    assert (labs.percent, labs.items_total, labs.items_graded) == (37.5, 4, 2)
    assert labs.failing
    best = policy_from(description(), {"components": {"labs": {"aggregation": "best"}}})
    assert final_grade(best, items).component("labs").percent == 100


def test_a_component_without_a_graded_item_makes_the_grade_incomplete() -> None:
    grade = final_grade(POLICY, [graded("labs", 1.0), graded("project", 1.0), waiting("exam")])
    assert grade.status == "incomplete"
    assert grade.component("exam").status == "incomplete"
    assert grade.component("exam").percent is None
    assert grade.percent == 75  # the grade so far: the exam counts 0
    assert grade.label == ""
    assert not grade.passed
    nothing = final_grade(POLICY, [])
    assert nothing.status == "incomplete"
    assert nothing.percent == 0


def test_work_waiting_for_a_grade_keeps_the_result_pending() -> None:
    items = [*everything(), waiting("labs")]
    assert final_grade(POLICY, items).status == "pending"
    assert final_grade(POLICY, items).component("labs").items_waiting == 1
    ethics = [graded("labs", 1), waiting("project", "awaiting_ethics"), graded("exam", 1)]
    assert final_grade(POLICY, ethics).status == "incomplete"  # the capstone is its only item
    both = [*everything(), ItemResult("project", "awaiting_ethics")]
    assert final_grade(POLICY, both).status == "pending"


def test_the_pass_rule_minimum_total_and_minimum_per_component() -> None:
    low_total = final_grade(POLICY, everything(0.45, 0.45, 0.45))
    assert (low_total.status, low_total.percent, low_total.below_total) == ("failed", 45, True)
    one_component = final_grade(POLICY, everything(1.0, 1.0, 0.39))
    assert one_component.percent == 84.75
    assert one_component.status == "failed"
    assert one_component.failing_components == ("exam",)
    exactly = final_grade(POLICY, everything(0.4, 0.55, 0.5))
    assert exactly.percent == 49.25
    assert exactly.status == "failed"
    on_the_mark = final_grade(POLICY, everything(0.5, 0.5, 0.5))
    assert (on_the_mark.percent, on_the_mark.status) == (50, "passed")


def test_percentages_are_rounded_half_up_before_the_pass_rule() -> None:
    assert rules.round_percent(72.345) == 72.35
    assert rules.round_percent(0.125) == 0.13
    assert rules.percent_of(0.49995) == 50.0
    # 49.995 % shows as 50 % and therefore passes: what is stated is what was compared.
    policy = Policy((ComponentRule("all", 100),), 50, 50)
    assert final_grade(policy, [graded("all", 0.49995)]).status == "passed"
    assert final_grade(policy, [graded("all", 0.49994)]).status == "failed"


def test_items_of_unknown_components_and_impossible_scores_are_refused() -> None:
    with pytest.raises(PolicyError, match="not in the course"):
        final_grade(POLICY, [graded("quizzes", 1.0)])
    with pytest.raises(PolicyError, match=r"\[0, 1\]"):
        final_grade(POLICY, [graded("labs", 1.5)])


# ------------------------------------------------------------------------------ scales


@pytest.mark.parametrize(
    ("percent", "passed", "letter"),
    [
        (100, True, "A"),
        (90, True, "A"),
        (89.99, True, "B"),
        (80, True, "B"),
        (70, True, "C"),
        (60, True, "D"),
        (50, True, "E"),
        (45, True, "E"),  # a course whose pass mark is under the E band: still E
        (49.99, False, "FX"),
        (40, False, "FX"),
        (39.99, False, "F"),
        (0, False, "F"),
        (95, False, "FX"),  # failed a component minimum with a high total: a fail grade
    ],
)
def test_ects_fixed_bands(percent: float, passed: bool, letter: str) -> None:
    scale = Scale("ects-a-f", "ECTS", DEFAULT_ECTS_BANDS)
    assert scale.label(percent, passed=passed) == letter


def test_the_course_scale_is_used_for_the_final_grade() -> None:
    ects = policy_from(description(grading_scale="ects-a-f"))
    assert final_grade(ects, everything(0.8, 0.7, 0.6)).label == "C"
    assert final_grade(ects, everything(1.0, 1.0, 0.39)).label == "FX"
    assert final_grade(ects, everything(0.2, 0.2, 0.2)).label == "F"


def test_a_course_may_set_its_own_ects_bands() -> None:
    policy = policy_from(
        description(grading_scale="ects-a-f"),
        {
            "ects_bands": [
                {"min_percent": 85, "label": "A"},
                {"min_percent": 75, "label": "B"},
                {"min_percent": 65, "label": "C"},
                {"min_percent": 55, "label": "D"},
                {"min_percent": 50, "label": "E"},
                {"min_percent": 0, "label": "F", "passing": False},
            ]
        },
    )
    assert final_grade(policy, everything(0.9, 0.9, 0.8)).label == "A"  # 87.5


def test_the_awarding_bodys_local_scale_via_a_mapping() -> None:
    irish = {
        "name": "Irish honours classification",
        "bands": [
            {"min_percent": 70, "label": "First class honours"},
            {"min_percent": 60, "label": "Second class honours, grade 1"},
            {"min_percent": 50, "label": "Second class honours, grade 2"},
            {"min_percent": 40, "label": "Pass"},
            {"min_percent": 0, "label": "Fail", "passing": False},
        ],
    }
    policy = policy_from(description(grading_scale="local"), {"local_scale": irish})
    assert policy.scale.name == "Irish honours classification"
    assert final_grade(policy, everything(0.8, 0.7, 0.6)).label == "First class honours"
    assert final_grade(policy, everything(0.6, 0.6, 0.6)).label == "Second class honours, grade 1"
    assert final_grade(policy, everything(0.3, 0.3, 0.3)).label == "Fail"


def test_a_local_scale_without_its_mapping_falls_back_to_percentages_with_a_warning() -> None:
    policy = policy_from(description(grading_scale="local"))
    assert policy.scale.code == "percentage"
    assert "local_scale" in policy.warnings[0]


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ((), "no bands"),
        ((Band(50, "P"), Band(10, "F", passing=False)), "start at 0"),
        ((Band(0, "F", passing=False), Band(50, "P")), "highest minimum down"),
        ((Band(50, "P"), Band(50, "Q"), Band(0, "F", passing=False)), "highest minimum down"),
        ((Band(50, "P"), Band(0, "Q")), "passing and failing"),
        ((Band(50, "F", passing=False), Band(40, "P"), Band(0, "G", passing=False)), "above"),
        ((Band(50, "P"), Band(0, "P", passing=False)), "distinct"),
        ((Band(150, "P"), Band(0, "F", passing=False)), "outside"),
    ],
)
def test_bad_scales_are_refused(bands: tuple[Band, ...], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        Scale("local", "local", bands)


@pytest.mark.parametrize(
    "local",
    [
        {"name": "x"},
        {"name": "x", "bands": [{"min_percent": 0}]},
        {"name": "x", "bands": [{"min_percent": 0, "label": "F", "passing": "no"}]},
        {"name": "x", "bands": [], "extra": 1},
    ],
)
def test_bad_local_scale_settings_are_refused(local: dict[str, Any]) -> None:
    with pytest.raises(PolicyError):
        policy_from(description(grading_scale="local"), {"local_scale": local})


def test_the_percentage_scale_has_no_bands() -> None:
    with pytest.raises(PolicyError):
        Scale("percentage", "percentage", DEFAULT_ECTS_BANDS)


# -------------------------------------------------------------------- evidenced skills

OUTCOMES = [
    {"id": "LO1", "esco_skills": [{"uri": "esco:ml", "label": "machine learning"}]},
    {
        "id": "LO2",
        "esco_skills": [
            {"uri": "esco:dl", "label": "deep learning"},
            {"uri": "esco:ml", "label": "machine learning"},
        ],
    },
    {"id": "LO3", "esco_skills": [{"uri": "esco:ethics", "label": "AI ethics"}]},
]


def test_only_outcomes_of_passed_items_are_evidenced() -> None:
    items = [
        graded("labs", 0.9, "lab:a", "LO1"),
        graded("labs", 0.49, "lab:b", "LO2"),  # under the item pass mark (50 %)
        ItemResult("project", "awaiting_ethics", None, "capstone", ("LO3",)),
        graded("exam", 0.5, "exam", "LO1"),
    ]
    assert rules.evidenced_outcomes(POLICY, items) == {"LO1"}
    assert rules.item_passed(POLICY, items[3])
    assert not rules.item_passed(POLICY, items[2])
    claims = rules.evidenced_skills(OUTCOMES, {"LO1"})
    assert [(c.uri, c.outcomes) for c in claims] == [("esco:ml", ("LO1",))]


def test_a_skill_carried_by_two_evidenced_outcomes_is_claimed_once() -> None:
    claims = rules.evidenced_skills(OUTCOMES, {"LO1", "LO2"})
    assert [(c.uri, c.label, c.outcomes) for c in claims] == [
        ("esco:ml", "machine learning", ("LO1", "LO2")),
        ("esco:dl", "deep learning", ("LO2",)),
    ]
    assert rules.evidenced_skills(OUTCOMES, set()) == ()


# -------------------------------------------------------------------------- properties

scores = st.floats(min_value=0, max_value=1, allow_nan=False)


@st.composite
def weights_summing_to_100(draw: st.DrawFn) -> list[float]:
    """Integer weights in hundredths, as courses write them (e.g. 33.33 + 33.33 + 33.34)."""
    count = draw(st.integers(min_value=1, max_value=6))
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 10_000]
    return [(b - a) / 100 for a, b in itertools.pairwise(bounds)]


@st.composite
def courses(draw: st.DrawFn) -> tuple[Policy, list[ItemResult]]:
    weights = draw(weights_summing_to_100())
    rules_ = tuple(
        ComponentRule(
            f"c{n}",
            weight,
            draw(st.sampled_from(["mean", "best"])),
            draw(st.floats(0, 100, allow_nan=False)),
        )
        for n, weight in enumerate(weights)
    )
    policy = Policy(rules_, draw(st.floats(0, 100, allow_nan=False)), 50)
    items = [
        ItemResult(rule.code, "graded", draw(scores))
        for rule in rules_
        for _ in range(draw(st.integers(1, 3)))
    ]
    return policy, items


@settings(max_examples=300, deadline=None)
@given(weights_summing_to_100())
def test_generated_weights_add_up_to_100_and_make_a_policy(weights: list[float]) -> None:
    assert abs(sum(weights) - 100) < 1e-6
    policy = Policy(tuple(ComponentRule(f"c{n}", w) for n, w in enumerate(weights)), 50, 50)
    full = final_grade(policy, [ItemResult(r.code, "graded", 1.0) for r in policy.components])
    assert full.percent == 100
    empty = final_grade(policy, [ItemResult(r.code, "graded", 0.0) for r in policy.components])
    assert empty.percent == 0


@settings(max_examples=300, deadline=None)
@given(courses(), st.data())
def test_the_grade_never_falls_when_a_score_rises(
    course: tuple[Policy, list[ItemResult]], data: st.DataObject
) -> None:
    policy, items = course
    before = final_grade(policy, items)
    index = data.draw(st.integers(0, len(items) - 1))
    item = items[index]
    assert item.score is not None
    higher = data.draw(st.floats(min_value=item.score, max_value=1, allow_nan=False))
    raised = [*items]
    raised[index] = ItemResult(item.component, "graded", higher)
    after = final_grade(policy, raised)
    assert after.percent >= before.percent
    for old, new in zip(before.components, after.components, strict=True):
        assert (new.percent or 0) >= (old.percent or 0)
    if before.passed:
        assert after.passed


@settings(max_examples=300, deadline=None)
@given(courses())
def test_the_final_grade_lies_between_the_lowest_and_highest_component(
    course: tuple[Policy, list[ItemResult]],
) -> None:
    policy, items = course
    grade = final_grade(policy, items)
    percents = [c.percent for c in grade.components if c.weight > 0]
    assert all(p is not None for p in percents)
    assert min(percents) - 0.01 <= grade.percent <= max(percents) + 0.01  # type: ignore[type-var]
    assert grade.status in ("passed", "failed")
    assert grade.passed == (
        grade.percent >= policy.minimum_total_percent
        and all(c.percent >= c.minimum_percent for c in grade.components)  # type: ignore[operator]
    )


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 100, allow_nan=False), st.floats(0, 100, allow_nan=False))
def test_ects_letters_are_monotone_in_the_percentage(low: float, high: float) -> None:
    low, high = sorted((low, high))
    scale = Scale("ects-a-f", "ECTS", DEFAULT_ECTS_BANDS)
    order = [band.label for band in DEFAULT_ECTS_BANDS]
    for passed in (True, False):
        assert order.index(scale.label(high, passed=passed)) <= order.index(
            scale.label(low, passed=passed)
        )
