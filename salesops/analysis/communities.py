"""Communities (社群) and order-sharing (晒单): do members buy, do reviews bring purchases?"""

from __future__ import annotations

import pandas as pd

from . import _common as c


def community_summary(db, start=None, end=None) -> pd.DataFrame:
    """Per community: owner, members, buyers, conversion, revenue, revenue_per_member.

    members = everyone who was ever in it (left or not); buyers = members with a counted
    order in start..end placed while they were in it (after joining, before leaving);
    revenue = those orders' revenue; conversion = buyers / members.
    """
    members = c.fetch(db, "analysis_community_members")
    orders = c.orders(db, start, end)[["customer_id", "ordered_at", "revenue"]]
    members["left_at"] = pd.to_datetime(members["left_at"], utc=True)
    joined = members.merge(orders, on="customer_id", how="left")
    # A person's stays never overlap, so an order falls in at most one of them.
    left = joined["left_at"]
    joined = joined[
        (joined["ordered_at"] >= joined["joined_at"])
        & (left.isna() | (joined["ordered_at"] < left.fillna(joined["ordered_at"])))
    ]
    people = c.customers(db).set_index("customer_id")
    out = members.groupby(["community_id", "community"]).agg(
        owner_id=("owner_id", "first"), members=("customer_id", "nunique")
    )
    bought = joined.groupby(["community_id", "community"])
    out["buyers"] = bought["customer_id"].nunique().reindex(out.index, fill_value=0)
    out["revenue"] = bought["revenue"].sum().reindex(out.index, fill_value=0.0)
    out.insert(0, "owner", out.pop("owner_id").map(people["name"]))
    out["conversion"] = out["buyers"] / out["members"]
    out["revenue_per_member"] = out["revenue"] / out["members"]
    return out.reset_index(level="community_id", drop=True).sort_values("revenue", ascending=False)


def review_effect(db, window_days: int = 30, start=None, end=None) -> pd.DataFrame:
    """Per order-share posted in start..end: its reviewer's referrals' purchases around it.

    Columns: review_id, reviewer (code), posted (business day), referrals,
    orders_before / orders_after and revenue_before / revenue_after: counted orders of
    the reviewer's referred customers in the `window_days` days before the posting day
    and from that day on.
    """
    reviews = c.fetch(db, "analysis_reviews", **c.bounds(start, end))
    reviews["posted"] = c.local_days(reviews["posted_at"])
    people = c.customers(db)
    referred = people.dropna(subset=["referrer_id"])[["customer_id", "referrer_id"]]
    referred["referrer_id"] = referred["referrer_id"].astype(int)
    orders = c.orders(db)[["customer_id", "day", "revenue"]]
    pairs = reviews.merge(
        referred, left_on="customer_id", right_on="referrer_id", suffixes=("", "_referred")
    )
    window = pd.Timedelta(days=window_days)
    hits = pairs.merge(
        orders, left_on="customer_id_referred", right_on="customer_id", suffixes=("", "_o")
    )
    hits["when"] = pd.cut(
        (hits["day"] - hits["posted"]) / window, [-1, 0, 1], right=False, labels=["before", "after"]
    )
    hits = hits.dropna(subset=["when"])
    counts = hits.pivot_table(
        index="review_id",
        columns="when",
        values="revenue",
        aggfunc=["count", "sum"],
        observed=False,
    )
    out = reviews.set_index("review_id")[["customer_id", "posted"]]
    out["reviewer"] = out.pop("customer_id").map(people.set_index("customer_id")["code"])
    out["referrals"] = pairs.groupby("review_id").size().reindex(out.index, fill_value=0)
    for kind, stat in (("orders", "count"), ("revenue", "sum")):
        for when in ("before", "after"):
            col = counts[(stat, when)] if (stat, when) in counts else pd.Series(dtype=float)
            out[f"{kind}_{when}"] = col.reindex(out.index).fillna(0)
    out[["orders_before", "orders_after"]] = out[["orders_before", "orders_after"]].astype(int)
    return out.reset_index()


def review_effect_summary(effect: pd.DataFrame) -> pd.DataFrame:
    """Totals over reviews with referrals: orders and revenue before vs after, and the change."""
    part = effect[effect["referrals"] > 0]
    cols = ["orders_before", "orders_after", "revenue_before", "revenue_after"]
    total = part[cols].sum()
    out = pd.DataFrame({"reviews": [len(part)], **{k: [total[k]] for k in cols}})
    out["order_change"] = out["orders_after"] - out["orders_before"]
    out["revenue_change"] = out["revenue_after"] - out["revenue_before"]
    return out
