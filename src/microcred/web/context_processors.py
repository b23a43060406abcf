"""Template context every page gets."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def demo(request: HttpRequest) -> dict[str, Any]:
    """`demo_mode`, and in demo mode the sample accounts.

    A visitor of a demo site has no other way to learn them (the terminal that printed them
    is not theirs), and walking from sign-up to a credential needs an instructor to approve
    the application and grade the capstone.
    """
    if not getattr(settings, "MICROCRED_DEMO", False):
        return {"demo_mode": False}
    from microcred.web.demo import DEMO_ACCOUNTS

    return {"demo_mode": True, "demo_accounts": DEMO_ACCOUNTS}
