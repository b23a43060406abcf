"""XML Schema dateTime values as used by VC 2.0 (``validFrom``, ``validUntil``, ``created``).

Timestamps are compared as aware datetimes. A value without a time zone is read as UTC, which
is what VC 2.0 implementations commonly do; a value that is not a dateTime at all is an error,
so a typo can never be mistaken for "no limit".
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

__all__ = ["format_datetime", "parse_datetime"]

_DATETIME = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")


def parse_datetime(value: object) -> datetime:
    """Parse an xsd:dateTime string to an aware datetime; ``ValueError`` if it is not one."""
    if not isinstance(value, str) or _DATETIME.fullmatch(value) is None:
        raise ValueError(f"{value!r} is not an XML Schema dateTime")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def format_datetime(moment: datetime) -> str:
    """Seconds precision, UTC, ``Z`` suffix: the form every verifier parses."""
    if moment.tzinfo is None:
        raise ValueError("refusing a naive datetime: say which time zone it is in")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
