"""Reads for the learning app. Each takes the acting user and returns only what they may see:
learners their own enrolments and progress, instructors and administrators everything."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from microcred.accounts.models import STAFF_ROLES, User
from microcred.curriculum.models import Lesson, Module, Programme
from microcred.curriculum.queries import live_programmes

from .models import Enrolment, LessonProgress

PUBLISHED = "published"


def is_staff(user: User) -> bool:
    return user.is_authenticated and user.has_role(*STAFF_ROLES)


def live_programme(slug: str) -> Programme | None:
    return live_programmes().filter(slug=slug).first()


def enrolment_of(user: User, programme: Programme) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(learner=user, programme=programme).first()


def _live_lessons() -> QuerySet[Lesson]:
    return Lesson.objects.filter(retired_at__isnull=True).order_by("position")


def _ordered_published(lessons: list[Lesson]) -> list[Lesson]:
    return [lesson for lesson in lessons if lesson.status == PUBLISHED]


def _resume(ordered: list[Lesson], progress: dict[int, LessonProgress]) -> Lesson | None:
    """The last lesson opened, or the next unfinished one after it if it is finished; the
    first unfinished lesson when nothing was opened yet."""
    if not ordered:
        return None
    opened = [progress[lesson.pk] for lesson in ordered if lesson.pk in progress]
    opened = [p for p in opened if p.last_opened_at is not None]
    if not opened:
        return next((lesson for lesson in ordered if lesson.pk not in progress), ordered[0])
    latest = max(opened, key=lambda p: p.last_opened_at)  # type: ignore[arg-type, return-value]
    index = next(i for i, lesson in enumerate(ordered) if lesson.pk == latest.lesson_id)
    if not latest.completed:
        return ordered[index]
    for lesson in ordered[index + 1 :] + ordered[:index]:
        found = progress.get(lesson.pk)
        if found is None or not found.completed:
            return lesson
    return None  # everything is complete


@dataclass
class EnrolmentSummary:
    enrolment: Enrolment
    total: int = 0
    completed: int = 0
    resume: Lesson | None = None

    @property
    def programme(self) -> Programme:
        return self.enrolment.programme

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


def learner_dashboard(user: User) -> list[EnrolmentSummary]:
    """The learner's enrolments with progress and a resume lesson, in three queries."""
    enrolments = list(
        Enrolment.objects.filter(learner=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("programme")
        .order_by("-updated_at")
    )
    active = [e.programme_id for e in enrolments if e.is_active]
    by_programme: dict[int, list[Lesson]] = defaultdict(list)
    progress: dict[int, LessonProgress] = {}
    if active:
        lessons = (
            _live_lessons()
            .filter(module__programme_id__in=active, module__retired_at__isnull=True)
            .select_related("module")
            .order_by("module__position", "position")
        )
        for lesson in lessons:
            by_programme[lesson.module.programme_id].append(lesson)
        progress = {
            p.lesson_id: p
            for p in LessonProgress.objects.filter(
                learner=user, lesson__module__programme_id__in=active
            )
        }
    summaries = []
    for enrolment in enrolments:
        summary = EnrolmentSummary(enrolment=enrolment)
        if enrolment.is_active:
            ordered = _ordered_published(by_programme[enrolment.programme_id])
            summary.total = len(ordered)
            summary.completed = sum(
                1 for lesson in ordered if lesson.pk in progress and progress[lesson.pk].completed
            )
            summary.resume = _resume(ordered, progress)
        summaries.append(summary)
    return summaries


def open_programmes(user: User) -> list[Programme]:
    """Live programmes the learner could still join (no pending or active enrolment)."""
    taken = Enrolment.objects.filter(
        learner=user, status__in=[Enrolment.Status.PENDING, Enrolment.Status.ACTIVE]
    ).values("programme_id")
    return list(live_programmes().exclude(pk__in=taken))


@dataclass
class StaffDashboard:
    pending: int
    programmes: list[Programme] = field(default_factory=list)


def staff_dashboard(user: User) -> StaffDashboard | None:
    """Live programmes with their enrolment counts per status, and the review queue length."""
    if not is_staff(user):
        return None
    status = Enrolment.Status
    programmes = list(
        live_programmes().annotate(
            active_count=Count("enrolments", filter=Q(enrolments__status=status.ACTIVE)),
            pending_count=Count("enrolments", filter=Q(enrolments__status=status.PENDING)),
        )
    )
    return StaffDashboard(
        pending=sum(p.pending_count for p in programmes),  # type: ignore[attr-defined]
        programmes=programmes,
    )


def pending_enrolments(reviewer: User) -> QuerySet[Enrolment]:
    if not is_staff(reviewer):
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(status=Enrolment.Status.PENDING)
        .select_related("learner", "programme")
        .order_by("created_at")
    )


def enrolment_with_evidence(user: User, enrolment_id: int) -> Enrolment | None:
    """An enrolment whose evidence `user` may download: the applicant's own, or any for staff."""
    if not user.is_authenticated:
        return None
    enrolments = Enrolment.objects.filter(pk=enrolment_id).exclude(evidence="")
    if not is_staff(user):
        enrolments = enrolments.filter(learner=user)
    return enrolments.first()


@dataclass
class Access:
    """Who is looking at course material: an enrolled learner, or staff previewing it."""

    programme: Programme
    enrolment: Enrolment | None
    preview: bool


def course_access(user: User, slug: str) -> Access | None:
    """Active learners and staff may read a course's lessons; nobody else."""
    if not user.is_authenticated:
        return None
    programme = live_programme(slug)
    if programme is None:
        return None
    enrolment = enrolment_of(user, programme)
    if enrolment is not None and enrolment.is_active:
        return Access(programme=programme, enrolment=enrolment, preview=False)
    if is_staff(user):
        return Access(programme=programme, enrolment=enrolment, preview=True)
    return None


@dataclass
class Outline:
    access: Access
    modules: list[Module]
    progress: dict[int, LessonProgress]
    resume: Lesson | None


def outline(access: Access, user: User) -> Outline:
    """Modules with their live lessons (two queries) and the reader's progress (one)."""
    modules = list(
        access.programme.modules.filter(retired_at__isnull=True)
        .order_by("position")
        .prefetch_related(Prefetch("lessons", queryset=_live_lessons()))
    )
    progress: dict[int, LessonProgress] = {}
    if not access.preview:
        progress = {
            p.lesson_id: p
            for p in LessonProgress.objects.filter(
                learner=user, lesson__module__programme=access.programme
            )
        }
    every = [lesson for m in modules for lesson in m.lessons.all()]
    for lesson in every:  # the prefetched objects are the ones the template iterates
        lesson.my_progress = progress.get(lesson.pk)  # type: ignore[attr-defined]
    ordered = _ordered_published(every)
    return Outline(
        access=access,
        modules=modules,
        progress=progress,
        resume=_resume(ordered, progress) if not access.preview else None,
    )


@dataclass
class LessonPage:
    access: Access
    module: Module
    lesson: Lesson
    previous: Lesson | None
    next: Lesson | None


def lesson_page(access: Access, module_slug: str, lesson_slug: str) -> LessonPage | None:
    """A published, live lesson of the programme with its neighbours in teaching order."""
    lessons = list(
        _live_lessons()
        .filter(
            module__programme=access.programme,
            module__retired_at__isnull=True,
            status=PUBLISHED,
        )
        .select_related("module__programme")
        .order_by("module__position", "position")
    )
    for index, lesson in enumerate(lessons):
        if lesson.slug == lesson_slug and lesson.module.slug == module_slug:
            return LessonPage(
                access=access,
                module=lesson.module,
                lesson=lesson,
                previous=lessons[index - 1] if index > 0 else None,
                next=lessons[index + 1] if index + 1 < len(lessons) else None,
            )
    return None


def progress_of(user: User, lesson: Lesson) -> LessonProgress | None:
    if not user.is_authenticated:
        return None
    return LessonProgress.objects.filter(learner=user, lesson=lesson).first()


def module_of(access: Access, module_slug: str) -> Module | None:
    """A live module of the programme the reader has access to."""
    return (
        Module.objects.filter(programme=access.programme, slug=module_slug, retired_at__isnull=True)
        .select_related("programme")
        .first()
    )
