"""Roles over the shop's own records: staff never receive a unit cost or what reveals one (a
margin) wherever an order or customer reaches a page, and the services refuse staff (and
managers, for the settings) every change to products, channels, stock, accounts and
settings, writing nothing. On SQLite and PostgreSQL, from an empty shop."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import as_person
from importfiles import snapshot, write_csv

from salesops import accounts, channels, products, settings, stock
from salesops.actors import Actor
from salesops.errors import PermissionDenied
from salesops.importer import import_products
from salesops.web.pagedata import COST_KEYS
from widgets.customer_360 import Customer360

LI = Actor("li.lei", "manager")
WANG = Actor("wang.fang", "staff")
BOSS = Actor("boss", "admin")


@pytest.fixture
def shop(db):
    """An empty shop with one channel, one product with a cost, a customer and an order."""
    channels.add_channel(db, "朋友圈", code="moments", actor=LI)
    products.create_product(
        db, {"sku": "BERRY-1", "name": "奶油草莓", "price": "39", "unit_cost": "21.50"}, LI
    )
    staff = as_person(db, "wang.fang", "staff")
    buyer = staff.create_customer({"name": "张伟", "mobile": "13800138000"})
    order = staff.create_order(buyer["id"], [{"sku": "BERRY-1", "quantity": 2}], channel="moments")
    return {"db": db, "buyer": buyer, "order": order}


def _keys(value) -> set[str]:
    """Every key anywhere in nested dicts and lists."""
    if isinstance(value, dict):
        return set(value) | set().union(*(_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value)) if value else set()
    return set()


def test_staff_get_orders_and_customers_without_costs_or_margins(shop):
    db, buyer, order = shop["db"], shop["buyer"], shop["order"]
    staff, manager = as_person(db, "wang.fang", "staff"), as_person(db, "li.lei", "manager")
    assert not COST_KEYS & _keys(order)  # what create_order gave the staff member's page
    seen = {
        "order": staff.order(order["id"]),
        "totals": staff.customer_totals(buyer["id"]),
        "360": staff.customer_360(buyer["id"]),
        "paid": staff.change_status(order["id"], "paid", order["version"]),
    }
    for what, got in seen.items():
        assert not COST_KEYS & _keys(got), what
    assert seen["order"]["lines"][0]["unit_price"] == Decimal("39.00")  # prices, yes
    assert seen["totals"]["revenue"] == Decimal("78.00")
    # managers see them: the line's cost as sold and the customer's margin
    assert manager.order(order["id"])["lines"][0]["unit_cost"] == Decimal("21.50")
    margin = manager.customer_totals(buyer["id"])["gross_margin"]
    assert float(margin) == pytest.approx((78 - 43) / 78)


def test_the_360_view_shows_staff_no_margin_and_managers_theirs(shop, english):
    db, buyer = shop["db"], shop["buyer"]
    for role, shown in (("staff", False), ("manager", True)):
        view = Customer360.for_page(as_person(db, "x", role))
        view.value = buyer["id"]
        assert ("Gross margin" in view.totals.value) is shown, role
        assert ("44.9%" in view.totals.value) is shown, role
        assert "¥78.00" in view.totals.value


def test_staff_are_refused_every_change_and_nothing_is_written(shop, tmp_path):
    db = shop["db"]
    berry = products.get_product(db, "BERRY-1", LI)
    moments = channels.find_channel(db, "moments")
    products.archive_product(db, berry["id"], berry["version"], LI)
    berry = products.get_product(db, "BERRY-1", LI)
    path = write_csv(tmp_path / "p.csv", ["sku", "name", "price"], [["NEW-1", "新品", "9"]])
    before = snapshot(db)
    refused = {
        "restore a product": lambda: products.restore_product(
            db, berry["id"], berry["version"], WANG
        ),
        "count stock": lambda: stock.set_stock(db, berry["id"], 5, actor=WANG),
        "import products": lambda: import_products(db, path, actor=WANG),
        "restore a channel": lambda: channels.restore_channel(db, moments["id"], 1, WANG),
        "change settings": lambda: settings.save_settings(db, {"shop_name": "x"}, 1, WANG),
        "add an account": lambda: accounts.add_user(db, "zhao", "staff", actor=WANG),
        "change a role": lambda: accounts.set_role(db, "boss", "staff", actor=WANG),
        "manager: settings": lambda: settings.save_settings(db, {"shop_name": "x"}, 1, LI),
    }
    for what, attempt in refused.items():
        with pytest.raises(PermissionDenied):
            attempt()
        assert snapshot(db) == before, what
    # a dry run of a products file is only a check: staff may do it, and it writes nothing
    assert import_products(db, path, actor=WANG, dry_run=True).problems == []
    assert snapshot(db) == before
