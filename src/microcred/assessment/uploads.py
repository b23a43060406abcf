"""Checks of capstone uploads: type by extension AND first bytes, size limits, SHA-256.

Archives are never opened or extracted on the server (no zip bombs, no path tricks); a ZIP's
central directory is read only to refuse files that merely start like one.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MIB = 1024 * 1024


class UploadError(ValueError):
    """The message is translated and safe to show."""


@dataclass(frozen=True)
class UploadInfo:
    size: int
    sha256: str
    suffix: str
    content_type: str


def report_limit() -> int:
    return int(getattr(settings, "MICROCRED_CAPSTONE_REPORT_MAX_BYTES", 20 * MIB))


def code_limit() -> int:
    return int(getattr(settings, "MICROCRED_CAPSTONE_CODE_MAX_BYTES", 50 * MIB))


def _digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _head(upload: UploadedFile, size: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _size(upload: UploadedFile, limit: int) -> int:
    size = upload.size or 0
    if size == 0:
        raise UploadError(_("The file is empty."))
    if size > limit:
        raise UploadError(
            _("The file is too large (at most %(megabytes)s MB).")
            % {"megabytes": f"{limit / MIB:g}"}
        )
    return size


def check_report(upload: UploadedFile) -> UploadInfo:
    size = _size(upload, report_limit())
    if not (upload.name or "").lower().endswith(".pdf"):
        raise UploadError(_("Upload the report as a PDF file."))
    if not _head(upload).startswith(b"%PDF-"):
        raise UploadError(_("The report is not a PDF file."))
    return UploadInfo(size, _digest(upload), ".pdf", "application/pdf")


def check_code_archive(upload: UploadedFile) -> UploadInfo:
    size = _size(upload, code_limit())
    name = (upload.name or "").lower()
    head = _head(upload)
    if name.endswith(".zip"):
        upload.seek(0)
        valid = head.startswith(b"PK") and zipfile.is_zipfile(upload)
        upload.seek(0)
        if not valid:
            raise UploadError(_("The code archive is not a ZIP file."))
        return UploadInfo(size, _digest(upload), ".zip", "application/zip")
    if name.endswith((".tar.gz", ".tgz")):
        if not head.startswith(b"\x1f\x8b"):
            raise UploadError(_("The code archive is not a gzip-compressed tar file."))
        return UploadInfo(size, _digest(upload), ".tar.gz", "application/gzip")
    raise UploadError(_("Upload the code as a .zip or .tar.gz archive."))
