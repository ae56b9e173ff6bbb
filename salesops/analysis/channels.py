"""Channels week by week: revenue, orders, customers, AOV, margin and repeat rate."""

from __future__ import annotations

import pandas as pd

from . import _common as c


def weekly_channels(db, start=None, end=None) -> pd.DataFrame:
    """Per ISO week (Monday, business zone) and order channel: the weekly numbers.

    Columns: week, channel, revenue, orders, customers, aov (revenue / orders),
    gross_margin (over costed lines), returning (buyers whose first purchase day, in any
    channel and all history, is earlier than this week's purchase), repeat_rate
    (returning / customers).
    """
    history = c.orders(db, None, end)
    first_day = history.groupby("customer_code")["day"].min()
    frame = history[history["day"] >= pd.Timestamp(c.as_date(start) or c.EARLIEST)].copy()
    frame["returning"] = frame["day"] > frame["customer_code"].map(first_day)
    grouped = frame.groupby(["week", "channel"])
    out = grouped.agg(
        revenue=("revenue", "sum"),
        orders=("order_id", "count"),
        customers=("customer_code", "nunique"),
        costed_revenue=("costed_revenue", "sum"),
        cost=("cost", "sum"),
    )
    returning = frame[frame["returning"]].groupby(["week", "channel"])["customer_code"].nunique()
    out["returning"] = returning.reindex(out.index, fill_value=0).astype(int)
    out["aov"] = out["revenue"] / out["orders"]
    out["gross_margin"] = (out["costed_revenue"] - out["cost"]) / out["costed_revenue"]
    out["repeat_rate"] = out["returning"] / out["customers"]
    return out.drop(columns=["costed_revenue", "cost"]).reset_index()
