"""Pages of the web app itself: the demo mailbox."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .mailbox import read_mailbox

MAILBOX_LIMIT = 50


def demo_mailbox(request: HttpRequest) -> HttpResponse:
    """Every e-mail the demo sent, to anyone (docs/decisions/075); a 404 unless the site runs
    as the demo, so a real instance has no such page at all."""
    if not getattr(settings, "MICROCRED_DEMO", False):
        raise Http404("no demo mailbox on this site")
    file_backend = settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
    mails, more = (
        read_mailbox(Path(settings.EMAIL_FILE_PATH), limit=MAILBOX_LIMIT)
        if file_backend
        else ([], False)
    )
    response = render(
        request,
        "web/demo_mailbox.html",
        {"mails": mails, "more": more, "limit": MAILBOX_LIMIT, "file_backend": file_backend},
    )
    response["Cache-Control"] = "no-store"  # the links in it are one-use secrets
    return response
