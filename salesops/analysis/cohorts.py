"""Monthly acquisition cohorts: who started buying when (and through what), who came back."""

from __future__ import annotations

import pandas as pd

from . import _common as c

BY = ("channel", "product")


def _first_purchases(db, end) -> pd.DataFrame:
    """Per customer: first order's month, channel and product (its first line)."""
    orders = c.orders(db, None, end)
    first = orders.sort_values(["ordered_at", "order_id"]).drop_duplicates("customer_id")
    lines = c.lines(db, None, end).drop_duplicates("order_id")  # first line of each order
    first = first.merge(lines[["order_id", "product_name"]], on="order_id", how="left")
    first["cohort"] = first["day"].dt.to_period("M")
    return first.rename(columns={"product_name": "product"}).set_index("customer_id")


def cohorts(db, end=None, by: str | None = None) -> pd.DataFrame:
    """Tidy cohort table: group, cohort (first month), period (months since), customers, active.

    `by` = None, "channel" (first order's channel) or "product" (first order's first line).
    active = cohort customers with a counted order in that month; retention = active / size.
    """
    if by not in (None, *BY):
        raise ValueError(f"by: {by!r} is not accepted; use None, 'channel' or 'product'")
    first = _first_purchases(db, end)
    orders = c.orders(db, None, end)
    orders["month"] = orders["day"].dt.to_period("M")
    firsts = first[["cohort", *BY]].add_prefix("first_").rename(columns={"first_cohort": "cohort"})
    orders = orders.join(firsts, on="customer_id")
    orders["group"] = orders[f"first_{by}"] if by else "all"
    orders["period"] = (orders["month"] - orders["cohort"]).apply(lambda d: d.n)
    active = orders.groupby(["group", "cohort", "period"])["customer_id"].nunique()
    sizes = orders[orders["period"] == 0].groupby(["group", "cohort"])["customer_id"].nunique()
    out = active.rename("active").reset_index()
    out["customers"] = out.set_index(["group", "cohort"]).index.map(sizes)
    out["retention"] = out["active"] / out["customers"]
    out["cohort"] = out["cohort"].astype(str)
    return out[["group", "cohort", "period", "customers", "active", "retention"]]


def retention_matrix(table: pd.DataFrame, group: str = "all") -> pd.DataFrame:
    """One group's cohorts as rows and months-since-first as columns (retention shares)."""
    part = table[table["group"] == group]
    return part.pivot(index="cohort", columns="period", values="retention")
