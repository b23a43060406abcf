"""Role checks for views: anonymous people are sent to sign in, the wrong role gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def role_required(*roles: str) -> Callable[[View], View]:
    """`@role_required(User.Role.INSTRUCTOR, User.Role.ADMINISTRATOR)`; roles are listed
    explicitly, so granting an administrator an instructor page is a visible decision."""
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(user, "role", None) not in roles or not user.is_active:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin:
    """The class-based-view form: set `allowed_roles = (User.Role.INSTRUCTOR, ...)`."""

    allowed_roles: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        guarded = role_required(*self.allowed_roles)(super().dispatch)  # type: ignore[misc]
        return guarded(request, *args, **kwargs)
