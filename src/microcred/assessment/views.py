"""Quizzes, the exam, labs, the capstone and the instructors' grading pages.

Views parse, authorise (through the queries, which take the acting user), call one service and
render. Graded work asks for a second factor where the course requires it
(`require_two_factor_for`); htmx requests get partials (`_*.html`), and every form also works as
a plain POST without JavaScript.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.accounts.decorators import role_required
from microcred.accounts.models import STAFF_ROLES, User
from microcred.accounts.two_factor import require_two_factor_for, session_is_verified
from microcred.curriculum.models import AssessmentItem, Programme
from microcred.learning import content
from microcred.learning import queries as learning_queries

from . import labs, queries, services
from .forms import CapstoneForm, EthicsForm, EthicsReviewForm, LabSubmitForm, RubricForm
from .models import EthicsAssessment, QuizAttempt


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _access(request: HttpRequest, slug: str) -> learning_queries.Access | HttpResponse:
    """Enrolled learners and staff (as a preview) may look; others are sent to enrol."""
    access = learning_queries.course_access(_user(request), slug)
    if access is not None:
        return access
    if learning_queries.live_programme(slug) is None:
        raise Http404("No such course")
    return redirect("learning:enrol", slug=slug)


def _working(request: HttpRequest, slug: str) -> learning_queries.Access | HttpResponse:
    """Access for doing work: previews (staff) may not submit anything."""
    access = _access(request, slug)
    if isinstance(access, learning_queries.Access) and access.preview:
        raise PermissionDenied
    return access


def _item(programme: Programme, kind: str, slug: str | None = None) -> AssessmentItem:
    item = queries.item_of(programme, kind, slug)
    if item is None:
        raise Http404("No such assessment")
    return item


def _markdown(root: Path, name: str) -> str:
    """A Markdown file of the course folder, rendered safely; only from inside `root`."""
    if not name or not name.endswith(".md"):
        return ""
    path = (root / name).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        return ""
    return content.render_file(path)


# ------------------------------------------------------------------------------- overview


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug)
    if isinstance(access, HttpResponse):
        return access
    summary = queries.overview(_user(request), access.programme, access.enrolment)
    return render(
        request,
        "assessment/overview.html",
        {"programme": access.programme, "overview": summary, "preview": access.preview},
    )


# ------------------------------------------------------------------------ quizzes and exam


def _graded(item: AssessmentItem) -> bool:
    return item.kind == "exam" or item.spec.get("mode") == "graded"


@login_required
def quiz(request: HttpRequest, slug: str, item: str) -> HttpResponse:
    access = _access(request, slug)
    if isinstance(access, HttpResponse):
        return access
    found = _item(access.programme, "quiz", item)
    if _graded(found) and not access.preview:
        require_two_factor_for(access.programme, request)
    return render(
        request,
        "assessment/quiz.html",
        {
            "programme": access.programme,
            "item": found,
            "graded": _graded(found),
            "preview": access.preview,
            "attempts": [] if access.preview else queries.attempts_of(_user(request), found),
            "pool": len(found.spec.get("items", [])),
            "per_attempt": found.spec.get("questions_per_attempt")
            or len(found.spec.get("items", [])),
        },
    )


@login_required
def exam(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug)
    if isinstance(access, HttpResponse):
        return access
    found = _item(access.programme, "exam")
    if not access.preview:
        require_two_factor_for(access.programme, request)
    attempts = [] if access.preview else queries.attempts_of(_user(request), found)
    allowed = int(found.spec.get("attempts") or 1)
    return render(
        request,
        "assessment/exam.html",
        {
            "programme": access.programme,
            "item": found,
            "preview": access.preview,
            "attempts": attempts,
            "allowed": allowed,
            "left": max(allowed - len(attempts), 0),
            "supervision": access.programme.description.get("supervision_and_identity_verification")
            or {},
        },
    )


def _start(request: HttpRequest, slug: str, kind: str, item_slug: str | None) -> HttpResponse:
    access = _working(request, slug)
    if isinstance(access, HttpResponse):
        return access
    found = _item(access.programme, kind, item_slug)
    if _graded(found):
        require_two_factor_for(access.programme, request)
    try:
        attempt = services.start_attempt(
            _user(request), found, two_factor_verified=session_is_verified(request)
        )
    except services.AssessmentError as error:
        messages.error(request, str(error))
        if kind == "exam":
            return redirect("assessment:exam", slug=slug)
        return redirect("assessment:quiz", slug=slug, item=found.slug)
    return redirect("assessment:attempt", slug=slug, pk=attempt.pk)


@login_required
@require_POST
def quiz_start(request: HttpRequest, slug: str, item: str) -> HttpResponse:
    return _start(request, slug, "quiz", item)


@login_required
@require_POST
def exam_start(request: HttpRequest, slug: str) -> HttpResponse:
    return _start(request, slug, "exam", None)


def _attempt(request: HttpRequest, slug: str, pk: int) -> QuizAttempt:
    """The reader's own attempt in this course; graded work needs the course's second factor."""
    attempt = queries.attempt_of(_user(request), pk)
    if attempt is None or attempt.item.programme.slug != slug:
        raise Http404("No such attempt")
    if not attempt.is_practice:
        require_two_factor_for(attempt.item.programme, request)
    return attempt


def _attempt_context(attempt: QuizAttempt) -> dict[str, Any]:
    remaining = None
    if attempt.deadline is not None and attempt.in_progress:
        remaining = max(int((attempt.deadline - timezone.now()).total_seconds()), 0)
    answers = queries.answers_of(attempt)
    return {
        "attempt": attempt,
        "item": attempt.item,
        "programme": attempt.item.programme,
        "answers": answers,
        "remaining": remaining,
        "answered": sum(1 for a in answers if a.selected),
    }


@login_required
def attempt(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _attempt(request, slug, pk)
    if found.in_progress and found.deadline is not None:
        services.close_expired_attempt(found.pk)  # touched after its deadline: submit it now
        found = _attempt(request, slug, pk)
    return render(request, "assessment/attempt.html", _attempt_context(found))


def _posted_answers(request: HttpRequest, attempt: QuizAttempt) -> dict[str, list[str]]:
    """Every question of the paper: a question missing from the form has no selection."""
    return {key: request.POST.getlist(f"q-{key}") for key in queries.question_keys(attempt)}


@login_required
@require_POST
def attempt_check(request: HttpRequest, slug: str, pk: int, question: Any) -> HttpResponse:
    found = _attempt(request, slug, pk)
    error = ""
    try:
        services.check_practice_answer(
            _user(request), found.pk, str(question), request.POST.getlist(f"q-{question}")
        )
    except services.AssessmentError as exc:
        error = str(exc)
    if not _htmx(request):
        if error:
            messages.error(request, error)
        url = reverse("assessment:attempt", kwargs={"slug": slug, "pk": pk})
        return redirect(f"{url}#q-{question}")
    found = _attempt(request, slug, pk)
    answer = next(a for a in queries.answers_of(found) if str(a.question_uuid) == str(question))
    return render(
        request,
        "assessment/_practice_question.html",
        {
            "attempt": found,
            "answer": answer,
            "error": error,
            "programme": found.item.programme,
            "final": not found.in_progress,
        },
    )


@login_required
@require_POST
def attempt_save(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _attempt(request, slug, pk)
    url = reverse("assessment:attempt", kwargs={"slug": slug, "pk": pk})
    try:
        result = services.save_answers(_user(request), found.pk, _posted_answers(request, found))
    except services.AssessmentError as error:
        if _htmx(request):
            return render(request, "assessment/_autosave.html", {"error": str(error)})
        messages.error(request, str(error))
        return redirect(url)
    if not result.accepted:
        messages.warning(request, _("Time is up: your answers saved before the deadline count."))
        if _htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
    if _htmx(request):
        return render(request, "assessment/_autosave.html", {"saved_at": timezone.now()})
    messages.success(request, _("Your answers are saved."))
    return redirect(url)


@login_required
@require_POST
def attempt_submit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _attempt(request, slug, pk)
    answers = None if found.is_practice else _posted_answers(request, found)
    try:
        result = services.submit_attempt(_user(request), found.pk, answers)
    except services.AssessmentError as error:
        messages.error(request, str(error))
    else:
        if result.accepted:
            messages.success(request, _("Submitted."))
        elif result.attempt.auto_submitted:
            messages.warning(
                request, _("Time was up: your answers saved before the deadline count.")
            )
    return redirect("assessment:attempt", slug=slug, pk=pk)


# ------------------------------------------------------------------------------------- labs


def _lab_page(
    request: HttpRequest,
    access: learning_queries.Access,
    found: AssessmentItem,
    form: LabSubmitForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    statement = labs.lab_file(found, "statement")
    starter = labs.lab_file(found, "starter")
    starter_text = starter.read_text(encoding="utf-8") if starter else ""
    latest_source = None if access.preview else queries.latest_lab_source(user, found)
    submissions = [] if access.preview else queries.lab_submissions_of(user, found)
    if form is None:
        form = LabSubmitForm(initial={"source": latest_source or starter_text})
    return render(
        request,
        "assessment/lab.html",
        {
            "programme": access.programme,
            "item": found,
            "preview": access.preview,
            "statement": content.render_file(statement) if statement else "",
            "statement_language": content.SOURCE_LANGUAGE,  # labs have no translated files
            "form": form,
            "submissions": submissions,
            "latest": submissions[0] if submissions else None,
        },
        status=status,
    )


@login_required
def lab(request: HttpRequest, slug: str, item: str) -> HttpResponse:
    access = _access(request, slug)
    if isinstance(access, HttpResponse):
        return access
    found = _item(access.programme, "lab", item)
    if not access.preview:
        require_two_factor_for(access.programme, request)
    return _lab_page(request, access, found)


@login_required
@require_POST
def lab_submit(request: HttpRequest, slug: str, item: str) -> HttpResponse:
    access = _working(request, slug)
    if isinstance(access, HttpResponse):
        return access
    found = _item(access.programme, "lab", item)
    require_two_factor_for(access.programme, request)
    user = _user(request)
    form = LabSubmitForm(request.POST)
    error = ""
    submission = None
    if form.is_valid():
        try:
            submission = services.submit_lab(user, found, form.cleaned_data["source"])
        except services.AssessmentError as exc:
            error = str(exc)
    else:
        error = _("Paste or write your code first.")
    if _htmx(request):
        if submission is not None:
            submission = queries.lab_submission_of(user, submission.pk)  # graded meanwhile?
        return render(
            request,
            "assessment/_lab_submission.html",
            {"submission": submission, "error": error, "programme": access.programme},
        )
    if error:
        form.add_error(None, error)
        return _lab_page(request, access, found, form, status=400)
    messages.success(request, _("Your code is submitted for grading."))
    return redirect("assessment:lab", slug=slug, item=found.slug)


def _lab_submission(request: HttpRequest, slug: str, pk: int) -> Any:
    submission = queries.lab_submission_of(_user(request), pk)
    if submission is None or submission.item.programme.slug != slug:
        raise Http404("No such submission")
    return submission


@login_required
def lab_submission(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    submission = _lab_submission(request, slug, pk)
    return render(
        request,
        "assessment/lab_submission.html",
        {"submission": submission, "programme": submission.item.programme},
    )


@login_required
def lab_submission_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    submission = _lab_submission(request, slug, pk)
    return render(
        request,
        "assessment/_lab_submission.html",
        {"submission": submission, "programme": submission.item.programme},
    )


# ---------------------------------------------------------------------------------- capstone


def _capstone_context(
    request: HttpRequest, access: learning_queries.Access, found: AssessmentItem
) -> dict[str, Any]:
    root = Path(access.programme.source_path) / "capstone"
    spec = found.spec
    page = None if access.preview else queries.capstone_page(_user(request), found)
    return {
        "programme": access.programme,
        "item": found,
        "preview": access.preview,
        "page": page,
        "brief": _markdown(root, str(spec.get("brief") or "")),
        "template": _markdown(root, str((spec.get("ethics_assessment") or {}).get("template", ""))),
        "files_language": content.SOURCE_LANGUAGE,  # the brief and template are not translated
        "ethics_required": queries.ethics_required(found),
        "capstone_form": CapstoneForm(),
        "ethics_form": EthicsForm(initial=_ethics_initial(page)),
    }


def _ethics_initial(page: queries.CapstonePage | None) -> dict[str, Any]:
    """A learner asked for changes starts from their previous version."""
    latest = page.latest_ethics if page else None
    if latest is None:
        return {}
    fields = ("risk_category", "annex_iii_area", "residual_risk", *services.ETHICS_TEXT_FIELDS)
    return {name: getattr(latest, name) for name in fields}


@login_required
def capstone(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug)
    if isinstance(access, HttpResponse):
        return access
    found = _item(access.programme, "capstone")
    if not access.preview:
        require_two_factor_for(access.programme, request)
    return render(request, "assessment/capstone.html", _capstone_context(request, access, found))


@login_required
@require_POST
def capstone_submit(request: HttpRequest, slug: str) -> HttpResponse:
    access = _working(request, slug)
    if isinstance(access, HttpResponse):
        return access
    found = _item(access.programme, "capstone")
    require_two_factor_for(access.programme, request)
    form = CapstoneForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.submit_capstone(
                _user(request),
                found,
                report=form.cleaned_data["report"],
                code=form.cleaned_data["code"],
            )
        except services.AssessmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your capstone is submitted."))
            return redirect("assessment:capstone", slug=slug)
    context = _capstone_context(request, access, found)
    context["capstone_form"] = form
    return render(request, "assessment/capstone.html", context, status=400)


@login_required
@require_POST
def ethics_submit(request: HttpRequest, slug: str) -> HttpResponse:
    access = _working(request, slug)
    if isinstance(access, HttpResponse):
        return access
    found = _item(access.programme, "capstone")
    require_two_factor_for(access.programme, request)
    form = EthicsForm(request.POST)
    if form.is_valid():
        try:
            services.submit_ethics_assessment(_user(request), found, form.cleaned_data)
        except services.AssessmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your ethics and risk assessment is submitted for review."))
            return redirect("assessment:capstone", slug=slug)
    context = _capstone_context(request, access, found)
    context["ethics_form"] = form
    return render(request, "assessment/capstone.html", context, status=400)


ANONYMOUS_NAMES = {"report": "capstone-report.pdf", "code": "capstone-code"}


@login_required
def capstone_file(request: HttpRequest, pk: int, part: str) -> FileResponse:
    """Private download for the author, an assigned peer reviewer (anonymised name) or staff."""
    if part not in ("report", "code"):
        raise Http404("No such file")
    found = queries.capstone_file_for(_user(request), pk)
    if found is None:
        raise Http404("No such file")
    submission = found.submission
    file = submission.report if part == "report" else submission.code
    name = submission.report_name if part == "report" else submission.code_name
    if found.anonymous:
        name = ANONYMOUS_NAMES[part]
        if part == "code":
            name += ".zip" if (file.name or "").endswith(".zip") else ".tar.gz"
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/pdf" if part == "report" else "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def peer_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    review = queries.peer_review_of(_user(request), pk)
    if review is None or review.submission.item.programme.slug != slug:
        raise Http404("No such review")
    programme = review.submission.item.programme
    require_two_factor_for(programme, request)
    rubric = list(review.submission.item.spec.get("rubric") or [])
    form = RubricForm(request.POST or None, rubric=rubric)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.submit_peer_review(
                    _user(request), review.pk, form.scores(), comment=form.cleaned_data["comment"]
                )
            except services.AssessmentError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Thank you: your review is submitted."))
                return redirect("assessment:capstone", slug=slug)
        status = 400
    return render(
        request,
        "assessment/peer_review.html",
        {"review": review, "programme": programme, "form": form, "rows": form.bound_rows()},
        status=status,
    )


# ------------------------------------------------------------------------------- instructor


@role_required(*STAFF_ROLES)
def instructor_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessment/instructor/queue.html",
        {"queue": queries.grading_queue(_user(request))},
    )


@role_required(*STAFF_ROLES)
def grade_capstone(request: HttpRequest, pk: int) -> HttpResponse:
    page = queries.grading_page(_user(request), pk)
    if page is None:
        raise Http404("No such submission")
    rubric = list(page.submission.item.spec.get("rubric") or [])
    form = RubricForm(request.POST or None, rubric=rubric)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.grade_capstone(
                    _user(request), pk, form.scores(), comment=form.cleaned_data["comment"]
                )
            except services.AssessmentError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The capstone is graded."))
                return redirect("assessment:instructor_queue")
        status = 400
    return render(
        request,
        "assessment/instructor/grade_capstone.html",
        {"page": page, "form": form, "rows": form.bound_rows()},
        status=status,
    )


@role_required(*STAFF_ROLES)
def review_ethics(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = queries.ethics_for_review(_user(request), pk)
    if assessment is None:
        raise Http404("No such assessment")
    form = EthicsReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_ethics_assessment(
                    _user(request),
                    pk,
                    accept=form.cleaned_data["decision"] == "accept",
                    comment=form.cleaned_data["comment"],
                )
            except services.AssessmentError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your review is recorded."))
                return redirect("assessment:instructor_queue")
        status = 400
    return render(
        request,
        "assessment/instructor/review_ethics.html",
        {
            "assessment": assessment,
            "history": queries.ethics_history(assessment),
            "form": form,
            "categories": EthicsAssessment.RiskCategory,
        },
        status=status,
    )


@role_required(*STAFF_ROLES)
@require_POST
def assign_peers(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.capstone_item_for_staff(_user(request), pk)
    if item is None:
        raise Http404("No such capstone")
    try:
        created = services.assign_peer_reviewers(_user(request), item)
    except services.AssessmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(count)s peer reviews assigned.") % {"count": len(created)})
    return redirect("assessment:instructor_queue")
