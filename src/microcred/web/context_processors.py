"""Template context every page gets."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def demo(request: HttpRequest) -> dict[str, bool]:
    """`demo_mode`: pages that say "we sent you an e-mail" then link to the demo mailbox."""
    return {"demo_mode": bool(getattr(settings, "MICROCRED_DEMO", False))}
