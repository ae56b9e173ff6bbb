"""The order form for agents, without a browser: an agent buyer's level prices with retail
beside them, "sold through" defaulting to a retail customer's agent, and no blank
dropdowns after a save; on both databases from an empty one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from agentshop import build
from conftest import WANG

from salesops.orders import get_order
from salesops.web.pagedata import PageData
from widgets.order_form import OrderForm


@pytest.fixture
def shop(db):
    return build(db)


@pytest.fixture
def form(db, shop, english):
    return OrderForm.for_page(PageData(db, actor=lambda: WANG))


def pick(form, customer_id):
    form.picker.choose(customer_id, "someone")


def test_an_agent_buyer_gets_their_level_price_with_retail_beside_it(form, shop):
    pick(form, shop["甲"])
    line = form.lines[0]
    line.product.value = shop["tea"]
    assert line.price.value == "80.00" and line.retail.value == "retail ¥128.00"
    assert form.sale.level.value == "Agent prices: 一级代理"
    assert form.sale.dropdown.index == 0 and form.sale.value is None  # the shop sells stock
    form.add_line.click()
    form.lines[1].product.value = shop["honey"]
    assert form.lines[1].price.value == "47.95"
    form.lines[1].price.value = "45.00"  # typed: stays when the buyer changes
    pick(form, shop["乙"])
    assert [ln.price.value for ln in form.lines] == ["115.20", "45.00"]
    pick(form, shop["散客"])
    assert form.lines[0].price.value == "128.00" and form.lines[0].retail.value == ""
    assert form.sale.level.value == ""


def test_a_retail_customers_order_is_sold_through_their_agent_by_default(db, form, shop):
    pick(form, shop["乙客"])
    assert form.sale.value == shop["乙"]
    assert form.sale.dropdown.label == "C000002 代理乙"
    form.lines[0].product.value = shop["tea"]
    form.save.click()
    assert form.message.kind == "success", form.message.value
    assert get_order(db, form.order_id)["agent_id"] == shop["乙"]
    assert form.sale.dropdown.index == 0 and form.sale.dropdown.label == "the shop (direct)"
    assert form.channel.index == 0 and form.channel.label  # no blank dropdown after a save


def test_staff_may_pick_the_shop_or_another_agent_and_a_bad_pick_is_shown(db, form, shop):
    pick(form, shop["乙客"])
    form.sale.dropdown.value = None
    form.lines[0].product.value = shop["tea"]
    form.save.click()
    assert get_order(db, form.order_id)["agent_id"] is None
    pick(form, shop["甲"])
    form.sale.dropdown.value = shop["甲"]  # an agent cannot sell to themselves
    form.lines[0].product.value = shop["tea"]
    form.save.click()
    assert form.message.kind == "error" and "the buyer" in form.message.value
    assert form.lines[0].price.value == "80.00"  # what was typed is kept
    assert Decimal(form.total) == Decimal("80.00")


def test_no_dropdown_goes_blank_when_its_none_option_comes_back(db, form, shop):
    """ipywidgets blanks a dropdown moved from a value to an option whose value is None;
    the order form's channel after a save and the customer form's "(none)" channel show."""
    from salesops import customers
    from widgets.customer_form import CustomerForm

    pick(form, shop["散客"])
    form.channel.value = form.channel.options[1][1]
    form.lines[0].product.value = shop["tea"]
    form.save.click()
    assert form.message.kind == "success"
    assert (
        form.channel.index == 0
        and form.channel.label == "(the customer's, else the shop's default)"
    )
    bare = customers.create_customer(db, {"name": "无渠道", "mobile": "13600000001"})
    editor = CustomerForm.for_page(PageData(db, actor=lambda: WANG))
    editor.value = shop["散客"]
    assert editor.inputs["channel"].value is not None
    editor.value = bare["id"]
    assert editor.inputs["channel"].index == 0 and editor.inputs["channel"].label == "(none)"
