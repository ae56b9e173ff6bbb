"""Fulfilment end to end in a real browser, from an EMPTY database (`salesops init`, then a
channel and counted products by the CLI): a customer with two addresses; an order to the
second; paid (its stock leaves); the pick list and packing slip PDF hold it (pdftotext);
a pasted list of 3 lines bulk-shipped (the bad tracking number shown, not shipped); the
order shows its courier and number; stock fell by the quantities; a partial refund on the
Orders page puts one unit back; the landing page's work queue. Screenshots at desk and
390 px (test-artifacts/fulfilment-*.png)."""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa
from browser import MOMENTS, new_shop_server
from playwright.sync_api import expect
from test_shipping_pages import (
    DESK,
    PHONE,
    TWO_PRODUCTS,
    add_addresses,
    one_customer,
    pdf_text,
    pick,
    shoot,
)

from salesops import orders
from salesops.actors import Actor
from salesops.db import connect
from salesops.schema import order_refunds, products
from salesops.schema import orders as orders_table

pytestmark = pytest.mark.browser
SHOP = Actor("shop", "manager")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A manager's server over an empty shop: a channel, two counted products, a customer."""
    root = tmp_path_factory.mktemp("fulfilment-pages")
    counted = (
        ("stock", "adjust", "BERRY-1", "10", "--reason", "first count"),
        ("stock", "adjust", "CHERRY-1", "5", "--reason", "first count"),
    )
    live = new_shop_server(root, "manager", (*MOMENTS, *TWO_PRODUCTS, *counted), one_customer)
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def db(server):
    database = connect(server.db_url)
    yield database
    database.dispose()


def on_hand(db) -> dict[str, int]:
    """Stock on hand by SKU."""
    with db.read() as conn:
        return dict(conn.execute(sa.select(products.c.sku, products.c.stock_on_hand)).all())


def test_an_order_to_the_second_address_shipped_in_bulk_then_partly_refunded(page_of, db, tmp_path):
    page = page_of("customers.ipynb", ".so-customers-search input")
    add_addresses(page)

    page = page_of("orders.ipynb", ".so-order-save")
    pick(page, "so-order-customer-search", "小雨")
    page.locator(".so-order-channel select").select_option(label="朋友圈")
    ship_to = page.locator(".so-order-ship_to select")
    ship_to.select_option(label=ship_to.locator("option", has_text="浦东新区").inner_text())
    page.locator(".so-order-line-sku select").select_option(label="BERRY-1 奶油草莓 500g")
    page.locator(".so-order-line-qty input").fill("3")
    page.locator(".so-order-save").click()
    expect(page.locator(".so-order-message")).to_contain_text("SO")
    assert on_hand(db)["BERRY-1"] == 10  # a new order holds nothing yet
    page.locator(".so-status-to-paid").click()
    expect(page.locator(".so-status-current")).to_contain_text("已付款")
    assert on_hand(db)["BERRY-1"] == 7
    with db.read() as conn:
        order = conn.execute(sa.select(orders_table)).mappings().one()
    others = [
        orders.create_order(db, order["customer_id"], [{"sku": "CHERRY-1", "quantity": 2}],
                            channel="moments", status="paid", actor=SHOP)
        for _ in range(2)
    ]  # fmt: skip
    assert on_hand(db)["CHERRY-1"] == 1

    page = page_of("shipping.ipynb", ".so-bulk-check")
    expect(page.locator(".so-waiting-table")).to_contain_text(order["order_no"])
    page.locator(".so-waiting-pdf").click()
    link = page.locator(".so-waiting-download-link")
    expect(link).to_be_visible(timeout=60_000)  # a PDF takes a while on a busy machine
    pdf = tmp_path / "slips.pdf"
    pdf.write_bytes(base64.b64decode(link.get_attribute("href").split("base64,", 1)[1]))
    text = pdf_text(pdf)
    for expected in (order["order_no"], "小雨妈妈", "浦东新区", "世纪大道100号", "BERRY-1"):
        assert expected in text
    page.locator(".so-bulk-lines textarea").fill(
        f"{order['order_no']}\t顺丰\tSF1234567890123\n"
        f"{others[0]['order_no']}\t中通\t78123456789012\n"
        f"{others[1]['order_no']}\t圆通\tYT12"
    )
    page.locator(".so-bulk-check").click()
    preview = page.locator(".so-bulk-preview")
    expect(preview.locator("tr.so-bad")).to_have_count(1)
    expect(preview.locator("tr.so-bad")).to_contain_text("YT")
    page.locator(".so-bulk-skip input").check()
    page.locator(".so-bulk-ship").click()
    expect(page.locator(".so-bulk-message")).to_contain_text("已发货 2 单")
    assert on_hand(db) == {"BERRY-1": 7, "CHERRY-1": 1}  # shipping moved nothing more

    page = page_of("orders.ipynb", ".so-status-number input")
    page.locator(".so-status-number input").fill(order["order_no"])
    page.locator(".so-status-find").click()
    expect(page.locator(".so-status-tracking")).to_have_text("SF1234567890123")
    expect(page.locator(".so-status-shipment")).to_contain_text("顺丰")
    expect(page.locator(".so-refund-summary")).to_contain_text("117")
    page.locator(".so-refund-qty-1 input").fill("1")
    page.locator(".so-refund-reason input").fill("一盒压坏，客户寄回")
    page.locator(".so-refund-restock input").check()
    page.locator(".so-refund-submit").click()
    expect(page.locator(".so-refund-message")).to_contain_text("39")
    expect(page.locator(".so-refund-list")).to_contain_text("一盒压坏")
    expect(page.locator(".so-status-refunded")).to_contain_text("39")
    expect(page.locator(".so-status-current")).to_contain_text("已发货")
    assert on_hand(db)["BERRY-1"] == 8  # one unit back
    with db.read() as conn:
        assert conn.execute(sa.select(order_refunds.c.amount)).scalars().all() == [39]
    shoot(page, "fulfilment-refund-desk", DESK)
    shoot(page, "fulfilment-refund-phone", PHONE)

    page = page_of("index.ipynb", ".so-work-to_ship")
    expect(page.locator(".so-work-to_ship")).to_contain_text("1")
    page.locator(".so-work-to_ship").click()
    expect(page.locator(".so-work-list")).to_contain_text(others[1]["order_no"])
    shoot(page, "fulfilment-landing-desk", DESK)
    shoot(page, "fulfilment-landing-phone", PHONE)
    assert "Traceback" not in page.locator("body").inner_text()
