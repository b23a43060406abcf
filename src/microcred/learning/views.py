"""Enrolment, the course outline and lessons, the dashboard, the instructors' review queue and
the administrators' course-team pages.

Views parse, authorise (through the queries, which take the acting user), call one service and
render. htmx requests get a partial (`_completion.html`); everything works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.accounts.decorators import role_required
from microcred.accounts.models import STAFF_ROLES, User
from microcred.curriculum.labels import label

from . import content, queries, services
from .admission import Admission, declaration_text
from .forms import CompletionForm, EnrolForm, ReviewForm, TeamMemberForm
from .models import Enrolment


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _language() -> str:
    return (get_language() or "en").split("-")[0]


# ------------------------------------------------------------------------------ enrolment


@login_required
def enrol(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    programme = queries.live_programme(slug)
    if programme is None:
        raise Http404("No such course")
    admission = Admission.of(programme.description)
    enrolment = queries.enrolment_of(user, programme)
    form = EnrolForm(
        request.POST or None, request.FILES or None, evidence_required=admission.evidence_required
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrol_learner(
                user,
                programme,
                declaration_accepted=form.cleaned_data["accept_declaration"],
                language=_language(),
                evidence=form.cleaned_data.get("evidence"),
            )
        except services.LearningError as error:
            form.add_error(None, str(error))
            status = 400
        else:
            if enrolment.is_active:
                messages.success(request, _("You are enrolled. Welcome!"))
                return redirect("learning:outline", slug=programme.slug)
            messages.success(request, _("Thank you. An instructor will review your application."))
            return redirect("learning:dashboard")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "learning/enrol.html",
        {
            "programme": programme,
            "d": programme.description,
            "admission": admission,
            "declaration": declaration_text(admission, _language()),
            "enrolment": enrolment,
            "can_apply": enrolment is None
            or enrolment.status in (Enrolment.Status.REJECTED, Enrolment.Status.WITHDRAWN),
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    programme = queries.live_programme(slug)
    if programme is None:
        raise Http404("No such course")
    try:
        services.withdraw_enrolment(_user(request), programme)
    except services.LearningError as error:
        messages.error(request, str(error))
    else:
        messages.info(request, _("You have withdrawn from the course."))
    return redirect("learning:dashboard")


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """Private download: the applicant and staff only, always as an attachment."""
    enrolment = queries.enrolment_with_evidence(_user(request), pk)
    if enrolment is None:
        raise Http404("No such file")
    response = FileResponse(
        enrolment.evidence.open("rb"),
        as_attachment=True,
        filename=enrolment.evidence_name or "evidence",
        content_type=enrolment.evidence_content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --------------------------------------------------------------------------------- review


@role_required(*STAFF_ROLES)
def review_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "learning/review_queue.html",
        {"pending": list(queries.pending_enrolments(_user(request))), "form": ReviewForm()},
    )


@role_required(*STAFF_ROLES)
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    if queries.enrolment_for_staff(_user(request), pk) is None:
        raise Http404("No such application")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("learning:review_queue")
    try:
        enrolment = services.review_admission_evidence(
            _user(request),
            pk,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
    except services.LearningError as error:
        messages.error(request, str(error))
    else:
        name = enrolment.learner.get_full_name() or enrolment.learner.username
        if enrolment.is_active:
            messages.success(request, _("%(name)s is enrolled.") % {"name": name})
        else:
            messages.info(request, _("The application of %(name)s is rejected.") % {"name": name})
    return redirect("learning:review_queue")


# ---------------------------------------------------------------------------- course teams


def _team(request: HttpRequest, slug: str) -> queries.Team:
    team = queries.team_of(_user(request), slug)
    if team is None:
        raise Http404("No such course")
    return team


@role_required(User.Role.ADMINISTRATOR)
def team(request: HttpRequest, slug: str) -> HttpResponse:
    """A course's team: who teaches it, who changed that when; POST adds an instructor."""
    found = _team(request, slug)
    form = TeamMemberForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assignment = services.assign_instructor(
                    _user(request), found.programme, form.cleaned_data["username"]
                )
            except services.LearningError as error:
                form.add_error("username", str(error))
            else:
                messages.success(
                    request,
                    _("%(name)s is now in the team of this course.")
                    % {"name": assignment.instructor.username},
                )
                return redirect("learning:team", slug=slug)
        status = 400
    return render(request, "learning/team.html", {"team": found, "form": form}, status=status)


@role_required(User.Role.ADMINISTRATOR)
@require_POST
def team_remove(request: HttpRequest, slug: str) -> HttpResponse:
    found = _team(request, slug)
    form = TeamMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the username of an instructor."))
        return redirect("learning:team", slug=slug)
    try:
        services.remove_instructor(_user(request), found.programme, form.cleaned_data["username"])
    except services.LearningError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s is no longer in the team of this course.")
            % {"name": form.cleaned_data["username"]},
        )
    return redirect("learning:team", slug=slug)


# ------------------------------------------------------------------------------- dashboard


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    staff = queries.staff_dashboard(user)
    if staff is not None:
        return render(request, "learning/dashboard_staff.html", {"staff": staff})
    return render(
        request,
        "learning/dashboard.html",
        {
            "summaries": queries.learner_dashboard(user),
            "open_programmes": queries.open_programmes(user),
        },
    )


# -------------------------------------------------------------------------------- delivery


def _access_or_redirect(request: HttpRequest, slug: str) -> queries.Access | HttpResponse:
    access = queries.course_access(_user(request), slug)
    if access is not None:
        return access
    if queries.live_programme(slug) is None:
        raise Http404("No such course")
    return redirect("learning:enrol", slug=slug)


@login_required
def outline(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access_or_redirect(request, slug)
    if isinstance(access, HttpResponse):
        return access
    return render(
        request,
        "learning/outline.html",
        {"outline": queries.outline(access, _user(request)), "programme": access.programme},
    )


def _tabs(lesson_page: queries.LessonPage) -> list[dict[str, str]]:
    tabs = []
    for resource in lesson_page.lesson.resources:
        kind = str(resource.get("kind", ""))
        title = resource.get("title") or {}
        tabs.append(
            {
                "kind": kind,
                "file": str(resource.get("file", "")),
                "title": title,
                "label": label("resource", kind),
            }
        )
    return tabs


@login_required
def lesson(request: HttpRequest, slug: str, module: str, lesson: str) -> HttpResponse:
    access = _access_or_redirect(request, slug)
    if isinstance(access, HttpResponse):
        return access
    page = queries.lesson_page(access, module, lesson)
    if page is None:
        raise Http404("No such lesson")
    user = _user(request)
    progress = None
    if not access.preview:
        progress = services.record_lesson_progress(user, page.lesson, opened=True)
    tabs = _tabs(page)
    wanted = request.GET.get("tab", "")
    current = next((t for t in tabs if t["kind"] == wanted), tabs[0] if tabs else None)
    body, translated, body_language = "", True, ""
    if current is not None:
        found = content.resource_file(page.lesson, current["file"], _language())
        translated = found.translated
        if found.path is not None:
            body, body_language = content.render_file(found.path), found.language
    return render(
        request,
        "learning/lesson.html",
        {
            "page": page,
            "programme": access.programme,
            "tabs": tabs,
            "current": current,
            "body": body,
            "body_translated": translated,
            "body_language": body_language,
            "progress": progress,
        },
    )


@login_required
@require_POST
def lesson_completion(request: HttpRequest, slug: str, module: str, lesson: str) -> HttpResponse:
    access = _access_or_redirect(request, slug)
    if isinstance(access, HttpResponse):
        return access
    if access.preview:
        raise PermissionDenied
    page = queries.lesson_page(access, module, lesson)
    if page is None:
        raise Http404("No such lesson")
    form = CompletionForm(request.POST)
    form.is_valid()
    progress = services.record_lesson_progress(
        _user(request), page.lesson, completed=bool(form.cleaned_data.get("completed"))
    )
    context = {"page": page, "programme": access.programme, "progress": progress}
    if request.headers.get("HX-Request"):
        return render(request, "learning/_completion.html", context)
    return redirect("learning:lesson", slug=slug, module=module, lesson=lesson)


@login_required
def module_resource(request: HttpRequest, slug: str, module: str, kind: str) -> HttpResponse:
    """A module's open educational resources (Q&A, case studies, exercises)."""
    access = _access_or_redirect(request, slug)
    if isinstance(access, HttpResponse):
        return access
    found_module = queries.module_of(access, module)
    if found_module is None:
        raise Http404("No such module")
    tabs = [
        {
            "kind": str(resource.get("kind", "")),
            "file": str(resource.get("file", "")),
            "label": label("resource", str(resource.get("kind", ""))),
        }
        for resource in found_module.resources
    ]
    current = next((tab for tab in tabs if tab["kind"] == kind), None)
    if current is None:
        raise Http404("No such resource")
    found = content.resource_file_in(content.module_dir(found_module), current["file"], _language())
    return render(
        request,
        "learning/module_resource.html",
        {
            "programme": access.programme,
            "module": found_module,
            "tabs": tabs,
            "current": current,
            "body": content.render_file(found.path) if found.path is not None else "",
            "body_translated": found.translated,
            "body_language": found.language if found.path is not None else "",
        },
    )
