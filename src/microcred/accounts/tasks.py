"""Background work of the accounts app (django-tasks).

The reset e-mail is sent here rather than in the request, so the answer to "forgot my password"
takes the same time whether or not an account has the address (see docs/decisions/074).
"""

from __future__ import annotations

from django_tasks import task


@task()
def send_password_reset(email: str, base_url: str) -> str:
    from . import services

    return "sent" if services.send_password_reset_email(email, base_url) else "no account"
