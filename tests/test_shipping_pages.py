"""Addresses and shipping in a real browser, from an EMPTY database (`salesops init`, then a
channel and products by the CLI, as a new shop starts): a customer gets two addresses on
the customers page (one pasted, one typed); an order goes to the second; paid; the
Shipping page lists it and its pick list and packing slip PDF holds it (read back with
pdftotext); a pasted list of 3 lines is checked (the bad tracking number shown, not
shipped) and the rest shipped; the order is found by its tracking number and shows its
courier and number; the customer's 360 view too. Screenshots at desk and 390 px."""

from __future__ import annotations

import base64
import shutil
import subprocess

import pytest
import sqlalchemy as sa
from browser import ARTIFACTS, MOMENTS, new_shop_server, screenshot_at
from conftest import missing_service
from playwright.sync_api import expect

from salesops import customers, orders
from salesops.actors import Actor
from salesops.db import connect
from salesops.schema import orders as orders_table

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
SHOP = Actor("shop", "manager")
TWO_PRODUCTS = (
    ("products", "add", "--sku", "BERRY-1", "--name", "奶油草莓 500g", "--price", "39"),
    ("products", "add", "--sku", "CHERRY-1", "--name", "车厘子 1斤", "--price", "99"),
)


def one_customer(db) -> None:
    """小雨, a customer as the customers page would make her."""
    customers.create_customer(db, {"name": "小雨", "mobile": "13912345678"}, actor=SHOP)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server over an empty shop: init, a channel and two products, one customer."""
    root = tmp_path_factory.mktemp("shipping-pages")
    live = new_shop_server(root, "staff", (*MOMENTS, *TWO_PRODUCTS), one_customer)
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def db(server):
    database = connect(server.db_url)
    yield database
    database.dispose()


shoot = screenshot_at  # other page tests import it from here


def pick(page, picker: str, text: str) -> None:
    """Type into a customer search box and take the first result."""
    page.locator(f".{picker} input").fill(text)
    results = page.locator(f".{picker}-results select")
    expect(results.locator("option")).not_to_have_count(0)
    results.select_option(index=0)


def pdf_text(path) -> str:
    """The PDF's text without white space (pdftotext spaces CJK text as it likes)."""
    if shutil.which("pdftotext") is None:
        missing_service("pdftotext is needed (scripts/system-deps.sh installs poppler-utils)")
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())


def add_addresses(page) -> None:
    """On the customers page: one address pasted, one typed."""
    pick(page, "so-customers-search", "小雨")
    expect(page.locator(".so-book-empty")).to_contain_text("还没有收货地址")
    page.locator(".so-book-new").click()
    page.locator(".so-address-paste textarea").fill(
        "小雨 13912345678 浙江省杭州市余杭区文一西路969号"
    )
    page.locator(".so-address-fill").click()
    expect(page.locator(".so-address-district input")).to_have_value("余杭区")
    page.locator(".so-book-save").click()
    expect(page.locator(".so-book-message")).to_contain_text("已保存")
    page.locator(".so-book-new").click()
    for field, value in (("recipient", "小雨妈妈"), ("mobile", "+86 137-0000-1234"),
                         ("province", "上海"), ("city", "上海市"), ("district", "浦东新区"),
                         ("detail", "世纪大道100号")):  # fmt: skip
        page.locator(f".so-address-{field} input").fill(value)
    page.locator(".so-book-save").click()
    expect(page.locator(".so-book-list input[type=radio]")).to_have_count(2)
    expect(page.locator(".so-book-list")).to_contain_text("浦东新区")


def test_two_addresses_an_order_to_the_second_its_slip_and_bulk_shipping(page_of, db, tmp_path):
    page = page_of("customers.ipynb", ".so-customers-search input")
    add_addresses(page)
    shoot(page, "shipping-address-book-desk", DESK)
    shoot(page, "shipping-address-book-phone", PHONE)

    page = page_of("orders.ipynb", ".so-order-save")
    pick(page, "so-order-customer-search", "小雨")
    page.locator(".so-order-channel select").select_option(label="朋友圈")
    ship_to = page.locator(".so-order-ship_to select")
    expect(ship_to.locator("option")).to_have_count(4)  # two addresses, new, none
    second = ship_to.locator("option", has_text="浦东新区").inner_text()
    ship_to.select_option(label=second)
    page.locator(".so-order-line-sku select").select_option(label="BERRY-1 奶油草莓 500g")
    page.locator(".so-order-line-qty input").fill("2")
    page.locator(".so-order-save").click()
    expect(page.locator(".so-order-message")).to_contain_text("SO")
    expect(page.locator(".so-status-ship-to")).to_contain_text("浦东新区")
    page.locator(".so-status-to-paid").click()
    expect(page.locator(".so-status-courier select")).to_be_visible()
    shoot(page, "shipping-order-desk", DESK)
    with db.read() as conn:
        order = conn.execute(sa.select(orders_table)).mappings().one()
    assert (order["ship_recipient"], order["ship_mobile"]) == ("小雨妈妈", "13700001234")
    assert order["ship_district"] == "浦东新区" and order["status"] == "paid"
    others = [
        orders.create_order(db, order["customer_id"], [{"sku": "CHERRY-1", "quantity": 1}],
                            channel="moments", status="paid", actor=SHOP)
        for _ in range(2)
    ]  # fmt: skip

    page = page_of("shipping.ipynb", ".so-bulk-check")
    expect(page.locator(".so-waiting-table")).to_contain_text(order["order_no"])
    page.locator(".so-waiting-pdf").click()
    link = page.locator(".so-waiting-download-link")
    expect(link).to_be_visible(timeout=60_000)  # fonts read and subset: seconds under load
    expect(page.locator(".so-waiting-contact")).to_contain_text("完整手机号")
    shoot(page, "shipping-slips-ready-desk", DESK)
    shoot(page, "shipping-slips-ready-phone", PHONE)
    href = link.get_attribute("href")
    pdf = tmp_path / "slips.pdf"
    pdf.write_bytes(base64.b64decode(href.split("base64,", 1)[1]))
    shutil.copy(pdf, ARTIFACTS / "shipping-packing-slips.pdf")
    text = pdf_text(pdf)
    for expected in (order["order_no"], "小雨妈妈", "13700001234", "浦东新区", "BERRY-1"):
        assert expected in text, expected  # the full mobile too: the courier needs it
    assert "世纪大道100号" in text
    lines = [
        f"{order['order_no']}\t顺丰\tSF1234567890123",
        f"{others[0]['order_no']}\t中通\t78123456789012",
        f"{others[1]['order_no']}\t圆通\tYT12",  # a typo: not shipped
    ]
    page.locator(".so-bulk-lines textarea").fill("\n".join(lines))
    page.locator(".so-bulk-check").click()
    preview = page.locator(".so-bulk-preview")
    expect(preview.locator("tr.so-bad")).to_have_count(1)
    expect(preview.locator("tr.so-ok")).to_have_count(2)
    expect(preview.locator("tr.so-bad")).to_contain_text("YT")
    page.locator(".so-bulk-ship").click()  # all or nothing: refused
    expect(page.locator(".so-bulk-message")).to_contain_text("没有发货")
    page.locator(".so-bulk-check").click()
    page.locator(".so-bulk-skip input").check()
    page.locator(".so-bulk-ship").click()
    expect(page.locator(".so-bulk-message")).to_contain_text("已发货 2 单")
    expect(page.locator(".so-waiting-table")).not_to_contain_text(order["order_no"])
    shoot(page, "shipping-page-desk", DESK)
    shoot(page, "shipping-page-phone", PHONE)
    with db.read() as conn:
        states = dict(conn.execute(sa.select(orders_table.c.order_no, orders_table.c.status)).all())
    assert states[others[1]["order_no"]] == "paid" and states[order["order_no"]] == "shipped"

    page = page_of("orders.ipynb", ".so-status-number input")
    page.locator(".so-status-number input").fill("sf 1234 5678 9012 3")
    page.locator(".so-status-find").click()
    expect(page.locator(".so-status-tracking")).to_have_text("SF1234567890123")
    expect(page.locator(".so-status-shipment")).to_contain_text("顺丰")
    shoot(page, "shipping-order-tracking-phone", PHONE)

    page = page_of("customers.ipynb", ".so-customers-search input")
    pick(page, "so-customers-search", "小雨")
    expect(page.locator(".so-c360-tracking").first).to_be_visible()
    expect(page.locator(".so-c360-orders")).to_contain_text("SF1234567890123")
    assert "Traceback" not in page.locator("body").inner_text()
