"""ISO weeks in the business zone (salesops.weeks): bounds in UTC, daylight saving,
parsing what people type, and the last complete week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from salesops.errors import ValidationError
from salesops.weeks import Week, last_complete_week, parse_week, week_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(y, mo, d, h=12, mi=0, sec=0) -> datetime:
    """A Shanghai wall-clock time as an aware datetime."""
    return datetime(y, mo, d, h, mi, sec, tzinfo=SHANGHAI)


def test_week_bounds_are_shanghai_midnights_in_utc():
    start, end = Week(2026, 47).bounds(SHANGHAI)
    assert start == datetime(2026, 11, 15, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
    assert Week(2026, 1).bounds(SHANGHAI)[0] == datetime(2025, 12, 28, 16, 0, tzinfo=UTC)


def test_week_bounds_follow_daylight_saving_in_a_zone_that_has_it():
    start, end = Week(2026, 13).bounds(ZoneInfo("Europe/Berlin"))  # clocks go forward 29 Mar
    assert end - start == timedelta(hours=167)


def test_parse_week_accepts_iso_forms_and_refuses_others():
    assert parse_week("2026-W47") == parse_week("2026w47") == Week(2026, 47)
    assert str(parse_week("2020-W53")) == "2020-W53"
    for bad in ("2026-W54", "2026-47", "W47", "", "2026-W00"):
        with pytest.raises(ValidationError):
            parse_week(bad)


def test_last_complete_week_turns_over_at_monday_midnight_in_shanghai():
    sunday_late = shanghai(2026, 11, 29, 23, 59, 59)
    monday = shanghai(2026, 11, 30, 0, 0, 0)
    assert last_complete_week(sunday_late, SHANGHAI) == Week(2026, 47)
    assert last_complete_week(monday, SHANGHAI) == Week(2026, 48)
    assert week_of(monday.astimezone(UTC), SHANGHAI) == Week(2026, 49)
    assert Week(2026, 1).shift(-1) == Week(2025, 52)
