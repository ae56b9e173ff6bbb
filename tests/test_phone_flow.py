"""A seller's round on a phone (390 x 844, touch, scale 2), from an EMPTY database (`salesops
init`, then a channel and two products by the CLI and one customer, as a new shop starts):
find a customer, create one (the mobile field brings up the phone keypad), enter an order
with two lines (each line stacked: the product, then quantity, price and amount; the total
in view at the foot of the screen while the lines are entered), move it to paid, log a
follow-up. Every step fits the screen (tests/phone.py); screenshots in test-artifacts."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from browser import ARTIFACTS, MOMENTS, close_page, goto, new_shop_server
from phone import assert_fits, phone_context, settle, shoot
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from test_shipping_pages import one_customer

from salesops import customers
from salesops.actors import Actor
from salesops.config import business_zone
from salesops.db import connect
from salesops.messages import money
from salesops.schema import followups, orders

pytestmark = pytest.mark.browser
SHOP = Actor("shop", "manager")
SHORT_VIEW = 480  # a phone's screen above its keyboard


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A staff member's server over a new shop: a channel, two products, one customer."""
    root = tmp_path_factory.mktemp("phone-flow")
    products = (
        ("products", "add", "--sku", "BERRY-1", "--name", "奶油草莓 500g", "--price", "39"),
        ("products", "add", "--sku", "CHERRY-1", "--name", "车厘子 1斤", "--price", "99.5"),
    )
    live = new_shop_server(root, "staff", (*MOMENTS, *products), one_customer)
    live.start()
    yield live
    live.stop()


@pytest.fixture
def phone_page(browser, server):
    """`phone_page(name, selector)`: a page of the server in a phone-sized context."""
    context = phone_context(browser)
    pages = []

    def _open(name: str, selector: str):
        page = goto(context.new_page(), server.url(name), selector)
        pages.append(page)
        settle(page)
        return page

    yield _open
    for page in pages:
        close_page(page)
    context.close()


def pick(page, picker: str, text: str) -> None:
    """Type into a customer search box and take the first result."""
    page.locator(f".{picker} input").fill(text)
    results = page.locator(f".{picker}-results select")
    expect(results.locator("option")).not_to_have_count(0)
    results.select_option(index=0)


def box(page, selector: str) -> dict:
    """Where an element is on the screen now (CSS pixels)."""
    return page.locator(selector).first.bounding_box()


def test_a_sellers_round_on_a_phone(phone_page, server):
    db = connect(server.db_url)
    try:
        page = phone_page("customers.ipynb", ".so-customers-search input")
        pick(page, "so-customers-search", "1391234")  # find a customer
        expect(page.locator(".so-c360-profile")).to_contain_text("小雨")
        expect(page.locator(".so-customer-name input")).to_have_value("小雨")
        settle(page)
        assert_fits(page, "customers page with a customer found")
        shoot(page, "phone-flow-1-found")

        page.locator(".so-customer-new").tap()  # create one
        expect(page.locator(".so-customer-name input")).to_have_value("")
        mobile = page.locator(".so-customer-mobile input")
        expect(mobile).to_have_attribute("inputmode", "tel")
        page.locator(".so-customer-name input").fill("阿杰")
        mobile.fill("+86 137-0000-5678")
        page.locator(".so-customer-save").tap()
        expect(page.locator(".so-customer-message.so-message-success")).to_be_visible()
        settle(page)
        assert_fits(page, "customers page with a customer created")
        shoot(page, "phone-flow-2-created")
        with db.read() as conn:
            new = conn.execute(
                sa.select(customers.customers).where(customers.customers.c.name == "阿杰")
            ).one()
        assert new.mobile == "13700005678"

        page = phone_page("orders.ipynb", ".so-order-save")  # an order with two lines
        pick(page, "so-order-customer-search", "13700005678")
        page.locator(".so-order-channel select").select_option(label="朋友圈")
        lines = page.locator(".so-order-line")
        lines.nth(0).locator(".so-order-line-sku select").select_option(
            label="BERRY-1 奶油草莓 500g"
        )
        qty = lines.nth(0).locator(".so-order-line-qty input")
        expect(qty).to_have_attribute("inputmode", "numeric")
        expect(lines.nth(0).locator(".so-order-line-price input")).to_have_attribute(
            "inputmode", "decimal"
        )
        qty.fill("2")
        page.locator(".so-order-add-line").tap()
        expect(lines).to_have_count(2)
        lines.nth(1).locator(".so-order-line-sku select").select_option(label="CHERRY-1 车厘子 1斤")
        total = Decimal("39") * 2 + Decimal("99.5")
        expect(page.locator(".so-order-total")).to_have_text(money(total))
        expect(lines.nth(1).locator(".so-order-line-amount")).to_have_text(money(Decimal("99.5")))
        settle(page)
        assert_fits(page, "orders page with two lines")

        first = ".so-order-line >> nth=0 >> "
        sku, qty_box = box(page, first + ".so-order-line-sku"), box(page, first + ".so-col-qty")
        price, amount = box(page, first + ".so-col-price"), box(page, first + ".so-col-amount")
        assert qty_box["y"] >= sku["y"] + sku["height"] - 1, "quantity below the product"
        row_end = qty_box["y"] + qty_box["height"]
        for other in (price, amount):  # quantity, price and amount: one line
            assert qty_box["y"] - 10 < other["y"] < row_end and other["x"] > qty_box["x"], other
        assert sku["width"] > 250, "the product takes the line's width"

        page.set_viewport_size({"width": 390, "height": SHORT_VIEW})  # the keyboard is up
        page.evaluate("document.querySelector('.so-order-line').scrollIntoView({block: 'start'})")
        # ...and the total stays on it: sticky, once the browser has laid the short screen
        # out (a loaded machine can measure once before it has; a broken sticky never fits)
        in_view = (
            "() => { const r = document.querySelector('.so-order-totals')"
            ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight + 1; }"
        )
        try:
            page.wait_for_function(in_view, timeout=10_000)
        except PlaywrightTimeout:
            pass  # the assertion below says where it was
        totals, save = box(page, ".so-order-totals"), box(page, ".so-order-save")
        assert save["y"] >= SHORT_VIEW, "the form goes on below the screen..."
        assert 0 <= totals["y"] and totals["y"] + totals["height"] <= SHORT_VIEW + 1, totals
        page.screenshot(path=str(ARTIFACTS / "phone-flow-3-order-screen.png"))  # what is seen
        page.set_viewport_size({"width": 390, "height": 844})
        shoot(page, "phone-flow-3-order")

        page.locator(".so-order-save").tap()
        message = page.locator(".so-order-message.so-message-success")
        message.or_(page.locator(".so-order-message.so-message-error")).wait_for()
        problems = [t for t in page.locator(".so-field-error").all_inner_texts() if t.strip()]
        assert message.count() == 1, problems
        expect(message).to_contain_text("SO")
        with db.read() as conn:
            order = conn.execute(sa.select(orders).order_by(orders.c.id.desc())).mappings().first()
        assert order["total"] == total and order["customer_id"] == new.id

        expect(page.locator(".so-status-order")).to_contain_text(order["order_no"])  # to paid
        page.locator(".so-status-to-paid").tap()
        expect(page.locator(".so-status-to-paid")).to_be_hidden()
        settle(page)
        assert_fits(page, "orders page with the order paid")
        shoot(page, "phone-flow-4-paid")
        with db.read() as conn:
            status = conn.execute(sa.select(orders.c.status).where(orders.c.id == order["id"]))
            assert status.scalar() == "paid"

        page = phone_page("followups.ipynb", ".so-followup-save")  # log a follow-up
        pick(page, "so-followup-customer-search", "阿杰")
        expect(page.locator(".so-followup-customer")).to_contain_text("阿杰")
        page.locator(".so-followup-note textarea").fill("付款了，周末发货")
        next_day = datetime.now(business_zone()).date() + timedelta(days=2)
        page.locator(".so-followup-next-date input").fill(next_day.isoformat())
        page.locator(".so-followup-save").tap()
        expect(page.locator(".so-followup-message")).to_contain_text(next_day.isoformat())
        expect(page.locator(".so-followup-history")).to_contain_text("付款了，周末发货")
        settle(page)
        assert_fits(page, "follow-ups page with a contact logged")
        shoot(page, "phone-flow-5-followup")
        with db.read() as conn:
            logged = conn.execute(
                sa.select(followups.c.note, followups.c.outcome, followups.c.done_at).where(
                    followups.c.customer_id == new.id
                )
            ).all()
        said = "付款了，周末发货"
        assert any(said in (row.note, row.outcome) and row.done_at for row in logged), logged
        assert "Traceback" not in page.locator("body").inner_text()
    finally:
        db.dispose()
