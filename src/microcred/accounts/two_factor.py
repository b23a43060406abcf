"""Where a course demands two-factor authentication, graded work needs a 2FA-verified session.

Assessment views call `require_two_factor_for(programme, request)` before showing or accepting
graded work. It raises `TwoFactorRequired`; `TwoFactorRequiredMiddleware` turns that into a
redirect to the set-up page (no authenticator yet) or to the code prompt (authenticator, but
this session has not proved it), with `next` pointing back. Views stay one line long, and the
rule lives in one place.

This module does not import the curriculum app (layering: curriculum -> accounts); anything
with the synced `description` JSON of a programme works.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from . import queries

SESSION_KEY = "microcred_two_factor_verified_at"


class HasDescription(Protocol):
    description: Any


class TwoFactorRequired(Exception):  # noqa: N818 - reads as a condition, like Http404
    """This request needs a 2FA-verified session (`setup` says whether to set 2FA up first)."""

    def __init__(self, *, setup: bool, authenticated: bool = True) -> None:
        super().__init__("two-factor authentication required")
        self.setup = setup
        self.authenticated = authenticated


def programme_requires_two_factor(programme: HasDescription) -> bool:
    description = programme.description if isinstance(programme.description, dict) else {}
    supervision = description.get("supervision_and_identity_verification") or {}
    return bool(supervision.get("two_factor_required"))


def mark_session_verified(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = int(time.time())


def session_is_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_KEY)) and (
        queries.confirmed_device(request.user) is not None  # type: ignore[arg-type]
    )


def require_two_factor_for(programme: HasDescription, request: HttpRequest) -> None:
    """Raise TwoFactorRequired unless the course does not ask for 2FA or the session has it."""
    if not programme_requires_two_factor(programme):
        return
    if not request.user.is_authenticated:
        raise TwoFactorRequired(setup=False, authenticated=False)
    if queries.confirmed_device(request.user) is None:  # type: ignore[arg-type]
        raise TwoFactorRequired(setup=True)
    if not request.session.get(SESSION_KEY):
        raise TwoFactorRequired(setup=False)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect htmx follows too (it would otherwise swap the target page into a fragment)."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, TwoFactorRequired):
            return None
        here = request.get_full_path()
        if not exception.authenticated:
            return redirect_to_login(here)
        name = "accounts:two_factor" if exception.setup else "accounts:two_factor_verify"
        return _redirect(request, f"{reverse(name)}?{urlencode({'next': here})}")
