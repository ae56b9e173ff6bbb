"""A new shop's checklist on the landing page: from an empty database (`salesops init`, no
demo), for admins only, each step ticked off when it is done, wherever it was done."""

from __future__ import annotations

import pytest
from conftest import as_person

from salesops import accounts, channels, customers, products
from salesops.actors import Actor
from salesops.first_steps import STEPS, first_steps
from widgets.landing import Landing

BOSS = Actor("boss", "admin")


def pending(db) -> list[str]:
    return [s["key"] for s in first_steps(db) if not s["done"]]


def test_an_empty_shop_needs_every_step_and_each_is_ticked_off_as_it_is_done(db, english):
    landing = Landing.for_page(as_person(db, "boss", "admin"))
    steps = landing.steps
    assert steps.pending == list(STEPS) == ["products", "channels", "staff", "data"]
    assert steps.layout.display == "" and "0 of 4 done" in steps.title.value
    assert "Add your products" in steps.items.children[0].children[0].value

    products.create_product(db, {"sku": "TEA-01", "name": "龙井", "price": "128"}, BOSS)
    landing.refresh_button.click()
    assert steps.pending == ["channels", "staff", "data"] and "1 of 4" in steps.title.value

    channel = channels.add_channel(db, "朋友圈", actor=BOSS)
    assert pending(db) == ["staff", "data"]
    channels.archive_channel(db, channel["id"], channel["version"], BOSS)
    assert pending(db) == ["channels", "staff", "data"]  # an archived one is no channel
    channels.add_channel(db, "微店", actor=BOSS)

    accounts.add_user(db, "boss2", "admin", actor=BOSS)
    assert pending(db) == ["staff", "data"]  # admins are not staff
    accounts.add_user(db, "wang.fang", "staff", actor=BOSS)
    accounts.disable_user(db, "wang.fang", BOSS)
    assert pending(db) == ["staff", "data"]  # nor is a disabled account
    accounts.add_user(db, "li.ming", "manager", actor=BOSS)
    landing.tabs.selected_index = 1
    landing.tabs.selected_index = 0  # back on Today: read again
    assert steps.pending == ["data"] and steps.layout.display == ""

    customers.create_customer(db, {"name": "张伟"}, BOSS)
    landing.refresh_button.click()
    assert steps.pending == [] and steps.layout.display == "none"  # done: it disappears


def test_the_data_step_is_done_by_an_import_as_well(db, basics, tmp_path):
    from importfiles import write_csv

    from salesops.importer import import_orders

    assert "data" in pending(db)
    path = write_csv(
        tmp_path / "o.csv",
        ["订单号", "下单时间", "客户编号", "商品编码", "数量", "单价"],
        [["A1", "2026-11-02", "B1", "TEA-01", "1", "128"]],
    )
    assert import_orders(db, path).written
    assert "data" not in pending(db)


def test_each_step_leads_where_it_is_done(db, english):
    landing = Landing.for_page(as_person(db, "boss", "admin"))
    lines = {line.step: line for line in landing.steps.items.children}
    go = {key: line.children[1] for key, line in lines.items()}
    for key, page in (("channels", "settings"), ("staff", "settings"), ("data", "import")):
        assert f"href='{page}.ipynb'" in go[key].value
        assert f"so-steps-{key}-go" in go[key]._dom_classes
    go["products"].click()  # the products app is a tab of the landing page for admins
    index = landing.tabs.selected_index
    assert landing.tabs.titles[index] == "Products"
    assert type(landing.app(index)).__name__ == "ProductsApp"


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_only_admins_get_the_checklist(db, role):
    landing = Landing.for_page(as_person(db, "someone", role))
    assert landing.steps is None
    assert "so-steps" not in str([c._dom_classes for c in landing.tabs.children[0].children])


def test_a_demo_like_shop_with_everything_shows_no_checklist(db, basics, buyer):
    accounts.add_user(db, "wang.fang", "staff", actor=BOSS)
    landing = Landing.for_page(as_person(db, "boss", "admin"))
    assert landing.steps.pending == [] and landing.steps.layout.display == "none"
