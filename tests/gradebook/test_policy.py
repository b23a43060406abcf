"""`gradebook.policy`: the course description plus the course folder's `gradebook.yaml`."""

from __future__ import annotations

from pathlib import Path

import pytest

from microcred.curriculum.models import AssessmentItem, Programme
from microcred.gradebook.grades import learner_grade
from microcred.gradebook.policy import course_settings, policy_for
from microcred.gradebook.rules import PolicyError
from microcred.learning.models import Enrolment

from . import work

pytestmark = pytest.mark.django_db


def test_without_a_settings_file_the_description_decides(programme: Programme) -> None:
    assert course_settings(programme) == {}
    policy = policy_for(programme)
    assert [(r.code, r.weight, r.aggregation, r.minimum_percent) for r in policy.components] == [
        ("labs", 40, "mean", 40),
        ("project", 40, "mean", 40),
        ("exam", 20, "mean", 40),
    ]
    assert policy.scale.code == "percentage"


def test_the_settings_file_is_read_again_when_it_changes(
    enrolled: Enrolment, items: dict[str, AssessmentItem], programme: Programme, course_dir: Path
) -> None:
    work.lab(enrolled, items["01-mean-baseline"], 1.0)
    assert learner_grade(enrolled).grade.component("labs").percent == 50  # mean with a 0
    settings = course_dir / "gradebook.yaml"
    settings.write_text("components:\n  labs: {aggregation: best}\n")
    assert learner_grade(enrolled).grade.component("labs").percent == 100
    settings.write_text("components:\n  labs: {aggregation: mean}\n# changed\n")
    assert learner_grade(enrolled).grade.component("labs").percent == 50


def test_a_local_scale_from_the_settings_file(programme: Programme, course_dir: Path) -> None:
    programme.description["assessment"]["grading_scale"] = "local"
    programme.save()
    assert policy_for(programme).warnings  # no mapping yet: percentages, with a warning
    (course_dir / "gradebook.yaml").write_text(
        "local_scale:\n"
        "  name: Pass or fail\n"
        "  bands:\n"
        "    - {min_percent: 50, label: Pass}\n"
        "    - {min_percent: 0, label: Fail, passing: false}\n"
    )
    policy = policy_for(programme)
    assert (policy.scale.code, policy.scale.name, policy.warnings) == ("local", "Pass or fail", ())


@pytest.mark.parametrize("text", ["components: [unclosed\n", "- a list\n"])
def test_a_broken_settings_file_is_a_policy_error(
    programme: Programme, course_dir: Path, text: str
) -> None:
    (course_dir / "gradebook.yaml").write_text(text)
    with pytest.raises(PolicyError):
        policy_for(programme)
