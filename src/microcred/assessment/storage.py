"""Private file storage for capstone work: outside MEDIA_ROOT and never reachable by a URL.

The root is `MICROCRED_PRIVATE_DIR`, by default `private/` next to MEDIA_ROOT (so
`DATA_DIR/private` on an instance), read on every use so tests and operators can move it. Files
get mode 0600 (FILE_UPLOAD_PERMISSIONS) and are served only through views that check who asks
(the author, an assigned peer reviewer, staff).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


def private_root() -> Path:
    configured = getattr(settings, "MICROCRED_PRIVATE_DIR", None)
    return Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "private"


@deconstructible(path="microcred.assessment.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(private_root())

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property  # type: ignore[override]
    def base_url(self) -> str | None:
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; use the download views")
