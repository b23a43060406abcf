"""Human labels, translated, for the codes the course format uses."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LABELS: dict[str, dict[str, Promise]] = {
    "mode": {"online": _("Online"), "onsite": _("On site"), "blended": _("Blended learning")},
    "pace": {
        "full-time": _("Full-time"),
        "part-time": _("Part-time"),
        "self-paced": _("Self-paced"),
    },
    "qf_ehea_cycle": {
        "short": _("short cycle"),
        "first": _("first cycle (Bachelor)"),
        "second": _("second cycle (Master)"),
        "third": _("third cycle (Doctorate)"),
    },
    "identification": {
        "given_name": _("given name"),
        "family_name": _("family name"),
        "email": _("e-mail address"),
        "date_of_birth": _("date of birth"),
        "national_id": _("national identifier"),
        "student_id": _("student number"),
    },
    "supervision": {
        "none": _("Unsupervised"),
        "supervised-online": _("Supervised online"),
        "supervised-onsite": _("Supervised on site"),
    },
    "identity_verification": {
        "none": _("No identity verification"),
        "online": _("Identity verified online"),
        "onsite": _("Identity verified on site"),
    },
    "qualification": {
        "none": _("no formal qualification"),
        "upper-secondary": _("an upper-secondary qualification"),
        "post-secondary": _("a post-secondary non-tertiary qualification"),
        "short-cycle": _("a short-cycle tertiary qualification"),
        "bachelor": _("a Bachelor's degree"),
        "master": _("a Master's degree"),
        "doctorate": _("a doctorate"),
    },
    "resource": {
        "notes": _("Notes"),
        "slides": _("Slides"),
        "qa": _("Q&A"),
        "case-studies": _("Case studies"),
        "exercises": _("Exercises"),
        "reading": _("Reading"),
        "video": _("Video"),
    },
    "outcome_type": {
        "knowledge": _("knowledge"),
        "skill": _("skill"),
        "competence": _("competence"),
    },
}


def label(vocabulary: str, code: str) -> str:
    """The translated label of a code; an unknown code is shown as it is, never hidden."""
    found = LABELS.get(vocabulary, {}).get(code)
    return str(found) if found is not None else code
