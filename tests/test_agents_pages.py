"""Agents in a real browser, from an EMPTY database (`salesops init`, then a channel, a
product and a level by the CLI, as a new shop starts): a manager sets the level's price
on the Agents page and puts the agent at that level, sets a commission rule (a forbidden
one is refused in plain words); on the orders page the agent's own order is priced at the
level with retail beside it, and an order for the agent's customer is sold through the
agent by default; the Statements tab shows the agent's commission. Screenshots at desk
and 390 px."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from browser import MOMENTS, new_shop_server
from browser import screenshot_at as shoot  # a screenshot as tall as the page
from playwright.sync_api import expect

from salesops import config, customers
from salesops.actors import Actor
from salesops.db import connect
from salesops.schema import orders as orders_table

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
SHOP = Actor("shop", "manager")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server over an empty shop with a manager at the pages: init, a channel, a
    product, a level; an agent and their customer."""
    root = tmp_path_factory.mktemp("agents-pages")
    commands = (
        *MOMENTS,
        ("products", "add", "--sku", "BERRY-1", "--name", "奶油草莓 500g", "--price", "39"),
        ("agents", "add-level", "一级代理", "--discount", "10"),
    )

    def prepare(db):
        channel = {"channel_id": 1}
        agent = customers.create_customer(
            db, {"name": "代理小周", "mobile": "13912345678", "is_agent": True, **channel}, SHOP
        )
        customers.create_customer(
            db,
            {
                "name": "小周的客户",
                "mobile": "13912345679",
                "parent_agent_id": agent["id"],
                **channel,
            },
            actor=SHOP,
        )

    live = new_shop_server(root, "manager", commands, prepare)
    live.start()
    yield live
    live.stop()


def pick(page, picker: str, text: str) -> None:
    """Type into a customer search box and take the first result."""
    page.locator(f".{picker} input").fill(text)
    results = page.locator(f".{picker}-results select")
    expect(results.locator("option").first).to_contain_text(text)  # this search's results
    results.select_option(index=0)


def set_price_and_level(page) -> None:
    """On the Agents page: 一级代理 pays 30.00 for BERRY-1; 代理小周 is at 一级代理."""
    expect(page.locator(".so-levels-table")).to_contain_text("¥35.10")  # 10 % off 39
    page.locator(".so-levels-level select").select_option(label="一级代理")
    page.locator(".so-levels-product select").select_option(label="BERRY-1 奶油草莓 500g")
    expect(page.locator(".so-levels-price input")).to_have_value("35.10")
    page.locator(".so-levels-price input").fill("30")
    page.locator(".so-levels-save-price").click()
    expect(page.locator(".so-levels-message")).to_contain_text("¥30.00")
    page.locator(".so-levels-agent select").select_option(label="C000001 代理小周")
    page.locator(".so-levels-agent-level select").select_option(label="一级代理")
    page.locator(".so-levels-save-level").click()
    expect(page.locator(".so-levels-message")).to_contain_text("C000001 代理小周")


def set_rule(page) -> None:
    """On the Commission tab: 10 % of own sales."""
    page.get_by_role("tab", name="佣金规则").click()
    page.locator(".so-rules-value input").fill("10")
    page.locator(".so-rules-save").click()
    expect(page.locator(".so-rules-list")).to_contain_text("10.00%")


def enter_orders(page) -> None:
    """The agent's own order at the level price; their customer's, sold through them."""
    pick(page, "so-order-customer-search", "代理小周")
    page.locator(".so-order-line-sku select").select_option(label="BERRY-1 奶油草莓 500g")
    expect(page.locator(".so-order-line-price input")).to_have_value("30.00")
    expect(page.locator(".so-order-line-retail")).to_contain_text("零售价 ¥39.00")
    expect(page.locator(".so-order-agent-level")).to_contain_text("一级代理")
    page.locator(".so-order-save").click()
    expect(page.locator(".so-order-message")).to_contain_text("¥30.00")
    pick(page, "so-order-customer-search", "小周的客户")
    expect(page.locator(".so-order-agent select")).to_have_value("C000001 代理小周")  # their agent
    page.locator(".so-order-line-sku select").select_option(label="BERRY-1 奶油草莓 500g")
    page.locator(".so-order-line-qty input").fill("2")
    expect(page.locator(".so-order-line-price input")).to_have_value("39.00")
    shoot(page, "agents-order-desk", DESK)
    page.locator(".so-order-save").click()
    expect(page.locator(".so-order-message")).to_contain_text("¥78.00")
    page.locator(".so-status-to-paid").click()
    expect(page.locator(".so-status-message")).to_be_visible()


def test_set_a_level_price_enter_an_order_for_an_agent_and_see_the_statement(page_of, server):
    page = page_of("agents.ipynb", ".so-levels-save-price")
    set_price_and_level(page)
    shoot(page, "agents-levels-desk", DESK)
    shoot(page, "agents-levels-phone", PHONE)
    set_rule(page)

    orders_page = page_of("orders.ipynb", ".so-order-save")
    enter_orders(orders_page)
    db = connect(server.db_url)
    with db.read() as conn:
        rows = conn.execute(
            sa.select(orders_table.c.agent_id, orders_table.c.status, orders_table.c.total)
        ).all()
    db.dispose()
    assert sorted(rows, key=str) == sorted([(None, "new", 30), (1, "paid", 78)], key=str)

    page.get_by_role("tab", name="对账单").click()
    month = f"{datetime.now(config.business_zone()):%Y-%m}"
    page.locator(".so-statements-month input").fill(month)
    page.locator(".so-statements-show").click()
    table = page.locator(".so-statements-list")
    expect(table).to_contain_text("C000001 代理小周")
    expect(table).to_contain_text("¥7.80")  # 10 % of 78.00
    expect(page.locator(".so-statements-download-link")).to_be_visible()
    shoot(page, "agents-statements-desk", DESK)
    shoot(page, "agents-statements-phone", PHONE)
    page.get_by_role("tab", name="合规检查").click()
    expect(page.locator(".so-checks-list")).to_contain_text("没有提示")
