"""Writes for the curriculum app: the one service that syncs a course folder into the database.

Sync is idempotent and keyed by UUID: running it twice changes nothing, renaming a folder or
a slug updates the same rows, and entities removed from the course are retired, never
deleted, because learner attempts and credentials point at them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from django.db import models, transaction
from django.utils import timezone

from microcred.curriculum.spec import Diagnostic, validate_course
from microcred.curriculum.spec.course import Course
from microcred.curriculum.spec.exporters import EXPORTERS

from . import models as m


class CourseInvalidError(Exception):
    def __init__(self, errors: list[Diagnostic]) -> None:
        super().__init__(f"{len(errors)} validation error(s)")
        self.errors = errors


@dataclass
class SyncReport:
    programme: m.Programme
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    retired: dict[str, int] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)

    def summary(self) -> str:
        def fmt(bucket: dict[str, int]) -> str:
            return ", ".join(f"{n} {k}" for k, n in sorted(bucket.items())) or "nothing"

        return (
            f"synced {self.programme.slug} ({self.programme.uuid}): "
            f"created {fmt(self.created)}; updated {fmt(self.updated)}; "
            f"retired {fmt(self.retired)}; {len(self.warnings)} warning(s)"
        )


def course_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


S = TypeVar("S", bound=m.Synced)


def _decimal(value: float, places: int) -> Decimal:
    return Decimal(str(round(value, places)))


def _upsert(report: SyncReport, kind: str, model: type[S], uuid: UUID, values: dict[str, Any]) -> S:
    row = model.objects.filter(uuid=uuid).first()
    if row is None:
        row = model.objects.create(uuid=uuid, **values)
        report.count(report.created, kind)
        return row
    changed = row.retired_at is not None or any(
        getattr(row, name) != value for name, value in values.items()
    )
    if changed:
        for name, value in values.items():
            setattr(row, name, value)
        row.retired_at = None
        row.save()
        report.count(report.updated, kind)
    return row


def _retire(
    report: SyncReport, kind: str, rows: models.QuerySet[Any], keep: Iterable[UUID]
) -> None:
    stale = rows.filter(retired_at__isnull=True).exclude(uuid__in=list(keep))
    count = stale.update(retired_at=timezone.now())
    if count:
        report.retired[kind] = count


@transaction.atomic
def sync_course(root: Path) -> SyncReport:
    """Validate the course folder and upsert it; raises CourseInvalidError if it has errors."""
    result = validate_course(root)
    if not result.ok:
        raise CourseInvalidError(result.errors)
    course = result.course
    spec = course.description
    assert spec is not None  # a course without errors has its description
    root = Path(root).resolve()
    digest = course_digest(root)
    existing = m.Programme.objects.filter(uuid=spec.uuid).first()
    report = SyncReport(programme=existing or m.Programme(slug=spec.id))
    description = spec.model_dump(mode="json")
    programme = _upsert(
        report,
        "programme",
        m.Programme,
        spec.uuid,
        {
            "slug": spec.id,
            "title": spec.title,
            "source_path": str(root),
            "source_digest": digest,
            "description": description,
            "eqf_level": spec.level.eqf,
            "ects": _decimal(spec.workload.ects, 1),
            "exports": {name: export(course) for name, export in EXPORTERS.items()},
            "synced_at": existing.synced_at
            if existing and existing.source_digest == digest
            else timezone.now(),
        },
    )
    report.programme = programme
    report.warnings = result.warnings
    _sync_outcomes(report, programme, course)
    components = _sync_components(report, programme, course)
    _sync_modules(report, programme, course)
    _sync_items(report, programme, course, components)
    return report


def _sync_outcomes(report: SyncReport, programme: m.Programme, course: Course) -> None:
    assert course.description is not None
    outcomes = course.description.learning_outcomes
    for position, outcome in enumerate(outcomes):
        _upsert(
            report,
            "learning outcome",
            m.LearningOutcome,
            outcome.uuid,
            {
                "programme": programme,
                "code": outcome.id,
                "position": position,
                "text": outcome.text,
                "esco_skills": [s.model_dump() for s in outcome.esco_skills],
            },
        )
    _retire(report, "learning outcome", programme.outcomes.all(), [o.uuid for o in outcomes])


def _sync_components(
    report: SyncReport, programme: m.Programme, course: Course
) -> dict[str, m.AssessmentComponent]:
    assert course.description is not None
    found: dict[str, m.AssessmentComponent] = {}
    components = course.description.assessment.components
    for position, component in enumerate(components):
        found[component.id] = _upsert(
            report,
            "assessment component",
            m.AssessmentComponent,
            component.uuid,
            {
                "programme": programme,
                "code": component.id,
                "kind": component.kind,
                "title": component.title,
                "weight": _decimal(component.weight, 2),
                "position": position,
            },
        )
    _retire(
        report, "assessment component", programme.components.all(), [c.uuid for c in components]
    )
    return found


def _sync_modules(report: SyncReport, programme: m.Programme, course: Course) -> None:
    lesson_uuids: list[UUID] = []
    for position, module in enumerate(course.modules):
        row = _upsert(
            report,
            "module",
            m.Module,
            module.spec.uuid,
            {
                "programme": programme,
                "slug": module.slug,
                "position": position,
                "title": module.spec.title,
                "summary": module.spec.summary,
                "hours": _decimal(module.spec.hours, 1),
                "resources": [r.model_dump(mode="json") for r in module.spec.resources],
            },
        )
        for lesson_position, lesson in enumerate(module.lessons):
            lesson_uuids.append(lesson.spec.uuid)
            _upsert(
                report,
                "lesson",
                m.Lesson,
                lesson.spec.uuid,
                {
                    "module": row,
                    "slug": lesson.slug,
                    "position": lesson_position,
                    "title": lesson.spec.title,
                    "status": lesson.spec.status,
                    "duration_minutes": lesson.spec.duration_minutes,
                    "outcomes": list(lesson.spec.learning_outcomes),
                    "resources": [r.model_dump(mode="json") for r in lesson.spec.resources],
                },
            )
    _retire(report, "module", programme.modules.all(), [mod.spec.uuid for mod in course.modules])
    _retire(report, "lesson", m.Lesson.objects.filter(module__programme=programme), lesson_uuids)


def _sync_items(
    report: SyncReport,
    programme: m.Programme,
    course: Course,
    components: dict[str, m.AssessmentComponent],
) -> None:
    seen: list[UUID] = []

    def item(
        kind: str,
        uuid: UUID,
        slug: str,
        title: dict[str, str],
        component: str | None,
        outcomes: list[str],
        spec: dict[str, Any],
    ) -> None:
        seen.append(uuid)
        _upsert(
            report,
            kind,
            m.AssessmentItem,
            uuid,
            {
                "programme": programme,
                "kind": kind,
                "slug": slug,
                "title": title,
                "component": components.get(component) if component else None,
                "outcomes": sorted(set(outcomes)),
                "spec": spec,
            },
        )

    for lab in course.labs:
        item(
            "lab",
            lab.spec.uuid,
            lab.slug,
            lab.spec.title,
            lab.spec.component,
            lab.spec.outcomes,
            lab.spec.model_dump(mode="json"),
        )
    if course.capstone is not None:
        capstone = course.capstone.spec
        outcomes = [*capstone.outcomes, *(o for c in capstone.rubric for o in c.outcomes)]
        item(
            "capstone",
            capstone.uuid,
            "capstone",
            capstone.title,
            capstone.component,
            outcomes,
            capstone.model_dump(mode="json"),
        )
    if course.exam is not None:
        exam = course.exam.spec
        item(
            "exam",
            exam.uuid,
            "exam",
            exam.title,
            exam.component,
            [o for q in exam.items for o in q.outcomes],
            exam.model_dump(mode="json"),
        )
    for module in course.modules:
        if module.quiz is not None:
            quiz = module.quiz.spec
            item(
                "quiz",
                quiz.uuid,
                f"{module.slug}-quiz",
                quiz.title,
                quiz.component,
                [o for q in quiz.items for o in q.outcomes],
                quiz.model_dump(mode="json"),
            )
    _retire(report, "assessment item", programme.items.all(), seen)
