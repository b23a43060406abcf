"""Reads for the learning app. Each takes the acting user and returns only what they may see:
learners their own enrolments and progress, instructors the learners of the programmes whose team
they are in (`teachable_programmes`), administrators everything."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet

from microcred.accounts.models import STAFF_ROLES, User
from microcred.curriculum.models import Lesson, Module, Programme
from microcred.curriculum.queries import live_programmes

from .models import Enrolment, LessonProgress, TeachingAssignment, TeamEvent

PUBLISHED = "published"


def is_staff(user: User) -> bool:
    return user.is_authenticated and user.has_role(*STAFF_ROLES)


# ---------------------------------------------------------------------------- course teams


def teachable_programmes(user: User) -> QuerySet[Programme]:
    """The one answer to "which programmes may this user teach": every programme for an active
    administrator, the programmes whose team an active instructor is in, none for anyone else.

    Every staff read and write scopes itself with this queryset (usually as a subquery, so it
    costs no extra query): a role alone never grants access to a course's learners.
    """
    if not user.is_authenticated or not user.is_active:
        return Programme.objects.none()
    if user.has_role(User.Role.ADMINISTRATOR):
        return Programme.objects.all()
    if user.has_role(User.Role.INSTRUCTOR):
        return Programme.objects.filter(teaching_assignments__instructor=user)
    return Programme.objects.none()


def teaches(user: User, programme: Programme | int) -> bool:
    programme_id = programme if isinstance(programme, int) else programme.pk
    return teachable_programmes(user).filter(pk=programme_id).exists()


def check_teaches(user: User, programme: Programme | int) -> None:
    """For services: acting on another course's learners is refused outright (the views have
    already answered 404 for such objects, so reaching this means a caller skipped them)."""
    if not teaches(user, programme):
        raise PermissionDenied("not in this course's team")


def without_team(user: User) -> bool:
    """An instructor in no course team (the pages show how to get into one)."""
    return (
        user.is_authenticated
        and user.has_role(User.Role.INSTRUCTOR)
        and not TeachingAssignment.objects.filter(instructor=user).exists()
    )


@dataclass
class Team:
    programme: Programme
    members: list[TeachingAssignment]
    history: list[TeamEvent]


def team_members(programme: Programme) -> list[TeachingAssignment]:
    """For trusted callers (the CLI, the team page below): who teaches `programme`."""
    return list(
        TeachingAssignment.objects.filter(programme=programme)
        .select_related("instructor")
        .order_by("instructor__username")
    )


def team_of(user: User, slug: str) -> Team | None:
    """A programme's team and its change log, for administrators only."""
    if not (user.is_authenticated and user.is_active and user.has_role(User.Role.ADMINISTRATOR)):
        return None
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        return None
    members = team_members(programme)
    history = list(
        TeamEvent.objects.filter(programme=programme)
        .select_related("instructor")
        .order_by("-created_at", "-id")[:50]
    )
    return Team(programme, members, history)


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
    manages_teams: bool = False  # administrators: each course links to its team page


def staff_dashboard(user: User) -> StaffDashboard | None:
    """The live programmes the user teaches with their enrolment counts per status, and the
    review queue length."""
    if not is_staff(user):
        return None
    status = Enrolment.Status
    programmes = list(
        live_programmes()
        .filter(pk__in=teachable_programmes(user))
        .annotate(
            active_count=Count("enrolments", filter=Q(enrolments__status=status.ACTIVE)),
            pending_count=Count("enrolments", filter=Q(enrolments__status=status.PENDING)),
        )
    )
    return StaffDashboard(
        pending=sum(p.pending_count for p in programmes),  # type: ignore[attr-defined]
        programmes=programmes,
        manages_teams=user.has_role(User.Role.ADMINISTRATOR),
    )


def pending_enrolments(reviewer: User) -> QuerySet[Enrolment]:
    """Applications waiting for review in the programmes the reviewer teaches."""
    if not is_staff(reviewer):
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(
            status=Enrolment.Status.PENDING, programme__in=teachable_programmes(reviewer)
        )
        .select_related("learner", "programme")
        .order_by("created_at")
    )


def enrolment_for_staff(user: User, enrolment_id: int) -> Enrolment | None:
    """An enrolment (any status) in a programme the user teaches; None for anything else, so a
    view answers 404 whether the enrolment does not exist or belongs to another course."""
    if not is_staff(user):
        return None
    return (
        Enrolment.objects.select_related("learner", "programme")
        .filter(pk=enrolment_id, programme__in=teachable_programmes(user))
        .first()
    )


def enrolment_with_evidence(user: User, enrolment_id: int) -> Enrolment | None:
    """An enrolment whose evidence `user` may download: the applicant's own, or one in a
    programme the user teaches."""
    if not user.is_authenticated:
        return None
    enrolments = Enrolment.objects.filter(pk=enrolment_id).exclude(evidence="")
    mine = Q(learner=user)
    if is_staff(user):
        mine |= Q(programme__in=teachable_programmes(user))
    return enrolments.filter(mine).first()


@dataclass
class Access:
    """Who is looking at course material: an enrolled learner, or staff previewing it."""

    programme: Programme
    enrolment: Enrolment | None
    preview: bool


def course_access(user: User, slug: str) -> Access | None:
    """Active learners and the course's team (as a preview) may read its lessons; nobody else:
    another provider's course material is not an instructor's to browse either."""
    if not user.is_authenticated:
        return None
    programme = live_programme(slug)
    if programme is None:
        return None
    enrolment = enrolment_of(user, programme)
    if enrolment is not None and enrolment.is_active:
        return Access(programme=programme, enrolment=enrolment, preview=False)
    if is_staff(user) and teaches(user, programme):
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
