"""Partial and full refunds (salesops.refunds) from an empty database, SQLite and
PostgreSQL: by lines and quantities (pro rata, the last units take the rest), by amount,
goods back into stock when they never left or came back, `refunded` once the refunds
reach the total, nothing written on bad input, and the kept totals still right."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from salesops import customers, orders, refunds, stock
from salesops.actors import Actor
from salesops.errors import PermissionDenied, ValidationError
from salesops.schema import order_refund_lines, order_refunds, products

BOSS = Actor("boss", "manager")
WANG = Actor("wang.fang", "staff")


@pytest.fixture
def sale(db, basics):
    """A paid order: 3 x TEA-01 at 128 less a 10.00 discount, 1 x HONEY-02, shipping 12;
    TEA-01 counted at 10."""
    buyer = customers.create_customer(
        db, {"name": "张伟", "channel_id": basics["wechat_moments"]}, WANG
    )
    stock.set_stock(db, basics["TEA-01"], 10, "count", BOSS)
    order = orders.create_order(
        db,
        buyer["id"],
        [{"sku": "TEA-01", "quantity": 3, "discount": "10"}, {"sku": "HONEY-02", "quantity": 1}],
        shipping="12",
        status="paid",
        actor=WANG,
    )
    return {**basics, "order": order}


def tea(db, basics):
    """TEA-01's stock on hand."""
    with db.read() as conn:
        q = sa.select(products.c.stock_on_hand).where(products.c.id == basics["TEA-01"])
        return conn.execute(q).scalar()


def ship(db, order):
    """Mark the order shipped (self pickup)."""
    version = orders.get_order(db, order["id"])["version"]
    orders.change_status(db, order["id"], "shipped", version, courier="pickup", actor=WANG)


def count_refunds(db):
    with db.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(order_refunds)).scalar()


def test_refunding_units_of_a_line_gives_back_their_share_and_the_last_units_the_rest(db, sale):
    oid = sale["order"]["id"]  # line 1: 3 x 128 - 10 = 374.00
    first = refunds.refund_order(
        db, oid, lines=[{"line_no": 1, "quantity": 1}], reason="one box broken", actor=BOSS
    )
    assert first["refund"]["amount"] == Decimal("124.67")
    rest = refunds.refund_order(
        db, oid, lines=[{"line_no": 1, "quantity": 2}], reason="the rest", actor=BOSS
    )
    assert rest["refund"]["amount"] == Decimal("249.33")  # 374.00 in all, not 374.01
    assert rest["status"] == "paid" and rest["refunded"] == Decimal("374.00")
    order = orders.get_order(db, oid)
    assert order["status"] == "paid" and order["refunded"] == Decimal("374.00")
    assert tea(db, sale) == 10  # a paid order's goods never left: all back


def test_a_sent_order_gets_goods_back_only_when_they_came_back(db, sale):
    ship(db, sale["order"])
    assert tea(db, sale) == 7
    refunds.refund_order(
        db, sale["order"]["id"], lines=[{"line_no": 1, "quantity": 1}], reason="x", actor=BOSS
    )
    assert tea(db, sale) == 7
    out = refunds.refund_order(
        db,
        sale["order"]["id"],
        lines=[{"line_no": 1, "quantity": 1}],
        reason="returned",
        restock=True,
        actor=BOSS,
    )
    assert out["refund"]["restocked"] is True
    assert tea(db, sale) == 8


def test_an_amount_alone_gives_money_back_and_no_goods(db, sale):
    ship(db, sale["order"])
    out = refunds.refund_order(db, sale["order"]["id"], amount="20", reason="late", actor=BOSS)
    assert out["lines"] == [] and out["refund"]["amount"] == Decimal("20.00")
    assert tea(db, sale) == 7
    assert orders.get_order(db, sale["order"]["id"])["status"] == "shipped"


def test_refunds_reaching_the_total_make_the_order_refunded(db, sale):
    oid = sale["order"]["id"]  # total 374 + 68.50 + 12 = 454.50
    ship(db, sale["order"])
    refunds.refund_order(db, oid, amount="400", reason="part", actor=BOSS)
    out = refunds.refund_order(db, oid, amount="54.50", reason="rest", actor=BOSS)
    assert out["status"] == "refunded"
    order = orders.get_order(db, oid)
    assert order["status"] == "refunded"
    assert [h["to_status"] for h in order["history"]][-1] == "refunded"


def test_a_full_refund_by_status_records_what_was_left_as_one_refund(db, sale):
    oid = sale["order"]["id"]
    ship(db, sale["order"])
    refunds.refund_order(
        db, oid, lines=[{"line_no": 1, "quantity": 1}], reason="x", restock=True, actor=BOSS
    )
    version = orders.get_order(db, oid)["version"]
    orders.change_status(db, oid, "refunded", version, reason="all back", restock=True, actor=BOSS)
    view = refunds.refund_view(db, oid)
    assert view["refunded"] == Decimal("454.50") and view["left"] == 0
    assert [r["amount"] for r in view["refunds"]] == [Decimal("124.67"), Decimal("329.83")]
    assert [ln["left"] for ln in view["lines"]] == [0, 0]
    assert tea(db, sale) == 10


def test_bad_refunds_are_refused_and_write_nothing(db, sale):
    oid = sale["order"]["id"]
    cases = [
        {"lines": [{"line_no": 1, "quantity": 4}], "reason": "x"},
        {"lines": [{"line_no": 9, "quantity": 1}], "reason": "x"},
        {"amount": "454.51", "reason": "x"},
        {"amount": "0", "reason": "x"},
        {"amount": "-5", "reason": "x"},
        {"reason": "nothing chosen"},
        {"amount": "5", "reason": ""},
    ]
    for case in cases:
        with pytest.raises(ValidationError):
            refunds.refund_order(db, oid, actor=BOSS, **case)
    with pytest.raises(PermissionDenied):
        refunds.refund_order(db, oid, amount="5", reason="x", actor=WANG)
    assert count_refunds(db) == 0 and tea(db, sale) == 7


def test_an_order_not_paid_cannot_be_refunded(db, sale):
    order = orders.create_order(
        db, sale["order"]["customer_id"], [{"sku": "TEA-01", "quantity": 1}], actor=WANG
    )
    with pytest.raises(ValidationError) as e:
        refunds.refund_order(db, order["id"], amount="5", reason="x", actor=BOSS)
    assert order["order_no"] in str(e.value)


def test_refund_lines_name_the_order_lines_and_units(db, sale):
    refunds.refund_order(
        db,
        sale["order"]["id"],
        lines=[{"line_no": 1, "quantity": 2}, {"line_no": 2, "quantity": 1}],
        reason="x",
        actor=BOSS,
    )
    with db.read() as conn:
        rows = conn.execute(
            sa.select(order_refund_lines.c.quantity, order_refund_lines.c.amount).order_by(
                order_refund_lines.c.id
            )
        ).all()
    assert [tuple(r) for r in rows] == [(2, Decimal("249.33")), (1, Decimal("68.50"))]
