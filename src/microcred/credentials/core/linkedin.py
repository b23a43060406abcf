"""The "Add to profile" link that pre-fills a LinkedIn certification from a credential."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

__all__ = ["LINKEDIN_ADD_URL", "linkedin_add_url"]

LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add"


def linkedin_add_url(
    *,
    name: str,
    organization_name: str,
    issued_at: datetime,
    cert_url: str,
    cert_id: str,
    expires_at: datetime | None = None,
    organization_id: str | None = None,
) -> str:
    """``https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&...``.

    ``organizationId`` (a LinkedIn company id) replaces ``organizationName`` when known, so
    the certification links to the company page.
    """
    params: list[tuple[str, str]] = [("startTask", "CERTIFICATION_NAME"), ("name", name)]
    if organization_id:
        params.append(("organizationId", organization_id))
    else:
        params.append(("organizationName", organization_name))
    params += [
        ("issueYear", str(issued_at.year)),
        ("issueMonth", str(issued_at.month)),
    ]
    if expires_at is not None:
        params += [
            ("expirationYear", str(expires_at.year)),
            ("expirationMonth", str(expires_at.month)),
        ]
    params += [("certUrl", cert_url), ("certId", cert_id)]
    return f"{LINKEDIN_ADD_URL}?{urlencode(params)}"
