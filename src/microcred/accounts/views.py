"""Sign-up, e-mail verification, sign-in with throttling and a second factor, sign-out, 2FA set-up,
password reset by e-mail and password change.

Views parse, authorise, call one service and render; throttling and code checks live in the
services so the CLI and tests get the same rules.
"""

from __future__ import annotations

import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import queries, services, totp
from .forms import (
    CodeForm,
    NewPasswordForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    SetupCodeForm,
    SignInForm,
    SignUpForm,
)
from .models import User
from .tokens import password_reset_timeout_seconds
from .two_factor import mark_session_verified

PENDING_KEY = "microcred_pending_sign_in"
PENDING_SECONDS = 300
# The reset link's token moves from the URL into the session, then the page is shown at an
# address without it, so it never reaches a Referer header, the history or a shoulder-surfer.
RESET_SESSION_KEY = "microcred_password_reset_token"
RESET_URL_TOKEN = "set-password"  # noqa: S105 - a placeholder in the address, not a secret


# The tag of messages that tell people to look in their mailbox (the demo links its mailbox there).
MAIL_SENT = "mail-sent"


def client_ip(request: HttpRequest) -> str | None:
    """The peer address. Behind a reverse proxy, configure waitress's `trusted_proxy` so this is
    the client's address rather than the proxy's (never trust X-Forwarded-For blindly)."""
    return request.META.get("REMOTE_ADDR")


def base_url(request: HttpRequest) -> str:
    return settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")


def _next_url(request: HttpRequest, default: str = "learning:dashboard") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _with_next(name: str, next_url: str) -> str:
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _current_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# ----------------------------------------------------------------------------------- sign-up


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("learning:dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_learner(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                language=get_language() or settings.LANGUAGE_CODE,
                base_url=base_url(request),
            )
        except services.AccountError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return render(request, "accounts/signup_done.html", {"email": user.email})
    return render(request, "accounts/signup.html", {"form": form})


def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button, POST verifies: mail scanners that prefetch links change nothing."""
    if request.method == "POST":
        try:
            services.verify_email(uidb64, token)
        except services.AccountError as error:
            return render(request, "accounts/verify_email.html", {"error": str(error)}, status=400)
        messages.success(request, _("Thank you, your e-mail address is verified."))
        return redirect("learning:dashboard" if request.user.is_authenticated else "accounts:login")
    valid = services.user_for_verification_link(uidb64, token) is not None
    context = {"valid": valid}
    if not valid:
        context["error"] = _("This verification link is invalid or has expired.")
    return render(request, "accounts/verify_email.html", context, status=200 if valid else 400)


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    try:
        services.resend_verification_email(_current_user(request), base_url(request))
    except services.AccountError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, _("We sent you a new verification link."), extra_tags=MAIL_SENT)
    return HttpResponseRedirect(_next_url(request))


# ----------------------------------------------------------------------------------- sign-in


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(_next_url(request))
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        attempt = services.attempt_sign_in(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            ip=client_ip(request),
        )
        if attempt.user is not None and attempt.needs_second_factor:
            request.session[PENDING_KEY] = {
                "user": attempt.user.pk,
                "backend": getattr(attempt.user, "backend", ""),
                "at": int(time.time()),
                # A password changed meanwhile ends the pending sign-in too.
                "hash": attempt.user.get_session_auth_hash(),
            }
            return redirect(_with_next("accounts:two_factor_verify", _next_url(request)))
        if attempt.user is not None:
            login(request, attempt.user)
            return HttpResponseRedirect(_next_url(request))
        if attempt.retry_after is not None:
            form.add_error(None, services.retry_message(attempt.retry_after))
            status = 429
        else:
            form.add_error(None, _("The username or the password is not correct."))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    )


def _pending_user(request: HttpRequest) -> tuple[User, str] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None or not constant_time_compare(
        str(pending.get("hash", "")), user.get_session_auth_hash()
    ):
        return None
    return user, pending.get("backend", "")


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code prompt: second step of sign-in, or a step-up for an already signed-in session
    that must prove its second factor (a course asking for 2FA before graded work)."""
    if request.user.is_authenticated:
        user, backend, step_up = _current_user(request), "", True
        if queries.confirmed_device(user) is None:
            return redirect(_with_next("accounts:two_factor", _next_url(request)))
    else:
        pending = _pending_user(request)
        if pending is None:
            messages.info(request, _("Please sign in again."))
            return redirect("accounts:login")
        (user, backend), step_up = pending, False
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        attempt = services.attempt_second_factor(
            user, code=form.cleaned_data["code"], ip=client_ip(request)
        )
        if attempt.ok:
            if not step_up:
                request.session.pop(PENDING_KEY, None)
                login(request, user, backend=backend or None)
            mark_session_verified(request)
            return HttpResponseRedirect(_next_url(request))
        if attempt.retry_after is not None:
            form.add_error(None, services.retry_message(attempt.retry_after))
            status = 429
        else:
            form.add_error("code", _("That code is not valid."))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "step_up": step_up, "next": _next_url(request)},
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("curriculum:catalogue")


# ---------------------------------------------------------------------------- password reset


def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The answer is the same whether or not the address has an account
    (only throttling, which depends on what was typed and on the client, changes it)."""
    form = PasswordResetRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = services.request_password_reset(
            email=form.cleaned_data["email"], ip=client_ip(request), base_url=base_url(request)
        )
        if wait is None:
            return redirect("accounts:password_reset_sent")
        form.add_error(None, services.reset_retry_message(wait))
        status = 429
    return render(request, "accounts/password_reset.html", {"form": form}, status=status)


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/password_reset_sent.html",
        {"valid_for": services.duration_text(password_reset_timeout_seconds())},
    )


def _invalid_reset_link(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/password_reset_confirm.html",
        {"error": _("This password reset link is invalid or has expired.")},
        status=400,
    )


def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The e-mailed link. A genuine token is moved into the session and the browser sent to the
    same address without it; only a POST there changes the password (mail scanners that
    prefetch links change nothing)."""
    if token != RESET_URL_TOKEN:
        if services.user_for_password_reset_link(uidb64, token) is None:
            return _invalid_reset_link(request)
        request.session[RESET_SESSION_KEY] = token
        return redirect("accounts:password_reset_confirm", uidb64=uidb64, token=RESET_URL_TOKEN)
    token = str(request.session.get(RESET_SESSION_KEY, ""))
    user = services.user_for_password_reset_link(uidb64, token)
    if user is None:
        return _invalid_reset_link(request)
    form = NewPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(
                uidb64, token, form.cleaned_data["new_password1"], base_url=base_url(request)
            )
        except services.AccountError:
            return _invalid_reset_link(request)
        except ValidationError as error:
            form.add_error("new_password1", error)
        else:
            # Whoever was signed in on this browser, the next step is signing in afresh (with
            # the second factor, if the account has one).
            logout(request)
            messages.success(
                request, _("Your password was changed. Sign in with your new password.")
            )
            return redirect("accounts:login")
    response = render(request, "accounts/password_reset_confirm.html", {"form": form})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.change_password(
                user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password1"],
                ip=client_ip(request),
                base_url=base_url(request),
            )
        except services.WrongPasswordError as error:
            form.add_error("current_password", str(error))
        except services.TooManyAttemptsError as error:
            form.add_error(None, str(error))
            status = 429
        except ValidationError as error:
            form.add_error("new_password1", error)
        else:
            update_session_auth_hash(request, changed)  # this session stays, the others end
            messages.success(
                request, _("Your password was changed. Your other sessions are signed out.")
            )
            return redirect("accounts:two_factor")
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


# ------------------------------------------------------------------------------ two factors


def _qr_svg(uri: str) -> str:
    """Inline SVG, so no image endpoint ever sees the secret and no JavaScript draws it."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=5, title=_("QR code to scan"))
    return mark_safe(svg)  # noqa: S308 - generated by segno from our own URI


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    device = queries.confirmed_device(user)
    pending = None if device else queries.pending_device(user)
    context: dict[str, object] = {
        "device": device,
        "pending": pending,
        "recovery_left": queries.unused_recovery_code_count(user) if device else 0,
        "code_form": CodeForm(),
        "setup_form": SetupCodeForm(),
        "next": request.GET.get("next", ""),
    }
    if pending is not None:
        issuer = getattr(settings, "MICROCRED_SITE_NAME", "microcred")
        uri = totp.provisioning_uri(pending.secret, user.username, issuer)
        context.update(
            qr_svg=_qr_svg(uri),
            secret_groups=" ".join(pending.secret[i : i + 4] for i in range(0, 32, 4)),
        )
    response = render(request, "accounts/two_factor.html", context)
    response["Cache-Control"] = "no-store"  # the pending secret must not stay in any cache
    return response


@login_required
@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    try:
        services.start_two_factor_setup(_current_user(request))
    except services.AccountError as error:
        messages.error(request, str(error))
    return redirect(_with_next("accounts:two_factor", request.POST.get("next", "")))


def _show_codes(request: HttpRequest, codes: list[str], heading: str) -> HttpResponse:
    response = render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "heading": heading, "next": _next_url(request, "accounts:two_factor")},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def two_factor_confirm(request: HttpRequest) -> HttpResponse:
    form = SetupCodeForm(request.POST)
    if form.is_valid():
        try:
            codes = services.enable_two_factor(_current_user(request), form.cleaned_data["code"])
        except services.AccountError as error:
            messages.error(request, str(error))
        else:
            mark_session_verified(request)
            return _show_codes(request, codes, _("Two-factor authentication is on"))
    else:
        messages.error(request, _("Enter the 6-digit code."))
    return redirect(_with_next("accounts:two_factor", request.POST.get("next", "")))


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            services.disable_two_factor(
                _current_user(request), code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except services.AccountError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:two_factor")


@login_required
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            codes = services.regenerate_recovery_codes(
                _current_user(request), code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except services.AccountError as error:
            messages.error(request, str(error))
        else:
            return _show_codes(request, codes, _("New recovery codes"))
    return redirect("accounts:two_factor")
