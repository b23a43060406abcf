"""Bring an instance's data directory and database up to date before serving."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command


def ensure_database() -> None:
    """Create the data directory and apply migrations (idempotent, quiet when up to date)."""
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
