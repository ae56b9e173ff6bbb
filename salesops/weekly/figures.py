"""The weekly sheet's figures as one value: what `collect` reads and the workbook writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd

from ..weeks import Week

# Summary rows: (key, label); values come from the Weekly series and the Staff table.
SUMMARY_ROWS = [
    ("orders", "Orders 订单数"),
    ("revenue", "Revenue 销售额"),
    ("customers", "Customers 客户数"),
    ("new_customers", "New customers 新客户"),
    ("repeat_customers", "Repeat customers 老客户"),
    ("aov", "AOV 客单价"),
    ("gross_margin", "Gross margin 毛利率"),
    ("repeat_rate", "Repeat-purchase rate 复购率"),
    ("followups_done", "Follow-ups done 已完成跟进"),
    ("followups_overdue", "Follow-ups overdue 逾期跟进"),
    ("refunds", "Refunds issued 退款笔数"),
    ("refunded", "Refunded 退款金额"),
]
Progress = Callable[[str], None]  # told the name of each query or stage as it finishes


@dataclass
class WeeklyFigures:
    """The figures of one weekly sheet; DataFrames are the named queries' results."""

    week: Week
    series: pd.DataFrame  # weekly_kpis, oldest first, ending with `week`, at least 2 weeks
    count: int  # how many weeks the Weekly sheet shows (the tail of `series`)
    channels: pd.DataFrame
    products: pd.DataFrame
    new_customers: pd.DataFrame
    top_customers: pd.DataFrame
    referral_totals: dict
    referrers: pd.DataFrame
    agents: pd.DataFrame
    communities: pd.DataFrame
    staff: pd.DataFrame
    prev_staff: pd.DataFrame
    database: str = ""
    zone: str = ""
    # The agents' compliance flags at the week's end (salesops.agents.checks).
    agent_checks: pd.DataFrame = field(default_factory=pd.DataFrame)
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # week_refunds: refunds issued this week and last (refunds, amount, prev_*); {}: none
    refunds: dict = field(default_factory=dict)

    @property
    def weekly(self) -> pd.DataFrame:
        """The weeks the Weekly sheet shows: the last `count` rows of the series."""
        return self.series.iloc[-self.count :].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """This week against last week, one row per SUMMARY_ROWS entry: key, label, this, last."""
        this, last = self._totals(-1, self.staff), self._totals(-2, self.prev_staff)
        rows = [(key, label, this[key], last[key]) for key, label in SUMMARY_ROWS]
        return pd.DataFrame(rows, columns=["key", "label", "this_week", "last_week"])

    def cost_coverage(self, pos: int = -1) -> dict:
        """How much of a week's revenue the gross margin covers: its revenue, the part on
        lines with a known unit cost (costed_revenue) and that part's share (None without
        revenue), for the week at position `pos` in the series (default: this week)."""
        row = self.series.iloc[pos]
        revenue = money_or_none(row["revenue"]) or Decimal(0)
        costed = money_or_none(row["costed_revenue"]) or Decimal(0)
        share = costed / revenue if revenue else None
        return {"revenue": revenue, "costed_revenue": costed, "share": share}

    def _totals(self, pos: int, staff: pd.DataFrame) -> dict:
        """The Summary values of the week at position `pos` in the series."""
        row = self.series.iloc[pos].to_dict()
        customers, orders = int(row["customers"]), int(row["orders"])
        # Unrounded, as the Weekly sheet's AOV formula computes it (the query rounds to cents).
        row["aov"] = Decimal(row["revenue"]) / orders if orders else Decimal(0)
        row["repeat_rate"] = row["repeat_customers"] / customers if customers else None
        row["followups_done"] = int(staff["followups_done"].sum())
        row["followups_overdue"] = int(staff["followups_overdue"].sum())
        prefix = "" if pos == -1 else "prev_"
        row["refunds"] = int(self.refunds.get(f"{prefix}refunds") or 0)
        row["refunded"] = Decimal(self.refunds.get(f"{prefix}amount") or 0)
        return row


def money_or_none(value) -> Decimal | None:
    """A money value as Decimal, None for NaN/None (pandas turns missing into NaN)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return Decimal(value)
