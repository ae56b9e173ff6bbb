"""The conversion funnel per source channel: contacts -> first purchase -> second purchase."""

from __future__ import annotations

import pandas as pd

from . import _common as c


def channel_funnel(db, end=None) -> pd.DataFrame:
    """Per customer source channel: contacts, first_purchase, second_purchase and rates.

    Contacts are active customers (prospects included) from that channel; first_purchase
    those with a counted order by `end`; second_purchase those with purchases on two or
    more business days. Rates: first_rate = first / contacts, second_rate = second / first.
    """
    people = c.customers(db)
    days = c.orders(db, None, end).groupby("customer_id")["day"].nunique()
    people["days"] = people["customer_id"].map(days).fillna(0)
    people["channel"] = people["channel"].fillna("(none)")
    out = people.groupby("channel").agg(
        contacts=("customer_id", "count"),
        first_purchase=("days", lambda d: int((d >= 1).sum())),
        second_purchase=("days", lambda d: int((d >= 2).sum())),
    )
    out["first_rate"] = out["first_purchase"] / out["contacts"]
    out["second_rate"] = (out["second_purchase"] / out["first_purchase"]).where(
        out["first_purchase"] > 0
    )
    return out.sort_values("contacts", ascending=False)


def funnel_long(funnel: pd.DataFrame) -> pd.DataFrame:
    """The funnel as (channel, stage, people) rows, ready for a funnel chart."""
    stages = ["contacts", "first_purchase", "second_purchase"]
    long = funnel[stages].reset_index().melt("channel", var_name="stage", value_name="people")
    return long
