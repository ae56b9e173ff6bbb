"""Commission rules (and the ones the law forbids), monthly statements, closing a month,
paying, and refunds after payment landing in the next month; on both databases, from an
empty database."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from agentshop import build
from conftest import LI, WANG

from salesops import orders
from salesops.agents import commission, statements
from salesops.errors import PermissionDenied, ValidationError
from salesops.schema import audit_log

D = Decimal


def sell(db, buyer, agent, when, qty=1, status="paid", product="tea", ids=None, price=None):
    """An order of `qty` of a product for `buyer` sold through `agent` at `when` (UTC)."""
    line = {"product_id": ids[product], "quantity": qty}
    if price is not None:
        line["unit_price"] = price
    return orders.create_order(
        db, ids[buyer], [line], agent=ids.get(agent), ordered_at=when, status=status, actor=WANG
    )


def at(month: int, day: int = 10) -> datetime:
    return datetime(2026, month, day, 4, tzinfo=UTC)


@pytest.fixture
def shop(db):
    """The network with rules: 10 % on own sales for everyone, 5.00 a unit for 二级代理's
    own sales, 2 % override for 一级代理."""
    ids = build(db)
    commission.set_rule(db, {"basis": "own_sales", "kind": "rate", "value": "10"}, actor=LI)
    commission.set_rule(
        db, {"basis": "own_sales", "kind": "per_unit", "value": "5", "level": "二级代理"}, actor=LI
    )
    commission.set_rule(
        db, {"basis": "downline_sales", "kind": "rate", "value": "2%", "level": "一级代理"}
    )
    return ids


@pytest.mark.parametrize(
    "rule, words",
    [
        ({"basis": "recruitment", "kind": "per_unit", "value": "50"}, "recruiting"),
        ({"basis": "entry_fee", "kind": "rate", "value": "10"}, "entry fees"),
        ({"basis": "first_purchase", "kind": "rate", "value": "5"}, "first stock purchase"),
        ({"basis": "own_purchases", "kind": "rate", "value": "5"}, "own purchases"),
        ({"basis": "downline_sales", "depth": 2, "kind": "rate", "value": "1"}, "2 levels down"),
    ],
)
def test_rules_paying_for_recruitment_or_two_levels_down_are_refused_citing_the_law(
    db, english, rule, words
):
    build(db)
    with pytest.raises(ValidationError) as refused:
        commission.set_rule(db, rule, actor=LI)
    message = str(refused.value)
    assert words in message and "禁止传销条例" in message and "Nothing was saved" in message
    assert commission.rules(db) == []


def test_rules_replace_their_level_and_basis_and_staff_may_not_set_them(db, shop):
    assert {(r["level"], r["basis"], r["kind"], r["value"]) for r in commission.rules(db)} == {
        (None, "own_sales", "rate", D("0.1000")),
        ("二级代理", "own_sales", "per_unit", D("5.0000")),
        ("一级代理", "downline_sales", "rate", D("0.0200")),
    }
    commission.set_rule(db, {"basis": "own_sales", "kind": "rate", "value": "12"})
    assert sum(r["basis"] == "own_sales" and r["level"] is None for r in commission.rules(db)) == 1
    with pytest.raises(PermissionDenied):
        commission.set_rule(db, {"basis": "own_sales", "value": "1"}, actor=WANG)


def test_a_months_statement_pays_own_sales_and_one_level_of_override(db, shop):
    ids = shop
    a = sell(db, "甲客", "甲", at(10), qty=2, ids=ids)  # 256.00: 甲 own 10 %
    b = sell(db, "乙客", "乙", at(10, 12), qty=3, ids=ids)  # 384.00: 乙 5/unit, 甲 2 %
    sell(db, "乙客", "乙", at(10, 13), status="new", ids=ids)  # not paid: nothing
    sell(db, "甲", None, at(10, 14), qty=10, ids=ids)  # 甲 buys stock: not a sale of theirs
    sell(db, "甲客", "甲", at(11), ids=ids)  # next month
    got = {s.code: s for s in statements.statements(db, "2026-10")}
    assert set(got) == {"C000001", "C000002"}
    jia, yi = got["C000001"], got["C000002"]
    assert [(ln["order_no"], ln["kind"], ln["sales"], ln["commission"]) for ln in jia.lines] == [
        (a["order_no"], "own", D("256.00"), D("25.60")),
        (b["order_no"], "override", D("384.00"), D("7.68")),
    ]
    assert (jia.sales, jia.commission, jia.total) == (D("256.00"), D("33.28"), D("33.28"))
    assert (yi.sales, yi.commission, yi.total) == (D("384.00"), D("15.00"), D("15.00"))
    assert [s.as_dict() for s in statements.statements(db, "2026-10")] == [
        s.as_dict() for s in got.values()
    ]  # the same orders give the same figures


def test_a_closed_month_never_changes_and_a_late_refund_lands_next_month(db, shop):
    ids = shop
    a = sell(db, "甲客", "甲", at(10), qty=2, ids=ids)
    late = sell(db, "乙客", "乙", at(10, 20), status="new", ids=ids)
    before = [s.as_dict() for s in statements.statements(db, "2026-10")]
    closed = statements.close_month(db, "2026-10", actor=LI)
    assert [s.total for s in closed] == [D("25.60")]
    jia = statements.statements(db, "2026-10")[0]
    paid = statements.mark_paid(db, jia.id, jia.version, actor=LI)
    assert paid["paid_by"] == "li.lei"
    with pytest.raises(ValidationError, match="li.lei"):
        statements.mark_paid(db, jia.id, paid["version"], actor=LI)
    with db.read() as conn:
        row = conn.execute(
            sa.select(audit_log.c.actor, audit_log.c.action).where(
                audit_log.c.table_name == "agent_statements", audit_log.c.row_id == jia.id
            )
        ).all()
    assert ("li.lei", "paid") in row
    # After payment: a refund, and the order that was still unpaid gets paid.
    orders.change_status(db, a["id"], "refunded", 1, reason="退货", actor=LI)
    orders.change_status(db, late["id"], "paid", 1, actor=WANG)
    sell(db, "甲客", "甲", at(11), ids=ids)  # 128.00 in November
    again = statements.statements(db, "2026-10")
    assert [(s.total, s.paid_by) for s in again] == [(D("25.60"), "li.lei")]
    assert [ln["order_no"] for ln in again[0].lines] == [
        ln["order_no"] for ln in before[0]["lines"]
    ]
    nov = {s.code: s for s in statements.statements(db, "2026-11")}
    assert [(ln["kind"], ln["sales"], ln["commission"]) for ln in nov["C000001"].lines] == [
        ("adjustment", D("-256.00"), D("-25.60")),
        ("override", D("128.00"), D("2.56")),  # the late-paid October order of 乙
        ("own", D("128.00"), D("12.80")),
    ]
    assert nov["C000001"].adjustments == D("-25.60")
    assert nov["C000001"].total == D("-10.24")
    assert nov["C000002"].total == D("5.00")
    statements.close_month(db, "2026-11", actor=LI)
    dec = {s.code: s for s in statements.statements(db, "2026-12")}
    assert "C000001" not in dec  # the refund was taken back once, in November only
    assert statements.unpaid(db) == {ids["甲"]: D("-10.24"), ids["乙"]: D("5.00")}


def test_closing_is_for_managers_in_order_once_a_month_is_over(db, shop, english):
    with pytest.raises(PermissionDenied):
        statements.close_month(db, "2026-10", actor=WANG)
    with pytest.raises(ValidationError, match="not over"):
        statements.close_month(db, "2999-01", actor=LI)
    statements.close_month(db, "2026-09", actor=LI)
    with pytest.raises(ValidationError, match="already closed"):
        statements.close_month(db, "2026-09", actor=LI)
    with pytest.raises(ValidationError, match="close 2026-10 first"):
        statements.close_month(db, "2026-11", actor=LI)
    with pytest.raises(ValidationError, match="YYYY-MM"):
        statements.statements(db, "October")
    st = statements.close_month(db, "2026-10", actor=LI)
    assert st == []
