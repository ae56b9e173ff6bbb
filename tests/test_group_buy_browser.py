"""The orders page's 接龙 tab in a real browser, from an EMPTY database (`salesops init`,
then a channel and products by the CLI, a community and two customers both called 陈姐
through the services): paste the issue's list, choose the community, check; entry 5's
buyer is ambiguous, so the page asks; pick the customer, create the orders, find them;
paste the list again after two more people joined: only their two orders are added.
Screenshots at desk and 390 px."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from browser import new_shop_server, screenshot_at
from playwright.sync_api import expect

from salesops import customers
from salesops.actors import Actor
from salesops.db import connect
from salesops.schema import communities, community_members, now_utc, orders

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
SHOP = Actor("shop", "manager")
EXAMPLE = (Path(__file__).parent / "data" / "jielong" / "issue_example.txt").read_text("utf-8")
MORE = "6. 小雨 车厘子2 13912345678\n7、Bob 草莓×2 自提\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server over an empty shop: init, a channel, two products with aliases, a
    community, two customers named 陈姐; pages act for a staff member."""
    root = tmp_path_factory.mktemp("group-buy-pages")
    commands = (
        ("channels", "add", "社群团购", "--code", "group"),
        ("channels", "default", "group"),
        ("products", "add", "--sku", "BERRY-1", "--name", "草莓", "--price", "42"),
        ("products", "add", "--sku", "CHERRY-J", "--name", "车厘子", "--price", "109"),
        ("products", "edit", "CHERRY-J", "--aliases", "樱桃,大樱桃"),
    )  # fmt: skip

    def prepare(db):
        with db.write() as conn:  # the communities service is another issue's
            conn.execute(sa.insert(communities).values(name="周五水果团", created_at=now_utc()))
        customers.create_customer(db, {"name": "陈姐", "mobile": "13700000001"}, actor=SHOP)
        customers.create_customer(db, {"name": "陈姐", "mobile": "13700000002"}, actor=SHOP)

    live = new_shop_server(root, "staff", commands, prepare)
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def db(server):
    database = connect(server.db_url)
    yield database
    database.dispose()


shoot = screenshot_at


def open_tab(page_of):
    """The orders page with its 接龙 tab open."""
    page = page_of("orders.ipynb", ".so-orders-tabs")
    page.locator(".so-orders-tabs .lm-TabBar-tab", has_text="接龙").click()
    expect(page.locator(".so-groupbuy-text textarea")).to_be_visible()
    return page


def order_rows(db) -> list[tuple]:
    with db.read() as conn:
        return conn.execute(
            sa.select(orders.c.order_no, orders.c.total, orders.c.note).order_by(orders.c.order_no)
        ).all()


def test_paste_resolve_confirm_and_paste_again(page_of, db):
    page = open_tab(page_of)
    page.locator(".so-groupbuy-text textarea").fill(EXAMPLE)
    page.locator(".so-groupbuy-community select").select_option(label="周五水果团")
    page.locator(".so-groupbuy-check").click()
    preview = page.locator(".so-groupbuy-preview")
    expect(preview).to_contain_text("3号楼2单元")
    expect(preview.locator("tr.so-bad")).to_have_count(1)
    expect(preview.locator("tr.so-ok")).to_have_count(4)
    expect(page.locator(".so-groupbuy-confirm")).to_be_disabled()
    fix = page.locator(".so-groupbuy-fix-5")
    expect(fix).to_contain_text("陈姐")
    shoot(page, "group-buy-problem-desk", DESK)
    shoot(page, "group-buy-problem-phone", PHONE)

    choose = fix.locator(".so-groupbuy-fix-customer select")
    second = choose.locator("option", has_text="137****0002").inner_text()  # staff: masked
    choose.select_option(label=second)
    expect(preview.locator("tr.so-bad")).to_have_count(0)
    expect(page.locator(".so-groupbuy-confirm")).to_be_enabled()
    page.locator(".so-groupbuy-confirm").click()
    expect(page.locator(".so-groupbuy-message")).to_contain_text("SO00000005")
    shoot(page, "group-buy-written-desk", DESK)
    shoot(page, "group-buy-written-phone", PHONE)
    rows = order_rows(db)
    assert [r.order_no for r in rows] == [f"SO0000000{n}" for n in range(1, 6)]
    assert [str(r.total) for r in rows] == ["78.00", "138.00", "117.00", "198.00", "39.00"]
    assert rows[2].note == "3号楼2单元"
    with db.read() as conn:
        chen = conn.execute(
            sa.text(
                "select c.mobile from orders o join customers c on c.id = o.customer_id "
                "where o.order_no = 'SO00000005'"
            )
        ).scalar()
        members = conn.execute(sa.select(sa.func.count()).select_from(community_members)).scalar()
    assert chen == "13700000002" and members == 5

    # the orders are found on the page as any other order
    page.locator(".so-orders-tabs .lm-TabBar-tab", has_text="订单").click()
    page.locator(".so-status-number input").fill("SO00000003")
    page.locator(".so-status-find").click()
    expect(page.locator(".so-status-order")).to_contain_text("小雨")

    # the list again, after two more people joined: only their entries are new
    page = open_tab(page_of)
    page.locator(".so-groupbuy-text textarea").fill(EXAMPLE + MORE)
    page.locator(".so-groupbuy-community select").select_option(label="周五水果团")
    page.locator(".so-groupbuy-check").click()
    preview = page.locator(".so-groupbuy-preview")
    expect(preview.locator("tr.so-old")).to_have_count(5)
    expect(preview).to_contain_text("SO00000001")
    expect(preview.locator("tr.so-ok")).to_have_count(2)
    page.locator(".so-groupbuy-confirm").click()
    expect(page.locator(".so-groupbuy-message")).to_contain_text("SO00000007")
    rows = order_rows(db)
    assert len(rows) == 7 and rows[6].note == "自提"
