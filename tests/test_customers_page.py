"""The customers and landing pages in a real browser against a live `salesops serve`."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from browser import close_page, goto
from browser import screenshot as _screenshot

from salesops.db import Database
from salesops.schema import customers

pytestmark = pytest.mark.browser

SEARCH = ".so-customers-search input"


@pytest.fixture(scope="module")
def db(live_server):
    handle = Database(live_server.db_url)
    yield handle
    handle.dispose()


def screenshot(page, name: str):
    """A screenshot of the whole page (Voila scrolls inside the body, so grow the viewport)."""
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": max(900, min(height + 40, 3000))})
    return _screenshot(page, name)


def customer_rows(db, **where) -> list[dict]:
    query = sa.select(customers).where(*(customers.c[k] == v for k, v in where.items()))
    with db.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def fill_form(page, **values):
    """Type into the customer form's inputs (by their so-customer-<field> hooks)."""
    for field, value in values.items():
        page.locator(f".so-customer-{field} input, .so-customer-{field} textarea").first.fill(value)


def save_and_wait(page, kind: str):
    """Click save and wait for a success or error message; returns its text."""
    page.locator(".so-customer-save").click()
    message = page.locator(f".so-customer-message.so-message-{kind}")
    message.wait_for(state="visible")
    return message.inner_text()


def test_search_create_and_see_a_customer(open_page, db):
    page = open_page("customers.ipynb", SEARCH)
    fill_form(
        page,
        name="浏览器张伟",
        mobile="+86 137-0013-7000",
        wechat="BrowserZhang",
        region="杭州",
        tags="VIP",
    )
    page.locator(".so-customer-channel select").select_option(index=0)
    text = save_and_wait(page, "success")
    [row] = customer_rows(db, mobile="13700137000")
    assert row["name"] == "浏览器张伟" and row["created_by"] == "tester"
    assert row["code"] in text
    page.locator(".so-c360-profile").get_by_text("BrowserZhang").wait_for()
    page.locator(SEARCH).fill("137 0013")
    page.locator(".so-customers-search-results option").first.wait_for(state="attached")
    assert "浏览器张伟" in page.locator(".so-customers-search-results").inner_text()
    screenshot(page, "customers-created")


def test_a_bad_mobile_shows_an_error_next_to_the_field_and_writes_nothing(open_page, db):
    page = open_page("customers.ipynb", SEARCH)
    before = len(customer_rows(db))
    fill_form(page, name="坏号码", mobile="12345", notes="留着")
    save_and_wait(page, "error")
    error = page.locator(".so-customer-mobile-error")
    assert "12345" in error.inner_text()
    assert page.locator(".so-customer-mobile input").input_value() == "12345"
    assert page.locator(".so-customer-notes textarea").input_value() == "留着"
    assert len(customer_rows(db)) == before
    assert "Traceback" not in page.locator("body").inner_text()
    screenshot(page, "customers-bad-mobile")


def test_a_duplicate_mobile_names_the_existing_customer(open_page, db):
    page = open_page("customers.ipynb", SEARCH)
    fill_form(page, name="先来的", mobile="13600136000")
    save_and_wait(page, "success")
    [first] = customer_rows(db, mobile="13600136000")
    page.locator(".so-customer-new").click()
    page.locator(".so-customer-name input").fill("后到的")
    page.wait_for_function("document.querySelector('.so-customer-mobile input').value === ''")
    fill_form(page, mobile="136 0013 6000")
    save_and_wait(page, "error")
    error = page.locator(".so-customer-mobile-error").inner_text()
    assert first["code"] in error and "先来的" in error
    assert len(customer_rows(db, mobile="13600136000")) == 1
    screenshot(page, "customers-duplicate")


def open_customer(page, mobile: str):
    """Search by mobile and pick the first result into the form."""
    page.locator(SEARCH).fill(mobile)
    results = page.locator(".so-customers-search-results select")
    page.locator(".so-customers-search-results option").first.wait_for(state="attached")
    results.select_option(index=0)
    page.wait_for_function("document.querySelector('.so-customer-name input').value !== ''")


def test_two_people_editing_one_customer_the_second_sees_the_conflict(browser, live_server, db):
    from browser import offline_context

    first = goto(offline_context(browser).new_page(), live_server.url("customers.ipynb"), SEARCH)
    fill_form(first, name="冲突测试", mobile="13500135000")
    save_and_wait(first, "success")
    second = goto(offline_context(browser).new_page(), live_server.url("customers.ipynb"), SEARCH)
    open_customer(second, "13500135000")
    fill_form(first, region="上海")
    save_and_wait(first, "success")
    fill_form(second, region="北京")
    text = save_and_wait(second, "error")
    assert "tester" in text
    [row] = customer_rows(db, mobile="13500135000")
    assert row["region"] == "上海" and row["version"] == 2
    reload = second.locator(".so-customer-reload")
    reload.wait_for(state="visible")
    screenshot(second, "customers-conflict")
    reload.click()
    second.wait_for_function("document.querySelector('.so-customer-region input').value === '上海'")
    for page in (first, second):
        context = page.context
        close_page(page)
        context.close()


def test_the_landing_page_shows_todays_numbers_and_opens_the_apps_as_tabs(open_page):
    page = open_page("index.ipynb", ".so-landing-orders")
    assert "¥" in page.locator(".so-landing-revenue").inner_text()
    screenshot(page, "index")
    page.locator(".so-landing-tabs > .lm-TabBar .lm-TabBar-tab", has_text="客户").click()
    page.locator(SEARCH).wait_for(state="visible")
    screenshot(page, "index-customers-tab")
    page.locator(".so-landing-tabs > .lm-TabBar .lm-TabBar-tab", has_text="订单").click()
    page.locator(".so-order-save").wait_for(state="visible")
    page.locator(".so-landing-tabs > .lm-TabBar .lm-TabBar-tab", has_text="跟进").click()
    page.locator(".so-followup-save").wait_for(state="visible")
    assert "Traceback" not in page.content()
