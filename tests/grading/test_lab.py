"""Lab folders: the real labs load; broken ones fail with one located line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from microcred.grading import LabError, load_lab

from ._paths import LAB_SLUGS, LABS_DIR


@pytest.mark.parametrize("slug", LAB_SLUGS)
def test_course_labs_follow_the_folder_contract(slug: str) -> None:
    lab = load_lab(LABS_DIR / slug)
    assert lab.meta.component == "programming-assignments"
    assert lab.meta.points > 0
    assert lab.version.startswith(lab.spec.version + "+")
    for name in (lab.meta.statement, lab.meta.starter, lab.meta.solution, lab.spec.judge):
        assert (LABS_DIR / slug / name).is_file()
    # The statement and starter never contain the reference.
    starter = (LABS_DIR / slug / lab.meta.starter).read_text()
    assert "raise NotImplementedError" in starter


def test_all_seven_labs_exist() -> None:
    assert len(LAB_SLUGS) == 7
    uuids = {load_lab(LABS_DIR / s).uuid for s in LAB_SLUGS}
    assert len(uuids) == 7


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "lab"
    shutil.copytree(LABS_DIR / "optimizers", target)
    return target


def _edit(lab: Path, change: dict[str, object]) -> None:
    data = yaml.safe_load((lab / "lab.yaml").read_text())
    for dotted, value in change.items():
        node = data
        *parents, last = dotted.split(".")
        for key in parents:
            node = node[key]
        if value is None:
            del node[last]
        else:
            node[last] = value
    (lab / "lab.yaml").write_text(yaml.safe_dump(data))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"grading.limits.cpu_seconds": 0}, "grading.limits.cpu_seconds"),
        ({"grading.unknown_key": 1}, "grading.unknown_key"),
        ({"grading.judge": "nope.py"}, "grading.judge: file 'nope.py' does not exist"),
        ({"uuid": "not-a-uuid"}, "lab.yaml: uuid"),
        ({"component": "exams"}, "component: must be 'programming-assignments'"),
        ({"outcomes": ["LO9"]}, "unknown learning outcome 'LO9'"),
        ({"solution": None}, "lab.yaml: solution"),
        ({"starter": "missing.py"}, "starter: file 'missing.py' does not exist"),
    ],
)
def test_broken_manifest_gives_a_located_error(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    lab = _copy(tmp_path)
    _edit(lab, change)
    with pytest.raises(LabError) as info:
        load_lab(lab)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_invalid_yaml_reports_the_line(tmp_path: Path) -> None:
    lab = _copy(tmp_path)
    (lab / "lab.yaml").write_text("uuid: x\ntitle: [unclosed\n")
    with pytest.raises(LabError, match=r"lab.yaml:\d+:\d+: invalid YAML"):
        load_lab(lab)


def test_judge_syntax_error_is_an_author_error(tmp_path: Path) -> None:
    lab = _copy(tmp_path)
    (lab / "judge.py").write_text("def grade(j):\n    return (\n")
    with pytest.raises(LabError, match=r"judge.py:\d+: syntax error in the judge"):
        load_lab(lab)


def test_judge_without_grade_function(tmp_path: Path) -> None:
    lab = _copy(tmp_path)
    (lab / "judge.py").write_text("X = 1\n")
    with pytest.raises(LabError, match="must define grade"):
        load_lab(lab)
