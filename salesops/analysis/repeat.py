"""Repeat purchase: the lifetimes-style repeat summary, repeat rates and purchase intervals.

A purchase day is a business-zone day with at least one counted order; orders on the
same day are one transaction (their revenue adds up). Times in the summary are weeks
(days / 7), as in the CDNOW data the BG/NBD model was published on.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from . import _common as c

SUMMARY_COLUMNS = ["frequency", "recency", "T", "monetary_value"]


def purchase_days(db, start=None, end=None) -> pd.DataFrame:
    """One row per customer and purchase day: customer_code, day, revenue, orders."""
    frame = c.orders(db, start, end)
    days = frame.groupby(["customer_code", "day"], as_index=False).agg(
        revenue=("revenue", "sum"), orders=("order_id", "count")
    )
    return days.sort_values(["customer_code", "day"], ignore_index=True)


def _summarise(days: pd.DataFrame, end_day: pd.Timestamp) -> pd.DataFrame:
    """frequency, recency, T, monetary_value from purchase days (see repeat_summary)."""
    grouped = days.groupby("customer_code")
    first, last = grouped["day"].min(), grouped["day"].max()
    frequency = grouped.size() - 1
    repeat_revenue = grouped["revenue"].sum() - grouped["revenue"].first()  # days are sorted
    out = pd.DataFrame(
        {
            "frequency": frequency.astype(int),
            "recency": (last - first).dt.days / 7.0,
            "T": (end_day - first).dt.days / 7.0,
            "monetary_value": (repeat_revenue / frequency.where(frequency > 0)).fillna(0.0),
        }
    )
    out.index.name = "customer_code"
    return out


def repeat_summary(db, calibration_end, observation_end=None) -> pd.DataFrame:
    """Per customer (index: code): frequency, recency, T, monetary_value up to `calibration_end`.

    frequency = purchase days after the first; recency = weeks from first to last purchase
    day; T = weeks from the first purchase day to `calibration_end`; monetary_value = mean
    revenue of the repeat days (0 when none). With `observation_end`, also
    frequency_holdout and monetary_value_holdout for the days after `calibration_end`.
    """
    cal_end = c.as_date(calibration_end)
    days = purchase_days(db, None, observation_end or cal_end)
    calibration = days[days["day"] <= pd.Timestamp(cal_end)]
    out = _summarise(calibration, pd.Timestamp(cal_end))
    if observation_end is not None:
        holdout = days[
            (days["day"] > pd.Timestamp(cal_end)) & days["customer_code"].isin(out.index)
        ]
        grouped = holdout.groupby("customer_code")
        out["frequency_holdout"] = grouped.size().reindex(out.index, fill_value=0).astype(int)
        mean = grouped["revenue"].mean().reindex(out.index, fill_value=0.0)
        out["monetary_value_holdout"] = mean.astype(float)
    return out


def repeat_rate(db, start=None, end=None, by: str | None = "channel") -> pd.DataFrame:
    """Share of buyers who bought on more than one day, per `by` (the channel of each order).

    Columns: buyers, repeat_buyers, repeat_rate. A buyer counts under every channel they
    bought through, and repeats when they have two or more purchase days in it.
    """
    frame = c.orders(db, start, end)
    keys = ["customer_code"] + ([by] if by else [])
    per = frame.groupby(keys)["day"].nunique().reset_index(name="days")
    per["repeat"] = per["days"] > 1
    grouped = per.groupby(by) if by else per.assign(all="all").groupby("all")
    out = grouped.agg(buyers=("customer_code", "count"), repeat_buyers=("repeat", "sum"))
    out["repeat_rate"] = out["repeat_buyers"] / out["buyers"]
    return out


def purchase_intervals(db, start=None, end=None) -> pd.DataFrame:
    """Per product (sku): days between a customer's successive purchase days of that product.

    Columns: product_name, buyers, repeat_buyers, intervals, median_days, mean_days;
    sorted by repeat buyers, most first.
    """
    frame = c.lines(db, start, end)
    days = frame.drop_duplicates(["customer_id", "sku", "day"]).sort_values("day")
    days = days.assign(gap=days.groupby(["customer_id", "sku"])["day"].diff().dt.days)
    gaps = days.dropna(subset=["gap"])
    out = days.groupby("sku").agg(
        product_name=("product_name", "first"), buyers=("customer_id", "nunique")
    )
    stats = gaps.groupby("sku").agg(
        repeat_buyers=("customer_id", "nunique"),
        intervals=("gap", "count"),
        median_days=("gap", "median"),
        mean_days=("gap", "mean"),
    )
    out = out.join(stats).fillna({"repeat_buyers": 0, "intervals": 0})
    out[["repeat_buyers", "intervals"]] = out[["repeat_buyers", "intervals"]].astype(int)
    return out.sort_values(["repeat_buyers", "buyers"], ascending=False)


def holdout_weeks(calibration_end, observation_end) -> float:
    """Weeks from the end of calibration to the end of observation (the holdout length)."""
    gap = c.as_date(observation_end) - c.as_date(calibration_end)
    return gap / timedelta(days=7)
