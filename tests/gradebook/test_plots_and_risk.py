"""`gradebook.plots` (histogram geometry, drawn as SVG by a template) and `gradebook.risk`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest
from django.template.loader import render_to_string

from microcred.gradebook import plots
from microcred.gradebook.risk import Risk, RiskRules, Signals, risk_rules, risks
from microcred.gradebook.rules import ComponentRule, ItemResult, Policy, PolicyError, final_grade

SVG = "{http://www.w3.org/2000/svg}"


def test_values_are_binned_with_the_top_edge_in_the_last_bin() -> None:
    assert plots.bins([0, 9.99, 10, 55, 100, 100.5, -1]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 1]


def test_bar_heights_are_proportional_and_the_marker_is_placed() -> None:
    plot = plots.histogram("g", "Grades", [5, 15, 15, 95], marker=50, marker_label="pass")
    heights = [bar.height for bar in plot.bars]
    assert heights[1] == max(heights)
    assert heights[0] == pytest.approx(heights[1] / 2)
    assert heights[2] == 0
    assert plot.marker_x == pytest.approx((plot.plot_left + plot.plot_right) / 2)
    assert plot.description == "0-10 %: 1; 10-20 %: 2; 90-100 %: 1"
    assert plot.total == 4
    empty = plots.histogram("e", "Nothing", [])
    assert {bar.height for bar in empty.bars} == {0}
    assert empty.description == ""  # the template says "no values" in the reader's language


def test_the_template_draws_well_formed_accessible_svg_and_escapes_text() -> None:
    plot = plots.histogram("x", 'Lab "<script>alert(1)</script>"', [42, 43, 97], marker=50)
    html = render_to_string("gradebook/_histogram.html", {"plot": plot})
    assert "<script>" not in html
    svg = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == 'Lab "<script>alert(1)</script>"'  # type: ignore[union-attr]
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 10
    assert [b.find(f"{SVG}title").text for b in bars][4] == "40-50 %: 2"  # type: ignore[union-attr]


# -------------------------------------------------------------------------------- risk

NOW = datetime(2027, 6, 10, 12, tzinfo=UTC)
POLICY = Policy((ComponentRule("labs", 60, minimum_percent=40), ComponentRule("exam", 40)), 50, 50)


def signals(
    *labs: float, exam: float | None = None, idle_days: int = 1, exam_started: bool = False
) -> Signals:
    items = [ItemResult("labs", "graded", s) for s in labs] + [
        ItemResult("labs", "not_attempted") for _ in range(3 - len(labs))
    ]
    items.append(
        ItemResult("exam", "graded", exam)
        if exam is not None
        else ItemResult("exam", "not_attempted")
    )
    return Signals(
        enrolled_at=NOW - timedelta(days=60),
        last_activity=NOW - timedelta(days=idle_days),
        grade=final_grade(POLICY, items),
        has_exam=True,
        exam_started=exam_started or exam is not None,
    )


def codes(found: list[Risk]) -> list[str]:
    return [risk.code for risk in found]


def test_a_learner_doing_well_and_active_is_not_at_risk() -> None:
    assert risks(signals(0.9), NOW, date(2027, 8, 1), RiskRules()) == []


def test_no_activity_for_n_days() -> None:
    found = risks(signals(0.9, idle_days=20), NOW, None, RiskRules(inactive_days=14))
    assert found == [Risk("inactive", days=20)]
    never = Signals(NOW - timedelta(days=30), None, signals(0.9).grade, True, False)
    assert codes(risks(never, NOW, None, RiskRules())) == ["inactive"]


def test_failing_a_component_judged_on_the_work_done_so_far() -> None:
    # One lab of three at 90 %: the mean so far counts the others 0 (30 %), but the work done
    # is fine, so this is not a risk; one lab at 30 % is.
    assert risks(signals(0.9), NOW, None, RiskRules()) == []
    assert risks(signals(0.3), NOW, None, RiskRules()) == [Risk("failing", components=("labs",))]
    failed = signals(0.5, 0.5, 0.5, exam=0.1)  # 34 %: under the pass mark
    assert failed.grade.status == "failed"
    assert codes(risks(failed, NOW, None, RiskRules())) == ["failing"]


def test_exam_not_started_near_the_end_date() -> None:
    rules = RiskRules(exam_warning_days=21)
    assert risks(signals(0.9), NOW, date(2027, 7, 20), rules) == []
    assert risks(signals(0.9), NOW, date(2027, 6, 30), rules) == [Risk("exam_not_started", days=20)]
    assert risks(signals(0.9), NOW, date(2027, 6, 1), rules) == [Risk("exam_not_started", days=-9)]
    assert risks(signals(0.9, exam_started=True), NOW, date(2027, 6, 30), rules) == []


def test_a_learner_who_passed_is_never_at_risk() -> None:
    done = signals(0.9, 0.9, 0.9, exam=0.9, idle_days=90)
    assert done.grade.passed
    assert risks(done, NOW, date(2027, 6, 1), RiskRules()) == []


def test_risk_thresholds_come_from_the_course_settings() -> None:
    assert risk_rules({}) == RiskRules()
    assert risk_rules({"risk": {"inactive_days": 7}}) == RiskRules(inactive_days=7)
    for bad in (
        {"risk": {"inactive_days": -1}},
        {"risk": {"days": 3}},
        {"risk": {"inactive_days": True}},
    ):
        with pytest.raises(PolicyError):
            risk_rules(bad)
