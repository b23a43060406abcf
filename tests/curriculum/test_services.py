"""sync_course: idempotent, keyed by UUID, never destroys history."""

from __future__ import annotations

from pathlib import Path

import pytest

from microcred.curriculum import models as m
from microcred.curriculum.services import CourseInvalidError, sync_course

pytestmark = pytest.mark.django_db


def test_sync_creates_every_entity(course_copy: Path) -> None:
    report = sync_course(course_copy)
    programme = m.Programme.objects.get()
    assert report.programme == programme
    assert programme.slug == "minimal"
    assert programme.eqf_level == 7
    assert programme.outcomes.count() == 1
    assert programme.components.count() == 3
    assert programme.modules.count() == 1
    assert m.Lesson.objects.filter(module__programme=programme).count() == 1
    assert sorted(programme.items.values_list("kind", flat=True)) == [
        "capstone",
        "exam",
        "lab",
        "quiz",
    ]
    lab = programme.items.get(kind="lab")
    assert lab.component is not None
    assert lab.component.code == "labs"
    assert set(programme.exports) == {"ob3-achievement", "elm", "schemaorg"}


def test_second_sync_changes_nothing(course_copy: Path) -> None:
    sync_course(course_copy)
    before = {row.uuid: row.updated_at for row in m.Module.objects.all()}
    report = sync_course(course_copy)
    assert not report.changed, report.summary()
    assert {row.uuid: row.updated_at for row in m.Module.objects.all()} == before


def test_renamed_folder_keeps_its_rows(course_copy: Path) -> None:
    sync_course(course_copy)
    programme_id = m.Programme.objects.get().pk
    renamed = course_copy.rename(course_copy.parent / "renamed-course")
    report = sync_course(renamed)
    assert m.Programme.objects.count() == 1
    assert report.programme.pk == programme_id
    assert report.programme.source_path.endswith("renamed-course")


def test_edited_title_updates_the_same_row(course_copy: Path) -> None:
    sync_course(course_copy)
    description = course_copy / "microcredential.yaml"
    text = description.read_text()
    description.write_text(text.replace("Minimal Machine Learning", "Minimal ML, revised"))
    report = sync_course(course_copy)
    assert report.updated.get("programme") == 1
    assert m.Programme.objects.get().title["en"] == "Minimal ML, revised"


def test_removed_lab_is_retired_not_deleted(course_copy: Path) -> None:
    sync_course(course_copy)
    lab = m.AssessmentItem.objects.get(kind="lab")
    # Moving the lab to a new folder with a new UUID retires the old row.
    lab_file = next((course_copy / "labs").glob("*/lab.yaml"))
    text = lab_file.read_text()
    lab_file.write_text(text.replace(str(lab.uuid), "0b0cfd9e-2c53-4d0c-9a8e-9f1e2d3c4b5a"))
    report = sync_course(course_copy)
    lab.refresh_from_db()
    assert lab.retired_at is not None
    assert report.retired == {"assessment item": 1}
    assert m.AssessmentItem.objects.filter(kind="lab", retired_at__isnull=True).count() == 1


def test_invalid_course_syncs_nothing(course_copy: Path) -> None:
    description = course_copy / "microcredential.yaml"
    description.write_text(description.read_text().replace("eqf: 7", "eqf: 9", 1))
    with pytest.raises(CourseInvalidError) as raised:
        sync_course(course_copy)
    assert [e.code for e in raised.value.errors] == ["MC102"]
    assert m.Programme.objects.count() == 0
