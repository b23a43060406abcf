from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from microcred.credentials.core.dates import format_datetime, parse_datetime


def test_parse_forms() -> None:
    assert parse_datetime("2026-01-15T09:30:00Z") == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    assert parse_datetime("2026-01-15T10:30:00.250+01:00") == datetime(
        2026, 1, 15, 9, 30, 0, 250000, tzinfo=UTC
    )
    assert parse_datetime("2026-01-15T09:30:00").tzinfo is UTC  # no zone: read as UTC


@pytest.mark.parametrize(
    "value", ["2026-01-15", "yesterday", "2026-01-15 09:30:00Z", 20260115, None]
)
def test_non_datetimes_are_errors(value: object) -> None:
    with pytest.raises(ValueError, match="dateTime"):
        parse_datetime(value)


def test_format_is_utc_seconds_with_z() -> None:
    moment = datetime(2026, 1, 15, 10, 30, 5, 999, tzinfo=timezone(timedelta(hours=1)))
    assert format_datetime(moment) == "2026-01-15T09:30:05Z"
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2026, 1, 15))
