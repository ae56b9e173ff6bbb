"""Minimum exposure (PIPL) in a real browser, from an EMPTY database (`salesops init`,
accounts only): a staff member creates a customer, finds them by mobile and sees
138****8000 in the search result and the 360 view, presses "显示" and sees the whole number
(a tel: link); at phone size too, where the page still fits. A manager finds the look in
the change log under "看了手机号" and sees numbers in full without pressing anything.
The same where staff contact customers from a list (the landing page's work queue, a
community's members): the customer chosen under the list, "显示", a tel: link in the row.
Screenshots at desk and 390 px."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from browser import apps_copy
from phone import assert_fits, phone_context, settle
from playwright.sync_api import expect
from test_shop_pages import ACCOUNTS, DESK, PHONE, ShopServer, finish, shoot, signed_in

from salesops import followups
from salesops.actors import Actor
from salesops.db import Database
from salesops.schema import audit_log, customers

pytestmark = pytest.mark.browser
MOBILE, MASKED = "13800138000", "138****8000"
SEARCH = ".so-customers-search"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """An accounts-mode server over an empty shop, for this module."""
    root = tmp_path_factory.mktemp("masking-pages")
    live = ShopServer(root, apps_copy(root)).start()
    yield live
    live.stop()


def find(page, text: str):
    """Search customers for `text` and choose the first result; the result list."""
    page.locator(f"{SEARCH} input").fill(text)
    results = page.locator(f"{SEARCH}-results select")
    expect(results.locator("option")).not_to_have_count(0)
    results.select_option(index=0)
    return results


def staff_on_phone(browser, server):
    """The customers page at phone size (390 x 844, touch), signed in as the staff member."""
    page = phone_context(browser).new_page()
    page.goto(server.url("customers.ipynb", token=False), wait_until="commit")
    page.fill(".so-login-username", "wang.fang")
    page.fill(".so-login-password", ACCOUNTS["wang.fang"][1])
    page.click(".so-login-submit")
    page.locator(f"{SEARCH} input").wait_for(state="visible")
    return page


def shown_mobiles(db) -> list[tuple[str, int]]:
    """(who, customer id) of every shown-mobile row in the change log."""
    with db.read() as conn:
        rows = conn.execute(
            sa.select(audit_log.c.actor, audit_log.c.row_id).where(
                audit_log.c.action == "show_mobile"
            )
        )
        return [tuple(r) for r in rows]


def test_staff_see_a_masked_mobile_show_it_once_and_the_manager_sees_who(browser, server):
    db = Database(server.db_url)
    page = signed_in(browser, server, "wang.fang", "customers.ipynb", f"{SEARCH} input")
    page.locator(".so-customer-name input").fill("张伟")
    page.locator(".so-customer-mobile input").fill("138 0013 8000")
    page.click(".so-customer-save")
    expect(page.locator(".so-customer-message")).to_contain_text("C000001")
    mobile_box = page.locator(".so-customer-mobile input")
    expect(mobile_box).to_have_value("")  # the stored number never sits in the form
    expect(mobile_box).to_have_attribute("placeholder", MASKED)

    results = find(page, MOBILE)  # found by the whole number, shown masked
    expect(results).to_contain_text(MASKED)
    expect(results).not_to_contain_text(MOBILE)
    profile = page.locator(".so-c360-profile")
    expect(profile).to_contain_text(MASKED)
    expect(profile).not_to_contain_text(MOBILE)
    expect(page.locator(f"{SEARCH}-show-mobile")).to_be_visible()
    expect(page.locator(".so-c360-show-mobile")).to_be_visible()
    assert shown_mobiles(db) == []
    shoot(page, "masking-staff-masked-desk", DESK)

    page.click(".so-c360-show-mobile")
    expect(profile.locator(f"a[href='tel:{MOBILE}']")).to_have_text(MOBILE)
    expect(page.locator(".so-c360-show-mobile")).to_be_hidden()
    shoot(page, "masking-staff-shown-desk", DESK)
    page.locator(".so-customer-region input").fill("杭州")  # an edit keeps the number
    page.click(".so-customer-save")
    expect(page.locator(".so-customer-message")).to_contain_text("已保存")
    expect(profile).to_contain_text("杭州")
    expect(profile.locator(f"a[href='tel:{MOBILE}']")).to_have_text(MOBILE)  # still shown
    finish(page)
    assert shown_mobiles(db) == [("wang.fang", 1)]
    with db.read() as conn:
        stored = conn.execute(sa.select(customers.c.mobile, customers.c.region)).one()
    assert tuple(stored) == (MOBILE, "杭州")

    page = staff_on_phone(browser, server)
    results = find(page, "0013800")  # a part of the number finds them too
    expect(results).to_contain_text(MASKED)
    expect(page.locator(".so-c360-profile")).to_contain_text(MASKED)
    expect(page.locator(f"{SEARCH}-show-mobile")).to_be_visible()
    settle(page)
    assert_fits(page, "customers page, a masked mobile and its show button")
    shoot(page, "masking-staff-masked-phone", PHONE)
    page.locator(f"{SEARCH}-show-mobile").click()
    expect(page.locator(".so-picker-status a[href^='tel:']").first).to_have_text(MOBILE)
    expect(page.locator(f".so-c360-profile a[href='tel:{MOBILE}']")).to_have_text(MOBILE)
    settle(page)
    assert_fits(page, "customers page, the mobile shown")
    shoot(page, "masking-staff-shown-phone", PHONE)
    finish(page)
    assert shown_mobiles(db) == [("wang.fang", 1), ("wang.fang", 1)]

    # the follow-ups page, where a staff member calls: masked until shown, on a phone
    staff = Actor("wang.fang", "staff")
    followups.schedule(db, 1, datetime.now(UTC) - timedelta(hours=1), kind="call", actor=staff)
    page = phone_context(browser).new_page()
    page.goto(server.url("followups.ipynb", token=False), wait_until="commit")
    page.fill(".so-login-username", "wang.fang")
    page.fill(".so-login-password", ACCOUNTS["wang.fang"][1])
    page.click(".so-login-submit")
    due = page.locator(".so-followup-due select")
    expect(due.locator("option")).to_have_count(1)
    due.select_option(index=0)
    chosen = page.locator(".so-followup-customer")
    expect(chosen).to_contain_text(MASKED)
    settle(page)
    assert_fits(page, "follow-ups page, a masked mobile and its show button")
    page.locator(".so-followup-show-mobile").click()
    expect(chosen.locator(f"a[href='tel:{MOBILE}']")).to_have_text(MOBILE)
    shoot(page, "masking-followup-shown-phone", PHONE)
    finish(page)
    assert len(shown_mobiles(db)) == 3

    page = signed_in(browser, server, "li.lei", "audit.ipynb", ".so-audit-kind select")
    page.locator(".so-audit-kind select").select_option(label="客户：看了手机号")
    rows = page.locator(".so-audit-changes .so-changes-row")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("wang.fang")
    expect(rows.first).to_contain_text("C000001 张伟")
    expect(rows.first).to_contain_text("看了手机号")
    shoot(page, "masking-change-log-desk", DESK)
    shoot(page, "masking-change-log-phone", PHONE)
    finish(page)

    page = signed_in(browser, server, "li.lei", "customers.ipynb", f"{SEARCH} input")
    results = find(page, "张伟")
    expect(results).to_contain_text(MOBILE)  # managers: in full, nothing to press
    expect(page.locator(".so-c360-profile a[href='tel:13800138000']")).to_have_text(MOBILE)
    expect(page.locator(".so-customer-mobile input")).to_have_value(MOBILE)
    expect(page.locator(".so-c360-show-mobile")).to_be_hidden()
    shoot(page, "masking-manager-desk", DESK)
    finish(page)
    assert len(shown_mobiles(db)) == 3  # a manager's look is no "show"
    db.dispose()


def on_phone(browser, server, name: str, page_name: str, ready: str):
    """`page_name` at phone size (390 x 844, touch), signed in as `name`, once `ready` shows."""
    page = phone_context(browser).new_page()
    page.goto(server.url(page_name, token=False), wait_until="commit")
    page.fill(".so-login-username", name)
    page.fill(".so-login-password", ACCOUNTS[name][1])
    page.click(".so-login-submit")
    page.locator(ready).wait_for(state="visible")
    return page


def show_in_list(page, form: str, listing: str, who: str, masked: str, number: str, shots: str):
    """In a list of `form` (the work queue, a community's members): `who`'s mobile masked,
    chosen under the list and shown: then a tel: link in the row and beside the button.
    At phone size every control fits (and is tall enough to tap). Screenshots `shots`-*."""
    rows = page.locator(listing)
    expect(rows).to_contain_text(masked)
    expect(rows).not_to_contain_text(number)
    page.locator(f".so-{form}-reveal-pick select").select_option(label=f"{who} {masked}")
    expect(page.locator(f".so-{form}-show-mobile")).to_be_visible()
    phone = page.viewport_size["width"] == PHONE["width"]
    settle(page)
    if phone:
        assert_fits(page, f"{shots}: a masked mobile and its show button")
    shoot(page, f"{shots}-masked", page.viewport_size)
    page.locator(f".so-{form}-show-mobile").click()
    expect(rows.locator(f"a[href='tel:{number}']")).to_have_text(number)
    expect(page.locator(f".so-{form}-shown-mobile a[href='tel:{number}']")).to_have_text(number)
    expect(page.locator(f".so-{form}-show-mobile")).to_be_hidden()
    settle(page)
    if phone:
        assert_fits(page, f"{shots}: the mobile shown")
    shoot(page, f"{shots}-shown", page.viewport_size)
    finish(page)


def test_staff_show_a_mobile_from_the_work_queue_and_a_communitys_members(browser, server):
    """Where staff contact customers from a list: the landing page's work queue (follow-ups
    due) and a community's members, each at desk and phone size; each "show" is one access
    row; the manager sees the number in full with nothing to choose."""
    from salesops import communities, customers

    db, staff = Database(server.db_url), Actor("wang.fang", "staff")
    number, masked = "13912345678", "139****5678"
    buyer = customers.create_customer(db, {"name": "李娜", "mobile": number}, actor=staff)
    due = datetime.now(UTC) - timedelta(hours=2)
    followups.schedule(db, buyer["id"], due, kind="call", note="问问草莓", actor=staff)
    group = communities.create_community(db, {"name": "宝妈群"}, actor=Actor("li.lei", "manager"))
    communities.add_member(db, group["id"], buyer["id"], actor=staff)
    before = len(shown_mobiles(db))

    def work_queue(page):
        page.click(".so-work-followups")
        return page

    for size, opening in (("desk", signed_in), ("phone", on_phone)):
        page = work_queue(
            opening(browser, server, "wang.fang", "index.ipynb", ".so-work-followups")
        )
        shots = f"masking-work-queue-{size}"
        show_in_list(page, "work", ".so-work-list", "李娜", masked, number, shots)
    assert shown_mobiles(db)[before:] == [("wang.fang", buyer["id"])] * 2

    ready = ".so-communities-pick select"
    for size, opening in (("desk", signed_in), ("phone", on_phone)):
        page = opening(browser, server, "wang.fang", "communities.ipynb", ready)
        page.locator(ready).select_option(label="宝妈群")
        members = ".so-communities-members"
        shots = f"masking-community-members-{size}"
        show_in_list(page, "communities", members, "李娜", masked, number, shots)
    assert shown_mobiles(db)[before:] == [("wang.fang", buyer["id"])] * 4

    page = work_queue(signed_in(browser, server, "li.lei", "index.ipynb", ".so-work-followups"))
    rows = page.locator(".so-work-list")
    expect(rows.locator(f"a[href='tel:{number}']")).to_have_text(number)  # in full
    expect(page.locator(".so-work-reveal-pick")).to_be_hidden()
    shoot(page, "masking-work-queue-manager-desk", DESK)
    finish(page)
    assert len(shown_mobiles(db)) == before + 4  # a manager's look is no "show"
    db.dispose()
