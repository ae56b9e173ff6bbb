"""Refunds on the weekly sheet, on hand-made shops (SQLite and PostgreSQL): the Summary's
"Refunds issued" and "Refunded" count every refund, partial and full, in the week it was
issued, checked against pandas over the raw tables; a partial refund leaves revenue as it
was (the rule the Notes state); a deleted order's refunds are not counted."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from weeklysheet import export, pandas_refunds, sheet_rows

from salesops import orders, refunds
from salesops.actors import Actor
from salesops.schema import order_refunds
from salesops.weekly import collect
from salesops.weeks import parse_week

SHANGHAI = ZoneInfo("Asia/Shanghai")
BOSS = Actor("boss", "manager")


def at(y, mo, d, h=12):
    return datetime(y, mo, d, h, tzinfo=SHANGHAI)


def refund(db, order, when, **how):
    """Refund `order` and date the refund `when` (as if it had been issued then)."""
    out = refunds.refund_order(db, order["id"], reason="test", actor=BOSS, **how)
    with db.write() as conn:
        conn.execute(
            sa.update(order_refunds)
            .where(order_refunds.c.id == out["refund"]["id"])
            .values(refunded_at=when)
        )
    return out


def summary(db, tmp_path, week):
    """The Summary sheet's rows by metric label."""
    values, _, _ = export(db, tmp_path, week, weeks=2)
    return {r["metric 指标"]: r for r in sheet_rows(values["Summary"])}


def test_refunds_count_in_the_week_they_were_issued_and_leave_revenue_alone(db, buyer, tmp_path):
    def sale(when, qty=2, status="paid"):
        lines = [{"sku": "TEA-01", "quantity": qty}]
        return orders.create_order(db, buyer["id"], lines, ordered_at=when, status=status)

    a, b, c, gone = (
        sale(at(2026, 11, 10)),
        sale(at(2026, 11, 11)),
        sale(at(2026, 11, 17)),
        sale(at(2026, 11, 18)),
    )
    before = summary(db, tmp_path, "2026-W47")["Revenue 销售额"]
    refund(db, a, at(2026, 11, 12), lines=[{"line_no": 1, "quantity": 1}])  # W46
    refund(db, a, at(2026, 11, 17), amount="10")  # W47, an order of W46
    refund(db, c, at(2026, 11, 19), amount="50.50")  # W47
    refund(db, b, at(2026, 11, 22, 23), amount=str(b["total"]))  # W47, in full: refunded
    refund(db, gone, at(2026, 11, 19), amount="5")
    orders.delete_order(db, gone["id"], orders.get_order(db, gone["id"])["version"], BOSS)
    rows = summary(db, tmp_path, "2026-W47")
    for week, column in (
        ("2026-W47", "this week 本周 2026-W47"),
        ("2026-W46", "last week 上周 2026-W46"),
    ):
        count, amount = pandas_refunds(db, week)
        assert rows["Refunds issued 退款笔数"][column] == count
        assert Decimal(str(rows["Refunded 退款金额"][column])) == amount
    assert rows["Refunds issued 退款笔数"]["this week 本周 2026-W47"] == 3
    assert Decimal(str(rows["Refunded 退款金额"]["this week 本周 2026-W47"])) == Decimal("316.50")
    # partial refunds leave revenue alone; b, refunded in full, left W46, the deleted one W47
    assert (
        rows["Revenue 销售额"]["this week 本周 2026-W47"] == before["this week 本周 2026-W47"] - 256
    )
    assert (
        rows["Revenue 销售额"]["last week 上周 2026-W46"] == before["last week 上周 2026-W46"] - 256
    )


def test_the_notes_state_how_partial_refunds_count(db, buyer, tmp_path):
    values, _, _ = export(db, tmp_path, "2026-W47", weeks=2)
    notes = " ".join(str(c.value) for row in values["Notes"].iter_rows() for c in row if c.value)
    assert "partial refund does not lower it" in notes and "week it was issued" in notes


@pytest.mark.slow
def test_the_demo_datas_refunds_match_pandas(demo_db):
    figures = collect.collect(demo_db, parse_week("2026-W47"), weeks=2)
    summary = figures.summary().set_index("key")
    for column, week in (("this_week", "2026-W47"), ("last_week", "2026-W46")):
        count, amount = pandas_refunds(demo_db, week)
        assert count > 0
        assert summary.loc["refunds", column] == count
        assert summary.loc["refunded", column] == amount
