"""Database rows for synced courses, keyed by the UUIDs of the course files.

The course folder in git is the source of truth; these rows exist so learner data (enrolments,
attempts, grades, credentials) can point at stable entities. A sync never deletes a row that
disappeared from the course: it is retired (`retired_at`), so graded history is never lost.
The full parsed description is kept as JSON for rendering, and the fields other apps query
are real columns.
"""

from __future__ import annotations

from django.db import models


class Synced(models.Model):
    uuid = models.UUIDField(unique=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Programme(Synced):
    """One microcredential (a course folder)."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.JSONField()
    source_path = models.CharField(max_length=500)
    source_digest = models.CharField(max_length=64)
    description = models.JSONField()
    eqf_level = models.PositiveSmallIntegerField()
    ects = models.DecimalField(max_digits=5, decimal_places=1)
    exports = models.JSONField(default=dict)
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.slug


class LearningOutcome(Synced):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="outcomes")
    code = models.CharField(max_length=80)
    position = models.PositiveIntegerField()
    text = models.JSONField()
    esco_skills = models.JSONField(default=list)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.code


class AssessmentComponent(Synced):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="components")
    code = models.CharField(max_length=80)
    kind = models.CharField(max_length=20)
    title = models.JSONField()
    weight = models.DecimalField(max_digits=5, decimal_places=2)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.code


class Module(Synced):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="modules")
    slug = models.SlugField(max_length=80)
    position = models.PositiveIntegerField()
    title = models.JSONField()
    summary = models.JSONField()
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    resources = models.JSONField(default=list)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.slug


class Lesson(Synced):
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="lessons")
    slug = models.SlugField(max_length=80)
    position = models.PositiveIntegerField()
    title = models.JSONField()
    status = models.CharField(max_length=20)
    duration_minutes = models.PositiveIntegerField()
    outcomes = models.JSONField(default=list)
    resources = models.JSONField(default=list)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.slug


class AssessmentItem(Synced):
    """A lab, the capstone, the exam or a graded quiz: something that produces a score."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="items")
    component = models.ForeignKey(
        AssessmentComponent, on_delete=models.PROTECT, related_name="items", null=True
    )
    kind = models.CharField(max_length=20)
    slug = models.CharField(max_length=80)
    title = models.JSONField()
    outcomes = models.JSONField(default=list)
    spec = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.kind} {self.slug}"
