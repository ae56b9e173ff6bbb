"""Cross-sell: products bought together and the product bought next (product extensibility).

Both return association rules antecedent -> consequent with support, confidence and lift:
support = share of baskets holding both; confidence = P(consequent | antecedent);
lift = confidence / P(consequent) (above 1: bought together more than by chance).
"""

from __future__ import annotations

import pandas as pd

from . import _common as c


def _rules(baskets: pd.DataFrame, nexts: pd.DataFrame, total: int) -> pd.DataFrame:
    """Rules from (basket, product) rows on each side, joined on basket; `total` baskets."""
    pairs = baskets.merge(nexts, on="basket", suffixes=("_a", "_b"))
    pairs = pairs[pairs["product_a"] != pairs["product_b"]]
    both = pairs.groupby(["product_a", "product_b"]).size().rename("baskets")
    n_a = baskets.groupby("product")["basket"].nunique()
    n_b = nexts.groupby("product")["basket"].nunique()
    out = both.reset_index().rename(columns={"product_a": "antecedent", "product_b": "consequent"})
    out["support"] = out["baskets"] / total
    out["confidence"] = out["baskets"] / out["antecedent"].map(n_a)
    out["lift"] = out["confidence"] / (out["consequent"].map(n_b) / total)
    return out.sort_values(["lift", "baskets"], ascending=False, ignore_index=True)


def product_pairs(db, start=None, end=None, min_baskets: int = 1) -> pd.DataFrame:
    """Products bought in the same order: antecedent, consequent, baskets, support, confidence,
    lift (both directions; an order is a basket; products named by SKU)."""
    frame = c.lines(db, start, end)
    baskets = frame[["order_id", "sku"]].drop_duplicates()
    baskets.columns = ["basket", "product"]
    out = _rules(baskets, baskets, baskets["basket"].nunique())
    return out[out["baskets"] >= min_baskets].reset_index(drop=True)


def next_products(db, start=None, end=None, min_baskets: int = 1) -> pd.DataFrame:
    """What a customer buys on their next purchase day after buying a product.

    A basket is a customer's purchase day that has a later one; its consequents are the
    products of the next purchase day. Columns as in product_pairs.
    """
    frame = c.lines(db, start, end)[["customer_id", "day", "sku"]].drop_duplicates()
    days = frame[["customer_id", "day"]].drop_duplicates().sort_values(["customer_id", "day"])
    days["next_day"] = days.groupby("customer_id")["day"].shift(-1)
    days = days.dropna(subset=["next_day"]).reset_index(drop=True)
    days["basket"] = days.index
    now = days.merge(frame, on=["customer_id", "day"])[["basket", "sku"]]
    later = days.merge(frame, left_on=["customer_id", "next_day"], right_on=["customer_id", "day"])[
        ["basket", "sku"]
    ]
    now.columns = later.columns = ["basket", "product"]
    out = _rules(now, later, len(days))
    return out[out["baskets"] >= min_baskets].reset_index(drop=True)
