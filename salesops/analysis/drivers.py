"""Which driver moved gross profit this week: customers x orders/customer x AOV x margin.

Gross profit = customers x (orders / customers) x (revenue / orders) x margin, where
margin is the gross margin over lines with a known cost (so lines without a cost are
taken to earn the average margin). The week-on-week change is split by sequential
substitution in that order: each effect changes one factor with the earlier ones already
at this week's value, so the four effects add up exactly to the change.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from . import _common as c

FACTORS = ["customers", "orders_per_customer", "aov", "margin"]
EFFECTS = [f"{f}_effect" for f in FACTORS]


def _week_numbers(frame: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """The four factors and gross profit per `key` value (e.g. channel)."""
    g = frame.groupby(key)
    out = pd.DataFrame(
        {
            "customers": g["customer_id"].nunique(),
            "orders": g["order_id"].count(),
            "revenue": g["revenue"].sum(),
        }
    )
    costed = g["costed_revenue"].sum()
    out["orders_per_customer"] = out["orders"] / out["customers"]
    out["aov"] = out["revenue"] / out["orders"]
    out["margin"] = ((costed - g["cost"].sum()) / costed).where(costed > 0)
    out["gross_profit"] = out["revenue"] * out["margin"]
    return out


def _decompose(prev: pd.DataFrame, this: pd.DataFrame) -> pd.DataFrame:
    """Sequential-substitution effects; a factor missing in one week takes the other's value."""
    idx = prev.index.union(this.index)
    p, t = prev.reindex(idx), this.reindex(idx)
    p["customers"], t["customers"] = p["customers"].fillna(0), t["customers"].fillna(0)
    for f in FACTORS[1:]:
        p[f], t[f] = p[f].fillna(t[f]).fillna(0.0), t[f].fillna(p[f]).fillna(0.0)
    out = pd.DataFrame(index=idx)
    mixed = p[FACTORS].copy()
    before = mixed.prod(axis=1)
    for f in FACTORS:
        mixed[f] = t[f]
        after = mixed.prod(axis=1)
        out[f"{f}_effect"] = after - before
        before = after
    out["gross_profit_before"], out["gross_profit"] = p[FACTORS].prod(axis=1), before
    for f in FACTORS:
        out[f"{f}_before"], out[f] = p[f], t[f]
    return out


def profit_drivers(db, week) -> pd.DataFrame:
    """Per channel, plus a 'total' row: this week's gross-profit change split into the four effects.

    `week` is any day of the ISO week (business zone) to compare with the week before.
    Columns: each factor and its `_before` value, gross_profit(_before), change, the four
    `_effect`s (summing to change) and `driver`, the factor whose effect is largest.
    """
    day = c.as_date(week)
    monday = day - timedelta(days=day.weekday())
    frame = c.orders(db, monday - timedelta(days=7), monday + timedelta(days=6))
    this_week = frame["week"] == pd.Timestamp(monday)
    parts = []
    for key in (frame["channel"], pd.Series("total", index=frame.index)):
        prev = _week_numbers(frame[~this_week], key[~this_week])
        this = _week_numbers(frame[this_week], key[this_week])
        parts.append(_decompose(prev, this))
    out = pd.concat(parts)
    out.index.name = "channel"
    out["change"] = out["gross_profit"] - out["gross_profit_before"]
    out["driver"] = out[EFFECTS].abs().idxmax(axis=1).str.removesuffix("_effect")
    return out
