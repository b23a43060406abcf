"""What a course's `admission` section asks of an applicant, and checks on uploaded evidence.

The declaration is built on the server in the applicant's language and stored verbatim with
the enrolment, so the record says exactly what was declared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import translation
from django.utils.translation import gettext as _

from microcred.curriculum.labels import label
from microcred.curriculum.spec.localize import localized

# Extension -> (content type, magic bytes the file must start with). PDF and photos/scans are
# what diplomas and transcripts come as; anything else is refused, whatever the browser says.
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


@dataclass(frozen=True)
class Admission:
    qualification: str
    eqf_level: int
    description: dict[str, str]
    technical_skills: list[Any]
    evidence_required: bool

    @classmethod
    def of(cls, description: dict[str, Any]) -> Admission:
        raw = description.get("admission") or {}
        return cls(
            qualification=str(raw.get("qualification", "none")),
            eqf_level=int(raw.get("eqf_level") or 0),
            description=raw.get("description") or {},
            technical_skills=list(raw.get("technical_skills") or []),
            evidence_required=bool(raw.get("evidence_required")),
        )

    @property
    def qualification_label(self) -> str:
        return label("qualification", self.qualification)


def _text(value: Any, language: str) -> str:
    return localized(value, language) if isinstance(value, dict) else str(value)


def declaration_text(admission: Admission, language: str) -> str:
    """The sentence(s) the applicant accepts, in `language` (course text falls back to English)."""
    with translation.override(language):
        parts = []
        if admission.qualification != "none":
            parts.append(
                _(
                    "I declare that I hold %(qualification)s (EQF level %(level)s) or an "
                    "equivalent qualification."
                )
                % {
                    "qualification": admission.qualification_label,
                    "level": admission.eqf_level,
                }
            )
        if admission.technical_skills:
            skills = "; ".join(
                _text(skill, language).strip().rstrip(".") for skill in admission.technical_skills
            )
            parts.append(_("I have these skills: %(skills)s.") % {"skills": skills.rstrip(".")})
        parts.append(
            _(
                "The information I give is true, and I understand that the enrolment may be "
                "cancelled if it is not."
            )
        )
    return " ".join(parts)


class EvidenceError(ValueError):
    """An upload refused for its size or type; the message is translated and safe to show."""


def max_evidence_bytes() -> int:
    return int(getattr(settings, "MICROCRED_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024))


def check_evidence(upload: UploadedFile) -> str:
    """The content type of an acceptable upload, decided by extension AND first bytes."""
    limit = max_evidence_bytes()
    size = upload.size or 0
    if size == 0:
        raise EvidenceError(_("The file is empty."))
    if size > limit:
        raise EvidenceError(
            _("The file is too large (at most %(megabytes)s MB).")
            % {"megabytes": f"{limit / 1024 / 1024:g}"}
        )
    name = (upload.name or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    if extension not in EVIDENCE_TYPES:
        raise EvidenceError(_("Upload a PDF, PNG or JPEG file."))
    content_type, signatures = EVIDENCE_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise EvidenceError(_("The file's content does not match its type (PDF, PNG or JPEG)."))
    return content_type
