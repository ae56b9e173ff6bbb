"""The Products and Shop settings pages in a real browser, from an EMPTY database (init,
no demo), with staff accounts signed in: a manager adds a channel and two products with
costs and sees them listed with their margins; staff see the Products page without
costs; an admin's Shop settings page. Screenshots at desk and phone (390 px) width."""

from __future__ import annotations

import os
import subprocess
from decimal import Decimal

import pytest
import sqlalchemy as sa
from browser import LiveServer, apps_copy, close_page, screenshot_at
from playwright.sync_api import expect

from salesops import audit
from salesops.db import Database
from salesops.schema import channels, products

pytestmark = pytest.mark.browser
ACCOUNTS = {
    "boss": ("admin", "admin-pass-1"),
    "li.lei": ("manager", "manager-pass-2"),
    "wang.fang": ("staff", "staff-pass-3"),
}
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


class ShopServer(LiveServer):
    """`salesops serve` in accounts mode over a database with accounts and nothing else."""

    def start(self) -> ShopServer:
        """`salesops init`, the three accounts, then serve without a token."""
        subprocess.run(self._cli("init"), check=True, capture_output=True)
        for name, (role, password) in ACCOUNTS.items():
            subprocess.run(
                self._cli("user", "add", name, "--role", role, "--password-stdin"),
                input=password,
                text=True,
                check=True,
                capture_output=True,
            )
        env = {k: v for k, v in os.environ.items() if k not in ("SALESOPS_TOKEN", "SALESOPS_LANG")}
        self._serve(env)
        return self

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"salesops serve exited:\n{self.log()}")
        try:
            return self.get("/login")[0] == 200
        except OSError:
            return False


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One accounts-mode server over an empty shop, for this module."""
    root = tmp_path_factory.mktemp("shop-pages")
    live = ShopServer(root, apps_copy(root)).start()
    yield live
    live.stop()


def signed_in(browser, server, name: str, page_name: str, ready: str, viewport=None):
    """A new browser context signed in as `name`, on `page_name` once `ready` shows."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    context.route(lambda url: not url.startswith("http://127.0.0.1"), lambda r: r.abort())
    page = context.new_page()
    page.goto(server.url(page_name, token=False), wait_until="commit")
    page.locator(".so-login-username").wait_for(state="visible")
    page.fill(".so-login-username", name)
    page.fill(".so-login-password", ACCOUNTS[name][1])
    page.click(".so-login-submit")
    page.locator(ready).first.wait_for(state="visible")
    return page


shoot = screenshot_at  # other page tests import it from here


def finish(page) -> None:
    """Close the page (its kernel shuts down) and its context."""
    close_page(page)
    page.context.close()


def add_product(page, **fields) -> None:
    """Fill the product form, save, wait for the success line, start a new one."""
    for field, value in fields.items():
        page.locator(f".so-product-{field} input").fill(value)
    page.click(".so-product-save")
    expect(page.locator(".so-product-message.so-message-success")).to_contain_text(fields["sku"])
    page.click(".so-product-new")
    expect(page.locator(".so-product-sku input")).to_have_value("")


def test_a_manager_fills_an_empty_shop_and_staff_see_no_costs(browser, server):
    page = signed_in(browser, server, "li.lei", "products.ipynb", ".so-products-search input")
    expect(page.locator(".so-products-table")).to_contain_text("还没有商品")
    page.locator(".so-channels-name input").fill("朋友圈")
    page.click(".so-channels-add")
    expect(page.locator(".so-channels-table")).to_contain_text("ch01")
    add_product(
        page, sku="BERRY-1", name="奶油草莓 500g", price="39.00", unit_cost="21.50",
        aliases="草莓, 奶油草莓", stock="12", reorder_level="5",
    )  # fmt: skip
    add_product(page, sku="CHERRY-1", name="车厘子 1斤", price="99", unit_cost="60")
    table = page.locator(".so-products-table")
    for text in ("BERRY-1", "¥39.00", "¥21.50", "44.9%", "CHERRY-1", "¥99.00", "¥60.00", "39.4%"):
        expect(table).to_contain_text(text)
    expect(page.locator(".so-products-count")).to_contain_text("2")
    page.locator(".so-products-search input").fill("草莓")
    expect(table).not_to_contain_text("CHERRY-1")
    page.locator(".so-products-search input").fill("")
    shoot(page, "products-manager-desk", DESK)
    shoot(page, "products-manager-phone", PHONE)
    finish(page)

    staff = signed_in(browser, server, "wang.fang", "products.ipynb", ".so-products-table td",
                      viewport=PHONE)  # fmt: skip
    staff_table = staff.locator(".so-products-table")
    expect(staff_table).to_contain_text("¥39.00")
    expect(staff_table).to_contain_text("车厘子 1斤")
    for hidden in ("¥21.50", "¥60.00", "44.9%", "毛利率", "成本"):
        expect(staff_table).not_to_contain_text(hidden)
    assert staff.locator(".so-product-form").count() == 0
    assert staff.locator(".so-channel-panel").count() == 0
    shoot(staff, "products-staff-phone", PHONE)
    finish(staff)

    db = Database(server.db_url)
    with db.read() as conn:
        rows = conn.execute(sa.select(products.c.sku, products.c.unit_cost, products.c.created_by))
        assert sorted(rows) == [
            ("BERRY-1", Decimal("21.50"), "li.lei"),
            ("CHERRY-1", Decimal("60.00"), "li.lei"),
        ]
        assert conn.execute(sa.select(channels.c.code, channels.c.name)).all() == [
            ("ch01", "朋友圈")
        ]
        assert audit.history(conn, "channels", 1)[0]["actor"] == "li.lei"
    db.dispose()


def test_the_shop_settings_page_for_an_admin_and_no_one_else(browser, server):
    status, _, body = server.get("/voila/render/settings.ipynb", {"Cookie": _cookie(server)})
    assert status in (302, 403) and "Traceback" not in body
    page = signed_in(browser, server, "boss", "settings.ipynb", ".so-settings-shop_name input")
    page.locator(".so-settings-shop_name input").fill("小雨水果")
    page.click(".so-settings-save")
    expect(page.locator(".so-settings-message.so-message-success")).to_be_visible()
    expect(page.locator(".so-accounts-table")).to_contain_text("wang.fang")
    shoot(page, "settings-admin-desk", DESK)
    shoot(page, "settings-admin-phone", PHONE)
    finish(page)
    landing = signed_in(browser, server, "boss", "index.ipynb", ".so-landing-tabs")
    expect(landing.locator(".so-landing-shop")).to_contain_text("小雨水果")
    expect(landing.locator(".so-landing-tabs")).to_contain_text("商品")
    expect(landing.locator("a[href='settings.ipynb']")).to_be_visible()
    shoot(landing, "landing-admin-desk", DESK)
    shoot(landing, "landing-admin-phone", PHONE)
    finish(landing)
    refused = signed_in(browser, server, "li.lei", "settings.ipynb", ".so-page-refused")
    expect(refused.locator(".so-page-refused")).to_contain_text("settings.ipynb")
    finish(refused)


def _cookie(server) -> str:
    """No session at all: a page is refused before any kernel starts."""
    return ""
