"""ISO weeks in the business zone: parse `2026-W47`, find a week's UTC bounds, step weeks.

A business week runs from Monday 00:00 to the next Monday 00:00 in the business zone
(`SALESOPS_TZ`, default Asia/Shanghai). Orders are stored in UTC, so queries get each
week's bounds converted to UTC: Monday 00:00 in Shanghai is Sunday 16:00 UTC. Bounds are
computed per week through the zone's rules, so a zone with daylight saving gets weeks of
167 or 169 hours where it changes clocks, not a fixed offset.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import config
from .errors import ValidationError
from .messages import add

add(
    {
        "en": {
            "error.week": "{field}: {value!r} is not an ISO week "
            "(accepted: YYYY-Www, e.g. 2026-W47)",
            "error.weeks": "{field}: {value!r} is not a number of weeks (accepted: 1 or more)",
        },
        "zh_CN": {
            "error.week": "{field}：{value!r} 不是有效的 ISO 周（应为 YYYY-Www，例如 2026-W47）",
            "error.weeks": "{field}：{value!r} 不是有效的周数（应不小于 1）",
        },
    }
)
WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Week:
    """One ISO week (year, number); `str(week)` is `2026-W47`."""

    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        """The week's Monday (a calendar date, no zone)."""
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> date:
        """The week's Sunday."""
        return self.monday + timedelta(days=6)

    def shift(self, weeks: int) -> Week:
        """The week `weeks` weeks later (negative: earlier)."""
        return week_of(self.monday + timedelta(weeks=weeks))

    def bounds(self, zone: ZoneInfo | None = None) -> tuple[datetime, datetime]:
        """[start, end) of the week as aware UTC datetimes: local Monday 00:00 to next Monday."""
        zone = zone or config.business_zone()
        start = datetime.combine(self.monday, time(0), zone)
        end = datetime.combine(self.monday + timedelta(days=7), time(0), zone)
        return start.astimezone(UTC), end.astimezone(UTC)


def week_of(day: date | datetime, zone: ZoneInfo | None = None) -> Week:
    """The ISO week holding `day` (an aware datetime is first moved into the business zone)."""
    if isinstance(day, datetime):
        if day.tzinfo is None:
            raise ValueError("naive datetime: give a time zone")
        day = day.astimezone(zone or config.business_zone()).date()
    year, number, _ = day.isocalendar()
    return Week(year, number)


def parse_week(text: str) -> Week:
    """`2026-W47` (also `2026W47`, `2026-w7`) as a Week; ValidationError for anything else."""
    m = WEEK.match(str(text or ""))
    if m:
        try:
            date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return Week(int(m[1]), int(m[2]))
        except ValueError:
            pass
    raise ValidationError.one("error.week", "week", text)


def last_complete_week(now: datetime | None = None, zone: ZoneInfo | None = None) -> Week:
    """The newest ISO week that has fully ended in the business zone (the week before now's)."""
    now = now or datetime.now(UTC)
    return week_of(now, zone).shift(-1)


def week_range(last: Week, count: int) -> list[Week]:
    """`count` consecutive weeks ending with `last`, oldest first."""
    if count < 1:
        raise ValidationError.one("error.weeks", "weeks", count)
    return [last.shift(i - count + 1) for i in range(count)]


def periods_param(periods: list[tuple[str, datetime, datetime]]) -> str:
    """The `:weeks` JSON of the weekly_kpis query for any (label, start, end) periods.

    Bounds are aware datetimes, written as naive UTC text in the form the tables store
    ('YYYY-MM-DD HH:MM:SS.ffffff'), so SQLite compares them as text and PostgreSQL casts.
    """

    def stored(t: datetime) -> str:
        return t.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")

    return json.dumps([[label, stored(start), stored(end)] for label, start, end in periods])


def weeks_param(weeks: list[Week], zone: ZoneInfo | None = None) -> str:
    """The `:weeks` JSON of weekly_kpis for these ISO weeks (labels like 2026-W47)."""
    return periods_param([(str(w), *w.bounds(zone)) for w in weeks])
