"""What every analysis shares: named queries into DataFrames, business-zone days and weeks.

Orders are read through the named queries in queries/analysis.sql (a counted order: not
cancelled or refunded, not soft-deleted; revenue = sum of line amounts). Times come back
in UTC; days and ISO weeks are counted in the business zone. Money is turned into float
here on purpose: analysis frames hold means, ratios and model inputs, not ledger amounts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd

from .. import config

EARLIEST = date(1900, 1, 1)
LATEST = date(9998, 12, 31)


def as_date(value) -> date | None:
    """A date from a date, datetime, pandas Timestamp or 'YYYY-MM-DD' string (None stays None)."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    return pd.Timestamp(value).date()


def day_start_utc(day: date) -> datetime:
    """Midnight at the start of `day` in the business zone, as an aware UTC datetime."""
    return datetime.combine(day, time(0), tzinfo=config.business_zone()).astimezone(UTC)


def bounds(start=None, end=None) -> dict:
    """Bind values for [:start, :end) covering the business days `start`..`end` inclusive."""
    first = as_date(start) or EARLIEST
    last = as_date(end) or LATEST
    return {"start": day_start_utc(first), "end": day_start_utc(last + timedelta(days=1))}


def fetch(db, name: str, **params) -> pd.DataFrame:
    """Run the named query `name` into a DataFrame."""
    from .. import queries

    return queries.fetch_df(db, name, **params)


def utc(series: pd.Series) -> pd.Series:
    """Timestamps from either database (naive UTC text or datetimes) as aware UTC."""
    return pd.to_datetime(series, utc=True, format="ISO8601")


def local_days(series: pd.Series) -> pd.Series:
    """The business-zone calendar day (as a midnight Timestamp) of each UTC timestamp."""
    return utc(series).dt.tz_convert(config.business_zone()).dt.tz_localize(None).dt.normalize()


def week_start(days: pd.Series) -> pd.Series:
    """The Monday starting the ISO week of each day."""
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def money(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Turn Decimal or numeric-text money columns into floats (in place; returned for chaining)."""
    for column in columns:
        frame[column] = pd.to_numeric(frame[column].astype("object")).astype(float)
    return frame


def orders(db, start=None, end=None) -> pd.DataFrame:
    """Counted orders in the business days start..end, with `day` and `week` in the zone."""
    frame = fetch(db, "analysis_orders", **bounds(start, end))
    frame = money(frame, "revenue", "costed_revenue", "cost")
    frame["ordered_at"] = utc(frame["ordered_at"])
    frame["day"] = local_days(frame["ordered_at"])
    frame["week"] = week_start(frame["day"])
    return frame


def lines(db, start=None, end=None) -> pd.DataFrame:
    """Lines of counted orders in the business days start..end, with the order's `day`."""
    frame = money(fetch(db, "analysis_order_lines", **bounds(start, end)), "amount")
    frame["day"] = local_days(frame["ordered_at"])
    return frame


def customers(db) -> pd.DataFrame:
    """Active customers: id, code, name, channel, referrer_id, is_agent, parent_agent_id."""
    frame = fetch(db, "analysis_customers")
    frame["is_agent"] = frame["is_agent"].astype(bool)
    for column in ("referrer_id", "parent_agent_id"):
        frame[column] = frame[column].astype("Int64")
    return frame


def latest_day(db) -> date | None:
    """The business day of the most recent counted order (None when there is none)."""
    days = orders(db)["day"]
    return None if days.empty else days.max().date()


def margin(revenue: float, cost: float) -> float:
    """(revenue - cost) / revenue over costed lines; NaN when nothing is costed."""
    return (revenue - cost) / revenue if revenue else float("nan")
