"""The learner's credentials page, the instructors' gradebook and analytics, GDPR requests.

Views parse, authorise (through the queries, which take the acting user, and `role_required`
for staff pages), call one service or query and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.accounts.decorators import role_required
from microcred.accounts.models import User
from microcred.credentials.core.record import LANGUAGE
from microcred.credentials.services import Instance
from microcred.learning.queries import enrolment_for_staff
from microcred.skills.esco import LABEL_LANGUAGE

from . import privacy, queries, services
from .rules import PolicyError

STAFF = (User.Role.INSTRUCTOR, User.Role.ADMINISTRATOR)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _base_url(request: HttpRequest) -> str:
    """The instance's public URL when configured (as credentials name it), else this host."""
    return Instance.current().public_base_url or request.build_absolute_uri("/")


# ------------------------------------------------------------------------------- learners


@login_required
def my_credentials(request: HttpRequest) -> HttpResponse:
    found = queries.my_credentials(_user(request), _base_url(request))
    return render(
        request,
        "gradebook/my_credentials.html",
        {"found": found, "credential_language": LANGUAGE, "esco_language": LABEL_LANGUAGE},
    )


# ---------------------------------------------------------------------------- instructors


@role_required(*STAFF)
def instructor_index(request: HttpRequest) -> HttpResponse:
    programmes = queries.gradebook_programmes(_user(request))
    return render(request, "gradebook/instructor_index.html", {"programmes": programmes})


@role_required(*STAFF)
def instructor_gradebook(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        book = queries.gradebook(_user(request), slug)
    except PolicyError as error:
        return render(request, "gradebook/gradebook.html", {"error": str(error), "slug": slug})
    if book is None:
        raise Http404("No such course")
    return render(request, "gradebook/gradebook.html", {"book": book})


@role_required(*STAFF)
def item_analysis(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    analysis = queries.item_analysis(_user(request), slug, pk)
    if analysis is None:
        raise Http404("No such quiz or exam")
    return render(request, "gradebook/item_analysis.html", {"analysis": analysis})


@role_required(*STAFF)
@require_POST
def credential_status(request: HttpRequest, uuid: str) -> HttpResponse:
    row = queries.credential_for_staff(_user(request), uuid)
    if row is None:
        raise Http404("No such credential")
    try:
        services.change_credential_status(
            _user(request), row.uuid, request.POST.get("action", ""), request.POST.get("reason", "")
        )
    except services.GradebookError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The credential's status was changed."))
    return redirect("gradebook:instructor_gradebook", slug=row.programme.slug)


@role_required(*STAFF)
@require_POST
def request_award(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_for_staff(_user(request), pk)
    if enrolment is None:
        raise Http404("No such enrolment")
    services.request_award(_user(request), enrolment.pk)
    messages.success(
        request, _("The credential will be issued in the background if the learner passed.")
    )
    return redirect("gradebook:instructor_gradebook", slug=enrolment.programme.slug)


# ---------------------------------------------------------------------------------- privacy


def _zip(data: bytes, user: User) -> HttpResponse:
    stamp = timezone.now().strftime("%Y%m%d")
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="microcred-data-{user.pk}-{stamp}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "gradebook/my_data.html")


@login_required
@require_POST
def my_data_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return _zip(privacy.export_learner_data(user, user), user)


@role_required(User.Role.ADMINISTRATOR)
def privacy_index(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")[:100]
    found = queries.privacy_search(_user(request), text)
    return render(request, "gradebook/privacy_index.html", {"q": text, "found": found})


def _subject(request: HttpRequest, pk: int) -> queries.PrivacySubject:
    subject = queries.privacy_subject(_user(request), pk)
    if subject is None:
        raise Http404("No such learner")
    return subject


@role_required(User.Role.ADMINISTRATOR)
def privacy_learner(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "gradebook/privacy_learner.html", {"subject": _subject(request, pk)})


@role_required(User.Role.ADMINISTRATOR)
@require_POST
def privacy_export(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _subject(request, pk)
    data = privacy.export_learner_data(
        _user(request), subject.user, reason=request.POST.get("reason", "")
    )
    return _zip(data, subject.user)


@role_required(User.Role.ADMINISTRATOR)
@require_POST
def privacy_erase(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _subject(request, pk)
    try:
        report = privacy.erase_learner(
            _user(request),
            subject.user.pk,
            confirm_username=request.POST.get("confirm_username", ""),
            reason=request.POST.get("reason", ""),
        )
    except privacy.PrivacyError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The learner was erased (reference %(ref)s). Issued credentials were kept.")
            % {"ref": report.reference},
        )
    return redirect("gradebook:privacy_learner", pk=subject.user.pk)
