"""The refund panel on the Orders page (widgets/refund_panel.py), on a real PageData from an
empty database (SQLite and PostgreSQL): a manager refunds one unit with the goods back,
the status form shows the refunded amount, bad input is shown and writes nothing, staff
get no panel, and refunding what is left makes the order refunded."""

from decimal import Decimal

import pytest

from salesops import customers, orders, refunds, stock
from salesops.actors import Actor
from salesops.web.pagedata import PageData
from widgets.orders_app import OrdersApp

BOSS = Actor("boss", "manager")
WANG = Actor("wang.fang", "staff")


@pytest.fixture
def paid(db, basics):
    """A shipped order of 2 x TEA-01 (counted at 5: 3 left) and 1 x GIFT-03."""
    buyer = customers.create_customer(
        db, {"name": "张伟", "channel_id": basics["wechat_moments"]}, WANG
    )
    stock.set_stock(db, basics["TEA-01"], 5, "count", BOSS)
    order = orders.create_order(
        db,
        buyer["id"],
        [{"sku": "TEA-01", "quantity": 2}, {"sku": "GIFT-03", "quantity": 1}],
        status="paid",
        actor=WANG,
    )
    version = orders.get_order(db, order["id"])["version"]
    orders.change_status(db, order["id"], "shipped", version, courier="pickup", actor=WANG)
    return order


def tea_left(db, basics):
    return stock.movements(db, basics["TEA-01"], 1)[0]["on_hand"]


def test_a_manager_refunds_one_unit_and_puts_it_back_into_stock(db, basics, paid):
    app = OrdersApp.for_page(PageData(db, actor=lambda: BOSS))
    app.status.show(paid["id"])
    panel = app.refund
    assert panel.order_id == paid["id"] and panel.form.layout.display == ""
    assert [box.max for _n, box in panel._lines] == [2, 1]
    panel._lines[0][1].value = 1
    panel.reason.value = "one tin dented"
    panel.restock.value = True
    panel.submit.click()
    assert panel.message.kind == "success", panel.message.value
    assert "128" in panel.message.value
    assert tea_left(db, basics) == 4
    assert "so-status-refunded" in app.status.card.value and "128" in app.status.card.value
    assert app.status.status == "shipped"
    assert "one tin dented" in panel.refunds.value
    assert [box.max for _n, box in panel._lines] == [1, 1]


def test_bad_input_is_shown_next_to_its_field_and_nothing_is_written(db, basics, paid):
    app = OrdersApp.for_page(PageData(db, actor=lambda: BOSS))
    app.status.show(paid["id"])
    panel = app.refund
    panel.amount.value = "9999"
    panel.reason.value = ""
    panel.submit.click()
    assert panel.message.kind == "error"
    assert panel.errors.text("reason")
    panel.reason.value = "too much"
    panel.submit.click()
    assert panel.errors.text("amount")
    assert refunds.refund_view(db, paid["id"])["refunds"] == []


def test_staff_get_no_refund_panel(db, basics, paid):
    app = OrdersApp.for_page(PageData(db, actor=lambda: WANG))
    assert app.refund is None and app.refund not in app.children


def test_refunding_everything_left_makes_the_order_refunded(db, basics, paid):
    app = OrdersApp.for_page(PageData(db, actor=lambda: BOSS))
    app.status.show(paid["id"])
    panel = app.refund
    panel.amount.value = str(paid["total"])
    panel.reason.value = "customer changed their mind"
    panel.submit.click()
    assert panel.message.kind == "success", panel.message.value
    assert app.status.status == "refunded"
    assert refunds.refund_view(db, paid["id"])["refunded"] == Decimal(paid["total"])
    assert panel.form.layout.display == "none"  # nothing left to refund
