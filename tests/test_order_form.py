"""The order form without a browser: set values, click, check the page state and the rows."""

from decimal import Decimal

import pytest
import sqlalchemy as sa
from conftest import WANG

from salesops import customers
from salesops.schema import order_lines, orders
from salesops.web.pagedata import PageData
from widgets.common import label
from widgets.order_form import OrderForm
from widgets.orders_app import OrdersApp


@pytest.fixture
def data(db, basics):
    return PageData(db, actor=lambda: WANG)


def make_form(data) -> OrderForm:
    return OrderForm.for_page(data)


def fill(line, product_id, qty="1", price=None):
    line.product.value = product_id
    line.qty.value = qty
    if price is not None:
        line.price.value = price


def count(db, table) -> int:
    with db.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_picking_a_product_fills_its_price_and_the_total_follows(data, basics):
    form = make_form(data)
    fill(form.lines[0], basics["TEA-01"], "2")
    assert form.lines[0].price.value == "128.00"
    assert form.total == Decimal("256.00")
    assert form.total_text.value == "¥256.00"
    form.add_line.click()
    fill(form.lines[1], basics["HONEY-02"], "1", "60.5")
    form.discount.value = "6.50"
    form.shipping.value = "12"
    assert form.total == Decimal("322.00")  # 256 + 60.50 - 6.50 + 12
    assert form.lines[0].amount.value != ""
    form.lines[0].remove.click()
    assert len(form.lines) == 1
    assert form.total == Decimal("66.00")


def test_a_bad_quantity_shows_a_dash_for_the_total(data, basics):
    form = make_form(data)
    fill(form.lines[0], basics["TEA-01"], "two")
    assert form.total is None and form.total_text.value == "—"


def test_save_writes_the_order_with_two_lines_and_shows_its_number(db, data, basics, buyer):
    form = make_form(data)
    form.picker.choose(buyer["id"], "张伟 13800138000")
    fill(form.lines[0], basics["TEA-01"], "2")
    form.add_line.click()
    fill(form.lines[1], basics["GIFT-03"], "3", "8.00")
    form.shipping.value = "10"
    assert form.total == Decimal("290.00")
    form.save.click()
    assert form.message.kind == "success", form.message.value
    assert form.order_no.startswith("SO") and form.order_no in form.message.value
    assert "¥290.00" in form.message.value and "张伟" in form.message.value
    with db.read() as conn:
        row = conn.execute(sa.select(orders).where(orders.c.id == form.order_id)).mappings().one()
        lines = conn.execute(
            sa.select(order_lines.c.sku, order_lines.c.quantity, order_lines.c.unit_price)
            .where(order_lines.c.order_id == form.order_id)
            .order_by(order_lines.c.line_no)
        ).all()
    assert row["total"] == Decimal("290.00") and row["created_by"] == "wang.fang"
    assert row["channel_id"] == basics["wechat_moments"]  # the customer's own channel
    assert [tuple(r) for r in lines] == [
        ("TEA-01", 2, Decimal("128.00")),
        ("GIFT-03", 3, Decimal("8.00")),
    ]
    assert form.customer_id is None and len(form.lines) == 1  # ready for the next order
    assert form.channel.label == label("order.channel_default")
    assert form.total_text.value == "¥0.00"


def test_problems_show_by_their_fields_keep_the_values_and_write_nothing(db, data, basics):
    form = make_form(data)
    fill(form.lines[0], basics["TEA-01"], "0")
    form.add_line.click()
    form.lines[1].price.value = "5"  # a price but no product: not a blank line
    form.discount.value = "abc"
    form.save.click()
    assert form.message.kind == "error"
    assert form.errors.text("customer") != ""
    assert form.errors.text("discount") != ""
    assert form.lines[0].errors.text("qty") != ""
    assert form.lines[1].errors.text("sku") != ""
    assert form.lines[0].qty.value == "0" and form.discount.value == "abc"
    assert "Traceback" not in form.message.value
    assert count(db, orders) == 0


def test_a_discount_over_the_goods_is_refused_by_the_service_and_shown(db, data, basics, buyer):
    form = make_form(data)
    form.picker.choose(buyer["id"])
    fill(form.lines[0], basics["GIFT-03"], "1")
    form.discount.value = "50"
    form.save.click()
    assert form.message.kind == "error"
    assert "50" in form.errors.text("discount")
    assert count(db, orders) == 0


def test_a_customer_without_channel_needs_one_picked(db, data, basics):
    form = make_form(data)
    form.new_toggle.value = True
    form.new_name.value = "李娜"
    form.new_mobile.value = "+86 139-0013-9000"
    form.new_create.click()
    assert form.message.kind == "success" and "李娜" in form.picker.chosen
    fill(form.lines[0], basics["TEA-01"])
    form.save.click()
    assert form.errors.text("channel") != "" and count(db, orders) == 0
    form.channel.value = basics["micro_store"]
    form.save.click()
    assert form.message.kind == "success" and count(db, orders) == 1


def test_inline_customer_with_a_taken_mobile_names_the_owner(db, data, buyer):
    form = make_form(data)
    form.new_toggle.value = True
    form.new_name.value = "王五"
    form.new_mobile.value = "138 0013 8000"
    form.new_create.click()
    assert "张伟" in form.new_errors.text("mobile")
    assert form.customer_id is None and form.new_name.value == "王五"
    assert count(db, customers.customers) == 1
    assert "张伟" in form.use_existing.description
    form.use_existing.click()  # the offer: take the customer who has that mobile
    assert form.customer_id == buyer["id"] and form.new_errors.text("mobile") == ""
    assert form.use_existing.layout.display == "none"


def test_typing_in_the_customer_search_chooses_the_customer(data, buyer):
    form = make_form(data)
    form.picker.term.value = "138 0013"
    form.picker.results.value = buyer["id"]
    assert form.customer_id == buyer["id"] and "张伟" in form.picker.chosen


def test_labels_follow_the_page_language(monkeypatch, data):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    assert make_form(data).save.description == "Save order"
    monkeypatch.setenv("SALESOPS_LANG", "zh_CN")
    assert make_form(data).save.description == "保存订单"


def test_the_orders_page_opens_a_saved_order_in_the_status_form(data, basics, buyer):
    app = OrdersApp.for_page(data)
    assert app.status.buttons["cancelled"].layout.display == "none"  # staff: no cancel
    app.form.picker.choose(buyer["id"])
    fill(app.form.lines[0], basics["HONEY-02"], "2")
    app.form.save.click()
    assert app.status.order_id == app.form.order_id is not None
    assert app.form.order_no in app.status.card.value
    app.status.buttons["paid"].click()
    assert app.status.status == "paid" and app.status.message.kind == "success"


def test_a_blank_extra_line_is_left_out(db, data, basics, buyer):
    form = make_form(data)
    form.picker.choose(buyer["id"])
    fill(form.lines[0], basics["TEA-01"])
    form.add_line.click()  # added, never filled
    form.save.click()
    assert form.message.kind == "success", form.message.value
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(order_lines)).scalar() == 1


def test_the_live_total_is_what_the_pricing_function_gives():
    """Built from plain functions: the form shows the total and breakdown `price` returns
    for the picked lines, and a dash while `price` refuses them."""
    from salesops.errors import ValidationError

    asked = []

    def price(lines, discount, shipping):
        asked.append(([(ln["quantity"], ln["unit_price"]) for ln in lines], discount, shipping))
        if discount == "oops":
            raise ValidationError.one("error.money", "discount", discount)
        amounts = [Decimal(ln["unit_price"]) * int(ln["quantity"]) for ln in lines]
        goods = sum(amounts, Decimal(0))
        return {
            "lines": [{"amount": a} for a in amounts],
            "goods_amount": goods,
            "discount": Decimal(0),
            "shipping": Decimal(0),
            "total": goods + 1,  # the service's rules, whatever they are, decide
        }

    form = OrderForm(
        search=lambda text, limit=20: [],
        create_customer=lambda values: {},
        create_order=lambda *a, **k: {},
        price=price,
        products=[{"id": 5, "sku": "TEA-01", "name": "龙井", "price": Decimal("10.00")}],
        channels=[],
    )
    fill(form.lines[0], 5, "3")
    assert asked[-1] == ([("3", "10.00")], "", "")
    assert form.total == Decimal("31.00") and form.total_text.value == "¥31.00"
    form.discount.value = "oops"
    assert form.total is None and form.total_text.value == "—"


def test_a_customer_without_channel_saves_under_the_shops_default_channel(
    db, data, basics, monkeypatch
):
    from salesops.actors import Actor
    from salesops.settings import save_settings

    monkeypatch.delenv("SALESOPS_DEFAULT_CHANNEL", raising=False)
    save_settings(db, {"default_channel_id": basics["micro_store"]}, 0, Actor("boss"))
    form = make_form(data)
    form.new_toggle.value = True
    form.new_name.value = "李娜"
    form.new_mobile.value = "13900139000"
    form.new_create.click()
    fill(form.lines[0], basics["TEA-01"])
    assert form.channel.value is None and form.channel.label == label("order.channel_default")
    form.save.click()
    assert form.message.kind == "success", form.message.value
    with db.read() as conn:
        assert conn.execute(sa.select(orders.c.channel_id)).scalar() == basics["micro_store"]
