"""A shop from an EMPTY database (`salesops init`, accounts only) in a real browser, using
only pages: a manager adds a channel and two products with costs, creates a community,
creates a customer and adds them to it from the customer's page, enters an order,
records a 晒单 on it from the orders page, and the weekly page shows that order's revenue
and gross margin in the week in progress. Screenshots at desk and 390 px."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from browser import apps_copy
from playwright.sync_api import expect
from test_shipping_pages import pick
from test_shop_pages import DESK, PHONE, ShopServer, add_product, finish, shoot, signed_in

from salesops.db import Database
from salesops.schema import community_members, customers, orders, reviews

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """An accounts-mode server over an empty shop, for this module."""
    root = tmp_path_factory.mktemp("community-pages")
    live = ShopServer(root, apps_copy(root)).start()
    yield live
    live.stop()


def test_an_empty_shop_to_a_reviewed_order_on_the_weekly_page(browser, server):
    page = signed_in(browser, server, "li.lei", "products.ipynb", ".so-products-search input")
    page.locator(".so-channels-name input").fill("朋友圈")
    page.click(".so-channels-add")
    expect(page.locator(".so-channels-table")).to_contain_text("ch01")
    add_product(page, sku="BERRY-1", name="奶油草莓 500g", price="39.00", unit_cost="21.50")
    add_product(page, sku="CHERRY-1", name="车厘子 1斤", price="99", unit_cost="60")
    finish(page)

    page = signed_in(browser, server, "li.lei", "communities.ipynb", ".so-communities-name input")
    expect(page.locator(".so-communities-table")).to_contain_text("还没有社群")
    page.locator(".so-communities-name input").fill("宝妈育儿交流群")
    page.locator(".so-communities-channel select").select_option(label="朋友圈")
    page.click(".so-communities-add")
    expect(page.locator(".so-communities-message")).to_contain_text("已新建社群 宝妈育儿交流群")
    expect(page.locator(".so-communities-table")).to_contain_text("朋友圈")
    finish(page)

    page = signed_in(browser, server, "li.lei", "customers.ipynb", ".so-customer-name input")
    for field, value in (("name", "小雨"), ("mobile", "13912345678"), ("nickname", "小雨🍓")):
        page.locator(f".so-customer-{field} input").fill(value)
    page.click(".so-customer-save")
    expect(page.locator(".so-customer-message")).to_contain_text("C000001")
    page.locator(".so-social-community select").select_option(label="宝妈育儿交流群")
    page.click(".so-social-join")
    expect(page.locator(".so-social-stays")).to_contain_text("宝妈育儿交流群")
    shoot(page, "community-customer-desk", DESK)
    shoot(page, "community-customer-phone", PHONE)
    finish(page)

    page = signed_in(browser, server, "li.lei", "orders.ipynb", ".so-order-save")
    pick(page, "so-order-customer-search", "小雨🍓")  # found by the WeChat nickname
    page.locator(".so-order-channel select").select_option(label="朋友圈")
    page.locator(".so-order-line-sku select").select_option(label="BERRY-1 奶油草莓 500g")
    page.locator(".so-order-line-qty input").fill("2")
    page.locator(".so-order-save").click()
    expect(page.locator(".so-order-message")).to_contain_text("SO00000001")
    reviews_part = page.locator(".so-order-reviews")
    expect(reviews_part).to_be_visible()
    expect(page.locator(".so-social-order select")).to_contain_text("SO00000001")
    page.locator(".so-social-platform select").select_option(label="小红书")
    page.locator(".so-social-rating select").select_option(label="5")
    page.locator(".so-social-link input").fill("https://www.xiaohongshu.com/explore/1")
    page.locator(".so-social-note textarea").fill("草莓很甜")
    page.click(".so-social-record")
    expect(page.locator(".so-order-reviews-message")).to_contain_text("已记录订单 SO00000001")
    expect(page.locator(".so-order-reviews-list")).to_contain_text("小红书")
    shoot(page, "community-order-review-desk", DESK)
    shoot(page, "community-order-review-phone", PHONE)
    finish(page)

    page = signed_in(browser, server, "li.lei", "communities.ipynb", ".so-communities-pick")
    page.locator(".so-communities-pick select").select_option(label="宝妈育儿交流群")
    members = page.locator(".so-communities-members")
    expect(members).to_contain_text("小雨🍓")
    expect(members).to_contain_text("¥78.00")
    expect(members).to_contain_text("奶油草莓 500g")
    shoot(page, "communities-desk", DESK)
    shoot(page, "communities-phone", PHONE)
    finish(page)

    page = signed_in(browser, server, "li.lei", "weekly_sheet.ipynb", ".so-weekly-week select")
    week = page.locator(".so-weekly-week select")
    this_week = week.locator("option", has_text="本周至今").inner_text()
    week.select_option(label=this_week)
    expect(page.locator(".so-weekly-number-revenue .so-number-value")).to_have_text("¥78.00")
    # (78.00 - 2 x 21.50) / 78.00 = 44.9%
    expect(page.locator(".so-weekly-number-gross_margin .so-number-value")).to_have_text("44.9%")
    shoot(page, "community-weekly-desk", DESK)
    shoot(page, "community-weekly-phone", PHONE)
    finish(page)

    db = Database(server.db_url)
    with db.read() as conn:
        person = conn.execute(sa.select(customers)).mappings().one()
        stay = conn.execute(sa.select(community_members)).mappings().one()
        order = conn.execute(sa.select(orders)).mappings().one()
        review = conn.execute(sa.select(reviews)).mappings().one()
    db.dispose()
    assert (person["nickname"], stay["customer_id"], stay["left_at"]) == ("小雨🍓", 1, None)
    assert (order["goods_amount"], order["goods_cost"]) == (Decimal("78.00"), Decimal("43.00"))
    assert (review["order_id"], review["platform"], review["rating"]) == (
        order["id"],
        "xiaohongshu",
        5,
    )
    assert review["created_by"] == "li.lei"
