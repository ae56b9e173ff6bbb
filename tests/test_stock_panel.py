"""Goods in and stocktakes on the Products page (widgets/stock_panel.py) on a real PageData
from an empty database (SQLite and PostgreSQL): staff receive goods, managers also count;
a missing product, a bad quantity or a count without a reason are shown, nothing written."""

import pytest

from salesops import stock
from salesops.actors import Actor
from salesops.web.pagedata import PageData
from widgets.products_app import ProductsApp

BOSS = Actor("boss", "manager")
WANG = Actor("wang.fang", "staff")


@pytest.fixture
def counted(db, basics):
    stock.set_stock(db, basics["TEA-01"], 5, "count", BOSS)
    return basics


def figure(db, basics):
    return stock.movements(db, basics["TEA-01"], 1)[0]["on_hand"]


def test_staff_receive_goods_and_the_list_shows_the_new_figure(db, counted):
    app = ProductsApp.for_page(PageData(db, actor=lambda: WANG))
    panel = app.stock
    assert [v for _t, v in panel.product.options] == [None, "TEA-01"]  # counted ones only
    assert not hasattr(panel, "count")  # staff do not count
    panel.product.value = "TEA-01"
    panel.quantity.value = "12"
    panel.reason.value = "delivery 12/6"
    panel.receive.click()
    assert panel.message.kind == "success", panel.message.value
    assert figure(db, counted) == 17 and "17" in panel.message.value
    assert "17" in app.table.value


def test_a_manager_counts_and_bad_input_writes_nothing(db, counted):
    app = ProductsApp.for_page(PageData(db, actor=lambda: BOSS))
    panel = app.stock
    panel.receive.click()  # no product chosen
    assert panel.errors.text("sku")
    panel.product.value = "TEA-01"
    panel.quantity.value = "two"
    panel.receive.click()
    assert panel.errors.text("quantity")
    panel.quantity.value = "3"
    panel.count.click()  # a count needs a reason
    assert panel.errors.text("reason") and figure(db, counted) == 5
    panel.reason.value = "stocktake"
    panel.count.click()
    assert panel.message.kind == "success" and figure(db, counted) == 3
