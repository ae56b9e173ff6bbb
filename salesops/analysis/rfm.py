"""RFM: recency, frequency and monetary scores (1-5) and named customer segments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _common as c
from .repeat import purchase_days

# First matching rule names the segment (R and F scores, 5 = best).
SEGMENTS = [
    ("champions", lambda r, f: (r >= 4) & (f >= 4)),
    ("loyal", lambda r, f: (r >= 3) & (f >= 3)),
    ("promising", lambda r, f: r >= 4),
    ("at risk", lambda r, f: (r <= 2) & (f >= 3)),
    ("hibernating", lambda r, f: r <= 2),
    ("need attention", lambda r, f: r == r),
]


def quintile_score(values: pd.Series) -> pd.Series:
    """1-5 by rank (higher value, higher score): ceil(5 x percentile rank), ties share a rank."""
    pct = values.rank(method="average", pct=True)
    return np.ceil(pct * 5).clip(1, 5).astype(int)


def rfm_scores(db, as_of) -> pd.DataFrame:
    """Per buyer (index: code) up to `as_of`: recency_days, frequency, monetary, R, F, M, segment.

    recency_days = days from the last purchase day to `as_of`; frequency = purchase days;
    monetary = revenue. R scores recent buyers high, F and M score higher values high.
    """
    days = purchase_days(db, None, as_of)
    grouped = days.groupby("customer_code")
    out = pd.DataFrame(
        {
            "recency_days": (pd.Timestamp(c.as_date(as_of)) - grouped["day"].max()).dt.days,
            "frequency": grouped.size(),
            "monetary": grouped["revenue"].sum(),
        }
    )
    out["R"] = quintile_score(-out["recency_days"])
    out["F"] = quintile_score(out["frequency"])
    out["M"] = quintile_score(out["monetary"])
    out["rfm"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    out["segment"] = segment(out["R"], out["F"])
    return out


def segment(r: pd.Series, f: pd.Series) -> pd.Series:
    """The segment name for each pair of R and F scores (first rule in SEGMENTS that holds)."""
    names = pd.Series(pd.NA, index=r.index, dtype="object")
    for name, rule in SEGMENTS:
        names = names.where(names.notna() | ~rule(r, f), name)
    return names


def segment_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Per segment: customers, share of customers, revenue, share of revenue."""
    out = scores.groupby("segment").agg(
        customers=("frequency", "size"), revenue=("monetary", "sum")
    )
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    return out.sort_values("revenue", ascending=False)
