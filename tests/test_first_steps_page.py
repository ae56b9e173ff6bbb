"""The first steps on the landing page in a real browser, from an empty database: an admin
sees them (on a phone they fit the screen), opens the Products tab from its step, adds a
product there, and the step is gone when they come back; once every step is done the box
is gone. Screenshots at desk and phone size in test-artifacts."""

from __future__ import annotations

import pytest
from browser import LiveServer, apps_copy, close_page, goto, offline_context
from phone import assert_fits, phone_context, settle, shoot
from playwright.sync_api import expect

from salesops import accounts, channels, customers
from salesops.actors import Actor
from salesops.db import Database

pytestmark = pytest.mark.browser
BOSS = Actor("boss", "admin")
STEPS = ("products", "channels", "staff", "data")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server over a database made by `salesops init` alone, everyone an admin."""
    root = tmp_path_factory.mktemp("first-steps")
    live = LiveServer(root, apps_copy(root), voila_args=("--role", "admin")).start()
    yield live
    live.stop()


def test_the_first_steps_fit_a_phone(browser, server):
    context = phone_context(browser)
    page = goto(context.new_page(), server.url("index.ipynb"), ".so-steps")
    try:
        settle(page)
        for key in STEPS:
            expect(page.locator(f".so-steps-{key}")).to_be_visible()
        shoot(page, "first-steps-phone")
        assert_fits(page, "the landing page's first steps")
    finally:
        close_page(page)
        context.close()


def test_an_admin_works_through_the_first_steps_until_they_are_gone(browser, server):
    context = offline_context(browser)
    page = goto(context.new_page(), server.url("index.ipynb"), ".so-steps")
    try:
        expect(page.locator(".so-steps-title")).to_contain_text("0 / 4")
        shoot(page, "first-steps-desk")
        expect(page.locator(".so-steps-channels-go a")).to_have_attribute("href", "settings.ipynb")
        page.click(".so-steps-products-go")  # the Products tab opens
        page.locator(".so-product-sku input").fill("BERRY-1")
        page.locator(".so-product-name input").fill("奶油草莓 500g")
        page.locator(".so-product-price input").fill("39")
        page.locator(".so-product-unit_cost input").fill("21.50")
        page.click(".so-product-save")
        expect(page.locator(".so-product-message.so-message-success")).to_contain_text("BERRY-1")
        page.locator(".so-landing-tabs .lm-TabBar-tab").first.click()  # back to Today
        expect(page.locator(".so-steps-products")).to_have_count(0)
        expect(page.locator(".so-steps-title")).to_contain_text("1 / 4")
        expect(page.locator(".so-steps-channels")).to_be_visible()

        db = Database(server.db_url)  # the rest done elsewhere: the CLI, another page
        channels.add_channel(db, "朋友圈", actor=BOSS)
        accounts.add_user(db, "wang.fang", "staff", actor=BOSS)
        customers.create_customer(db, {"name": "张伟"}, BOSS)
        db.dispose()
        page.click(".so-landing-refresh")
        expect(page.locator(".so-steps")).to_be_hidden()
        shoot(page, "first-steps-done-desk")
    finally:
        close_page(page)
        context.close()
