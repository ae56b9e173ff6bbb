"""Every page in notebooks/apps at phone size (390 x 844, scale 2, touch), found by listing
the folder, so a page added later is checked too: no control reaches past the screen's
edge or is cut off, nothing scrolls sideways (a tab bar may: each of its tabs is scrolled
to and opened, and checked in turn), buttons, tabs and fields are at least 40 px high.
The pages run on the demo data as an admin (every page opens, lists are full). Our
template gives one viewport tag and serves the pages' stylesheet and script. Screenshots
of every page (and every landing tab) at phone size: test-artifacts/phone-*.png."""

from __future__ import annotations

import re

import pytest
from browser import APPS_DIR, LiveServer, apps_copy, close_page, goto, kernel_id_of
from phone import assert_fits, layout_problems, phone_context, settle, shoot
from playwright.sync_api import expect

from salesops.web import caching

pytestmark = pytest.mark.browser
PAGES = sorted(p.name for p in APPS_DIR.glob("*.ipynb"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server over the demo data, everyone acting as an admin (every page opens)."""
    root = tmp_path_factory.mktemp("phone")
    live = LiveServer(
        root, apps_copy(root), voila_args=("--role", "admin"), init_args=("init", "--demo")
    )
    live.start()
    yield live
    live.stop()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized browser context."""
    context = phone_context(browser)
    yield context
    context.close()


def test_the_pages_are_found():
    assert {"index.ipynb", "customers.ipynb", "orders.ipynb", "followups.ipynb"} <= set(PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_fits_a_phone(phone, server, name):
    page = goto(phone.new_page(), server.url(name))
    try:
        settle(page)
        stem = name.removesuffix(".ipynb")
        shoot(page, f"phone-{stem}")
        assert_fits(page, name)
        bar = page.locator(".widget-tab > .lm-TabBar >> visible=true")  # the page's own tabs
        tabs = bar.first.locator(".lm-TabBar-tab") if bar.count() else bar
        for i in range(tabs.count()):
            tab = tabs.nth(i)
            tab.scroll_into_view_if_needed()  # the bar scrolls: every tab can be reached
            box = tab.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390.5, f"tab {i} off screen"
            tab.tap()
            expect(tab).to_have_class(re.compile("lm-mod-current"))
            expect(page.locator(".so-landing-loading >> visible=true")).to_have_count(0)
            settle(page)
            shoot(page, f"phone-{stem}-tab{i}")
            assert_fits(page, f"{name}, tab {i} ({tab.inner_text()})")
    finally:
        close_page(page)


def test_the_checks_see_a_page_that_does_not_fit(phone, server):
    """The layout check is not vacuous: a field made wider than the screen is caught."""
    page = goto(phone.new_page(), server.url("customers.ipynb"), ".so-customer-name input")
    try:
        settle(page)
        page.evaluate(
            "document.querySelector('.so-customer-name input')"
            ".style.setProperty('min-width', '700px', 'important')"
        )
        problems = layout_problems(page)
        assert any("so-customer-name" in p for p in problems["sideways"]), problems
        page.evaluate(
            "document.querySelector('.so-customer-save')"
            ".style.setProperty('min-height', '20px', 'important');"
            "document.querySelector('.so-customer-save')"
            ".style.setProperty('height', '20px', 'important')"
        )
        assert any("so-customer-save" in p for p in layout_problems(page)["short"])
    finally:
        close_page(page)


def test_the_template_has_one_viewport_tag_and_serves_the_stylesheet_and_script(server):
    status, _, html = server.get(f"/voila/render/index.ipynb?token={server.token}")
    try:
        assert status == 200
        assert re.findall(r"<meta name=\"viewport\"[^>]*>", html) == [
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
        ]
        v = caching.asset_versions()  # the URLs carry the files' hashes (test_caching.py)
        css = f"/voila/static/salesops.css?v={v['salesops.css']}"
        assert f'<link rel="stylesheet" href="{css}"' in html
        assert f'<script src="/voila/static/salesops.js?v={v["salesops.js"]}" defer>' in html
    finally:
        server.shutdown_kernel(kernel_id_of(html))
    status, headers, css = server.get("/voila/static/salesops.css")
    assert status == 200 and "text/css" in headers["Content-Type"]
    assert "@media (max-width: 600px)" in css and ".so-sticky" in css
    status, _, js = server.get("/voila/static/salesops.js")
    assert status == 200 and 'setAttribute("inputmode"' in js


def test_at_desk_width_the_layout_is_the_components_own(context, server):
    """Above the phone breakpoint the stylesheet changes nothing that matters: labels
    beside their inputs, an order's column titles above its lines and no phone captions,
    the total where the form puts it."""
    page = goto(context.new_page(), server.url("orders.ipynb"), ".so-order-save")
    try:
        settle(page)
        label = page.locator(".so-order-discount .widget-label").bounding_box()
        field = page.locator(".so-order-discount input").bounding_box()
        assert abs(label["y"] - field["y"]) < 8 and label["x"] + label["width"] <= field["x"] + 1
        expect(page.locator(".so-order-line-header")).to_be_visible()
        expect(page.locator(".so-order-line .so-caption").first).to_be_hidden()
        sku = page.locator(".so-order-line .so-order-line-sku").bounding_box()
        qty = page.locator(".so-order-line .so-order-line-qty").bounding_box()
        assert abs(sku["y"] - qty["y"]) < 8 and qty["x"] > sku["x"] + sku["width"] - 1
        sticky = page.locator(".so-order-totals")
        assert page.evaluate("e => getComputedStyle(e).position", sticky.element_handle()) != (
            "sticky"
        )
        shoot(page, "desk-orders")
    finally:
        close_page(page)


@pytest.mark.parametrize(
    ("name", "tab", "rows", "more"),
    [
        ("products.ipynb", None, ".so-products-list tbody tr", ".so-products-more"),
        ("shipping.ipynb", None, ".so-waiting-orders tbody tr", ".so-waiting-more"),
        ("agents.ipynb", 0, ".so-levels-prices tbody tr", ".so-levels-more"),
        ("agents.ipynb", 3, ".so-checks-table tbody tr", ".so-checks-more"),
    ],
)
def test_long_lists_show_twenty_rows_at_a_time_on_a_phone(phone, server, name, tab, rows, more):
    """The demo data's long lists (40-100 rows, a card each on a phone: metres of page)
    show 20 rows, and a button under them the next 20."""
    page = goto(phone.new_page(), server.url(name))
    try:
        settle(page)
        if tab is not None:
            page.locator(".widget-tab > .lm-TabBar .lm-TabBar-tab").nth(tab).tap()
            settle(page)
        expect(page.locator(rows)).to_have_count(20)
        button = page.locator(more)
        expect(button).to_be_visible()
        expect(button).to_contain_text("再显示 20 条")
        tall = page.evaluate("document.querySelector('#rendered_cells').scrollHeight")
        assert tall < 12_000, f"{name} is {tall} px tall on a phone"
        stem = f"phone-paged-{name.removesuffix('.ipynb')}" + (f"-tab{tab}" if tab else "")
        shoot(page, stem)
        button.tap()
        expect(page.locator(rows).nth(20)).to_be_attached()  # the next ones, up to 20
        assert 20 < page.locator(rows).count() <= 40
        assert_fits(page, f"{name} with more rows shown")
    finally:
        close_page(page)
