"""Reads for the curriculum app. Public pages only ever see live (not retired) rows."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from . import models as m


def live_programmes() -> QuerySet[m.Programme]:
    return m.Programme.objects.filter(retired_at__isnull=True).order_by("slug")


def programme_for_public_page(slug: str) -> m.Programme | None:
    """The programme with its live modules and lessons in two extra queries."""
    lessons = m.Lesson.objects.filter(retired_at__isnull=True).order_by("position")
    modules = (
        m.Module.objects.filter(retired_at__isnull=True)
        .order_by("position")
        .prefetch_related(Prefetch("lessons", queryset=lessons))
    )
    return (
        live_programmes()
        .filter(slug=slug)
        .prefetch_related(Prefetch("modules", queryset=modules))
        .first()
    )
