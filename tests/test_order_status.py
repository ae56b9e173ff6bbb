"""The order status form without a browser: find, move along, cancel with a reason, conflicts."""

import pytest
import sqlalchemy as sa
from conftest import LI, WANG

from salesops import orders
from salesops.schema import order_status_history
from salesops.web.pagedata import PageData
from widgets.order_status import OrderStatus


@pytest.fixture
def order(db, basics, buyer):
    return orders.create_order(db, buyer["id"], [{"sku": "TEA-01", "quantity": 2}], actor=WANG)


def make_form(db, actor) -> OrderStatus:
    return OrderStatus.for_page(PageData(db, actor=lambda: actor))


def shown(button) -> bool:
    return button.layout.display != "none"


def history(db, order_id) -> list[tuple]:
    with db.read() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.select(order_status_history.c.to_status, order_status_history.c.reason)
                .where(order_status_history.c.order_id == order_id)
                .order_by(order_status_history.c.id)
            )
        ]


def test_finding_by_the_last_digits_opens_the_order(db, order):
    form = make_form(db, WANG)
    form.number.value = order["order_no"][-3:].lstrip("0") or order["order_no"]
    form.find.click()
    assert form.order_id == order["id"] and form.status == "new"
    assert order["order_no"] in form.card.value and "¥256.00" in form.card.value


def test_an_unknown_number_says_so(db, order):
    form = make_form(db, WANG)
    form.number.value = "SO99999999"
    form.find.click()
    assert form.message.kind == "error" and "SO99999999" in form.message.value
    assert form.order_id is None


def test_staff_move_an_order_to_paid_then_shipped_but_see_no_cancel(db, order):
    form = make_form(db, WANG)
    form.show(order["id"])
    assert shown(form.buttons["paid"]) and not shown(form.buttons["shipped"])
    assert not shown(form.buttons["cancelled"]) and not shown(form.reason)
    form.buttons["paid"].click()
    assert form.message.kind == "success" and form.status == "paid"
    assert shown(form.buttons["shipped"]) and not shown(form.buttons["paid"])
    assert shown(form.shipment)
    form.buttons["shipped"].click()  # no courier yet: refused next to the field
    assert form.status == "paid" and "快递公司" in form.errors.text("courier")
    form.shipment.courier_box.value = "sf"
    form.shipment.number_box.value = "SF 1234 5678 901"  # 11 digits: one short
    form.buttons["shipped"].click()
    assert form.status == "paid" and "SF" in form.errors.text("tracking_no")
    form.shipment.number_box.value = "sf 1234 5678 9012 3"
    form.buttons["shipped"].click()
    assert form.status == "shipped" and shown(form.correct)  # ready to be corrected
    assert "SF1234567890123" in form.card.value and "顺丰" in form.card.value
    assert form.shipment.number_box.value == "SF1234567890123"
    form.shipment.courier_box.value = "zto"  # the parcel went with 中通 after all
    form.correct.click()  # its number is still 顺丰's: refused by the field
    assert form.message.kind == "error" and form.errors.text("tracking_no")
    form.shipment.number_box.value = "78123456789012"
    form.correct.click()
    assert form.message.kind == "success" and "78123456789012" in form.card.value
    assert form.status == "shipped"
    assert [s for s, _ in history(db, order["id"])] == ["new", "paid", "shipped"]


def test_self_pickup_ships_without_a_number_and_the_card_shows_the_ship_to(db, order):
    from salesops import address_book

    address_book.add_address(
        db,
        order["customer_id"],
        {
            "recipient": "张伟",
            "mobile": "13900001111",
            "province": "浙江",
            "city": "杭州",
            "district": "西湖区",
            "detail": "文三路 90 号",
        },
        actor=WANG,
    )
    sent = orders.create_order(
        db, order["customer_id"], [{"sku": "TEA-01", "quantity": 1}], status="paid", actor=WANG
    )
    form = make_form(db, WANG)
    form.show(sent["id"])
    assert "浙江省 杭州市 西湖区 文三路 90 号" in form.card.value
    form.shipment.courier_box.value = "pickup"
    assert not shown(form.shipment.number_box)
    form.buttons["shipped"].click()
    assert form.status == "shipped", form.message.value
    form.show(order["id"])  # an order sold before the address existed has none
    assert "收货地址：未填写" in form.card.value


def test_staff_cannot_cancel_even_by_calling_the_handler(db, order):
    form = make_form(db, WANG)
    form.show(order["id"])
    form.reason.value = "客户不要了"
    form.buttons["cancelled"].click()  # hidden, but the service refuses too
    assert form.message.kind == "error" and form.status == "new"
    assert history(db, order["id"]) == [("new", "")]


def test_a_manager_cancels_only_with_a_reason(db, order):
    form = make_form(db, LI)
    form.show(order["id"])
    assert shown(form.buttons["cancelled"]) and shown(form.reason)
    form.buttons["cancelled"].click()
    assert form.errors.text("reason") != "" and form.status == "new"
    assert history(db, order["id"]) == [("new", "")]
    form.reason.value = "客户取消"
    form.buttons["cancelled"].click()
    assert form.status == "cancelled" and form.reason.value == ""
    assert history(db, order["id"])[-1] == ("cancelled", "客户取消")
    assert not any(shown(b) for b in form.buttons.values())


def test_a_stale_move_names_who_changed_it_and_reload_shows_the_new_state(db, order):
    form = make_form(db, WANG)
    form.show(order["id"])
    orders.change_status(db, order["id"], "paid", 1, actor=LI)
    form.buttons["paid"].click()
    assert form.message.kind == "error" and "li.lei" in form.message.value
    assert form.message.reload.layout.display != "none"
    form.message.reload.click()
    assert form.status == "paid" and shown(form.buttons["shipped"])
    assert [s for s, _ in history(db, order["id"])] == ["new", "paid"]


def test_the_customers_orders_are_listed_when_the_customer_is_picked(db, basics, buyer, order):
    orders.create_order(db, buyer["id"], [{"sku": "GIFT-03", "quantity": 1}], actor=WANG)
    form = make_form(db, WANG)
    form.picker.term.value = "张伟"
    form.picker.results.value = buyer["id"]
    assert len(form.results.options) == 2 and form.order_id is None
    form.results.value = order["id"]
    assert form.order_id == order["id"]


def test_the_buttons_follow_the_rules_the_form_is_given():
    """Built from plain functions: the moves shown come from `transitions`, the reason box
    and the cancel button from `needs_reason` and `can_cancel`, not from the service."""
    order = {
        "id": 7,
        "order_no": "SO00000007",
        "customer_id": 1,
        "ordered_at": None,
        "status": "open",
        "version": 1,
        "lines": [],
        "history": [],
        **dict.fromkeys(["goods_amount", "discount", "shipping", "total"], 0),
    }
    moves = []

    def change_status(order_id, to, version, reason):
        moves.append((order_id, to, version, reason))
        order["status"] = to

    def make(can_cancel):
        return OrderStatus(
            find_orders=lambda text: [],
            search=lambda text, limit=20: [],
            customer_orders=lambda customer_id: [],
            order=lambda order_id: dict(order),
            customer=lambda customer_id: {"code": "C1", "name": "张伟"},
            change_status=change_status,
            transitions={"open": ("done", "dropped"), "done": (), "dropped": ()},
            needs_reason=("dropped",),
            can_cancel=can_cancel,
        )

    staff, manager = make(False), make(True)
    for form in (staff, manager):
        form.show(7)
    assert set(staff.buttons) == {"open", "done", "dropped"}
    assert shown(staff.buttons["done"]) and not shown(staff.buttons["dropped"])
    assert not shown(staff.reason)
    assert shown(manager.buttons["dropped"]) and shown(manager.reason)
    manager.buttons["dropped"].click()
    assert manager.errors.text("reason") != "" and moves == []
    manager.reason.value = "不要了"
    manager.buttons["dropped"].click()
    assert moves == [(7, "dropped", 1, "不要了")] and manager.status == "dropped"
    assert not any(shown(b) for b in manager.buttons.values())
