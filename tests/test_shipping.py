"""The shipping step from an empty database: an order becomes shipped only with a courier
and a tracking number of its shape (none for self pickup or local delivery), the number is
stored cleaned, found again from the orders page's search, shown in the customer's 360
view, and corrected with a version and an audit row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from conftest import LI, WANG, as_person

from salesops import audit, orders
from salesops.errors import ConflictError, ValidationError
from salesops.schema import orders as orders_table
from salesops.shipping.rules import correct_shipment, shipment

pytestmark = pytest.mark.usefixtures("english")


def paid_order(db, buyer, **options) -> dict:
    """A new order for `buyer`, moved to paid; returns it at its new version."""
    order = orders.create_order(
        db, buyer["id"], [{"sku": "TEA-01", "quantity": 1}], actor=WANG, **options
    )
    return orders.change_status(db, order["id"], "paid", 1, actor=WANG)


def stored(db, order_id: int) -> tuple:
    with db.read() as conn:
        return conn.execute(
            sa.select(
                orders_table.c.status, orders_table.c.courier, orders_table.c.tracking_no
            ).where(orders_table.c.id == order_id)
        ).one()


@pytest.mark.parametrize(
    "courier, number, words",
    [
        (None, None, "choose the courier"),
        ("顺丰", "", "needs a tracking number"),
        ("顺丰", "SF12345", "not a SF Express tracking number"),
        ("圆通", "SF1234567890123", "YT and 13 digits"),
        ("天天快递", "1234567890", "not a courier on the list"),
    ],
)
def test_shipping_without_a_good_courier_and_number_is_refused(db, buyer, courier, number, words):
    order = paid_order(db, buyer)
    with pytest.raises(ValidationError, match=words):
        orders.change_status(
            db,
            order["id"],
            "shipped",
            order["version"],
            courier=courier,
            tracking_no=number,
            actor=WANG,
        )
    assert stored(db, order["id"]) == ("paid", None, None)


def test_shipping_stores_the_courier_code_and_the_number_cleaned(db, buyer):
    order = paid_order(db, buyer)
    shipped = orders.change_status(
        db,
        order["id"],
        "shipped",
        order["version"],
        courier="顺丰速运",
        tracking_no="sf 1234 5678 9012 3",
        actor=WANG,
    )
    assert stored(db, order["id"]) == ("shipped", "sf", "SF1234567890123")
    with db.read() as conn:
        change = audit.history(conn, "orders", order["id"])[-1]
    assert change["new_values"] == {
        "status": "shipped",
        "courier": "sf",
        "tracking_no": "SF1234567890123",
    }
    assert shipped["version"] == order["version"] + 1


def test_self_pickup_and_local_delivery_need_no_number(db, buyer):
    first, second = paid_order(db, buyer), paid_order(db, buyer)
    orders.change_status(db, first["id"], "shipped", 2, courier="自提", actor=WANG)
    orders.change_status(
        db, second["id"], "shipped", 2, courier="同城配送", tracking_no="a-12", actor=WANG
    )
    assert stored(db, first["id"]) == ("shipped", "pickup", None)
    assert stored(db, second["id"]) == ("shipped", "local", "A-12")


def test_an_order_is_found_by_its_tracking_number_as_people_type_it(db, buyer):
    order = paid_order(db, buyer)
    orders.change_status(
        db, order["id"], "shipped", 2, courier="中通", tracking_no="781234567890", actor=WANG
    )
    other = paid_order(db, buyer)
    data = as_person(db, "wang.fang")
    for typed in ("781234567890", " 7812 3456 7890 ", "７８１２３４５６７８９０"):
        found = data.find_orders(typed)
        assert [f["order_no"] for f in found] == [order["order_no"]], typed
        assert (found[0]["courier"], found[0]["tracking_no"]) == ("zto", "781234567890")
    assert [f["id"] for f in data.find_orders(other["order_no"][-3:])] == [other["id"]]


def test_the_360_view_shows_how_each_order_went_out(db, buyer):
    order = paid_order(db, buyer)
    orders.change_status(
        db, order["id"], "shipped", 2, courier="YTO", tracking_no="yt7512345678901", actor=WANG
    )
    view = as_person(db, "wang.fang").customer_360(buyer["id"])
    row = next(r for r in view["orders"] if r["id"] == order["id"])
    assert (row["courier"], row["tracking_no"]) == ("yto", "YT7512345678901")


def test_a_shipped_orders_number_is_corrected_with_a_version_and_audit(db, buyer):
    order = paid_order(db, buyer)
    shipped = orders.change_status(
        db, order["id"], "shipped", 2, courier="中通", tracking_no="781234567890", actor=WANG
    )
    fixed = correct_shipment(db, order["id"], "中通", "781234567899", shipped["version"], LI)
    assert stored(db, order["id"]) == ("shipped", "zto", "781234567899")
    with pytest.raises(ConflictError, match="li.lei"):
        correct_shipment(db, order["id"], "中通", "781234567898", shipped["version"], WANG)
    with db.read() as conn:
        last = audit.history(conn, "orders", order["id"])[-1]
    assert (last["actor"], last["old_values"], last["new_values"]) == (
        "li.lei",
        {"tracking_no": "781234567890"},
        {"tracking_no": "781234567899"},
    )
    assert fixed["version"] == shipped["version"] + 1
    unpaid = orders.create_order(db, buyer["id"], [{"sku": "TEA-01", "quantity": 1}], actor=WANG)
    with pytest.raises(ValidationError, match="only a shipped order"):
        correct_shipment(db, unpaid["id"], "中通", "781234567890", 1, WANG)


def test_shipment_checks_without_a_database():
    assert shipment("J&T", "jt 0001234567890", required=True) == {
        "courier": "jt",
        "tracking_no": "JT0001234567890",
    }
    assert shipment("", None) == {"courier": None, "tracking_no": None}
    assert shipment("自提", None, required=True) == {"courier": "pickup", "tracking_no": None}
