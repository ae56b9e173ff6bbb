"""The orders and follow-ups pages in a real browser, against a live `salesops serve`."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from browser import LiveServer, apps_copy, screenshot
from playwright.sync_api import expect

from salesops import customers, followups
from salesops.actors import Actor
from salesops.config import business_zone
from salesops.couriers import find_courier
from salesops.db import connect
from salesops.messages import money
from salesops.schema import followups as followups_table
from salesops.schema import order_lines, order_status_history, orders, products
from widgets.followup_panel import kind_label
from widgets.order_status import status_label

pytestmark = pytest.mark.browser
TESTER = Actor("tester", "staff")  # the server acts for `--as tester --role staff`


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of its own over a small demo shop (reference data and eight customers)."""
    root = tmp_path_factory.mktemp("orders-pages")
    server = LiveServer(root, apps_copy(root), voila_args=("--role", "staff"))
    subprocess.run(
        [sys.executable, "-m", "salesops", "--db", server.db_url, "init"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "salesops",
            "--db",
            server.db_url,
            "demo",
            "--customers",
            "8",
            "--orders",
            "0",
        ],
        check=True,
        capture_output=True,
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def db(server):
    database = connect(server.db_url)
    yield database
    database.dispose()


def pick_customer(page, form: str, text: str) -> None:
    """Type into a form's customer search and click the first result."""
    page.locator(f".so-{form}-customer-search input").fill(text)
    results = page.locator(f".so-{form}-customer-search-results select")
    expect(results.locator("option")).not_to_have_count(0)
    results.select_option(index=0)


def test_an_order_with_two_lines_is_saved_then_paid_then_shipped(page_of, db):
    with db.read() as conn:
        c = customers.customers.c
        retail = sa.select(customers.customers).where(~c.is_agent, c.mobile.isnot(None))
        # a retail buyer: an agent's lines would default to their level's prices (issue 19)
        buyer = conn.execute(retail.order_by(c.id)).mappings().first()
        first, second = conn.execute(
            sa.select(products.c.sku, products.c.name, products.c.price)
            .where(products.c.active)
            .order_by(products.c.sku)
            .limit(2)
        ).all()
    expected = first.price * 2 + second.price + Decimal("10.00")
    page = page_of("orders.ipynb", ".so-order-save")
    pick_customer(page, "order", buyer["mobile"])
    lines = page.locator(".so-order-line")
    lines.nth(0).locator(".so-order-line-sku select").select_option(
        label=f"{first.sku} {first.name}"
    )
    expect(lines.nth(0).locator(".so-order-line-price input")).to_have_value(f"{first.price:.2f}")
    lines.nth(0).locator(".so-order-line-qty input").fill("2")
    page.locator(".so-order-add-line").click()
    expect(lines).to_have_count(2)
    lines.nth(1).locator(".so-order-line-sku select").select_option(
        label=f"{second.sku} {second.name}"
    )
    page.locator(".so-order-shipping input").fill("10")
    expect(page.locator(".so-order-total")).to_have_text(money(expected))
    screenshot(page, "orders-new-order")

    page.locator(".so-order-save").click()
    message = page.locator(".so-order-message")
    expect(message).to_contain_text("SO")
    with db.read() as conn:
        order = conn.execute(sa.select(orders).order_by(orders.c.id.desc())).mappings().first()
        skus = conn.execute(
            sa.select(order_lines.c.sku, order_lines.c.quantity)
            .where(order_lines.c.order_id == order["id"])
            .order_by(order_lines.c.line_no)
        ).all()
    assert order["total"] == expected and order["customer_id"] == buyer["id"]
    assert order["created_by"] == "tester"
    assert [tuple(r) for r in skus] == [(first.sku, 2), (second.sku, 1)]
    expect(message).to_contain_text(order["order_no"])
    expect(message).to_contain_text(money(expected))

    status = page.locator(".so-status-order")  # the saved order opens in the status form
    expect(status).to_contain_text(order["order_no"])
    page.locator(".so-status-to-paid").click()
    expect(page.locator(".so-status-current")).to_contain_text(status_label("paid"))
    expect(page.locator(".so-status-to-paid")).to_be_hidden()
    expect(page.locator(".so-status-to-cancelled")).to_be_hidden()  # staff: no cancel
    zto = find_courier("zto").name  # shipping needs a courier and its number
    page.locator(".so-status-courier select").select_option(label=zto)
    page.locator(".so-status-tracking_no input").fill("7812 3456 7890 12")
    page.locator(".so-status-to-shipped").click()
    expect(page.locator(".so-status-current")).to_contain_text(status_label("shipped"))
    expect(page.locator(".so-status-tracking")).to_have_text("78123456789012")
    expect(page.locator(".so-status-shipment")).to_contain_text(zto)
    screenshot(page, "orders-shipped")
    with db.read() as conn:
        moves = conn.execute(
            sa.select(order_status_history.c.to_status, order_status_history.c.changed_by)
            .where(order_status_history.c.order_id == order["id"])
            .order_by(order_status_history.c.id)
        ).all()
    assert [tuple(m) for m in moves] == [
        ("new", "tester"),
        ("paid", "tester"),
        ("shipped", "tester"),
    ]
    assert "Traceback" not in page.locator("body").inner_text()


def test_a_bad_order_shows_its_problems_and_writes_nothing(page_of, db):
    with db.read() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(orders)).scalar()
    page = page_of("orders.ipynb", ".so-order-save")
    page.locator(".so-order-line-qty input").fill("zero")
    page.locator(".so-order-save").click()
    expect(page.locator(".so-order-message")).to_be_visible()
    expect(page.locator(".so-order-customer-error")).not_to_be_empty()
    expect(page.locator(".so-order-line-qty-error")).not_to_be_empty()
    expect(page.locator(".so-order-line-qty input")).to_have_value("zero")
    screenshot(page, "orders-errors")
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orders)).scalar() == before


def test_logging_a_follow_up_plans_the_next_one(page_of, db):
    with db.read() as conn:
        buyer = (
            conn.execute(sa.select(customers.customers).order_by(customers.customers.c.id.desc()))
            .mappings()
            .first()
        )
    plan = followups.schedule(
        db,
        buyer["id"],
        datetime.now(UTC) - timedelta(days=1),
        kind="call",
        note="问问用得怎么样",
        actor=TESTER,
    )
    page = page_of("followups.ipynb", ".so-followup-save")
    due = page.locator(".so-followup-due select")
    expect(due.locator("option")).to_have_count(1)
    expect(due).to_contain_text("问问用得怎么样")
    due.select_option(index=0)
    expect(page.locator(".so-followup-customer")).to_contain_text(buyer["name"])
    page.locator(".so-followup-note textarea").fill("很满意，想再买一盒")
    next_day = datetime.now(business_zone()).date() + timedelta(days=3)
    page.locator(".so-followup-next-date input").fill(next_day.isoformat())
    page.locator(".so-followup-next-kind select").select_option(label=kind_label("visit"))
    page.locator(".so-followup-save").click()
    expect(page.locator(".so-followup-message")).to_contain_text(next_day.isoformat())
    expect(page.locator(".so-followup-history")).to_contain_text("很满意，想再买一盒")
    expect(page.locator(".so-followup-history")).to_contain_text(next_day.isoformat())
    expect(due.locator("option")).to_have_count(0)
    screenshot(page, "followups-logged")
    with db.read() as conn:
        rows = (
            conn.execute(
                sa.select(followups_table)
                .where(
                    followups_table.c.customer_id == buyer["id"],
                    followups_table.c.staff == "tester",
                )
                .order_by(followups_table.c.id)
            )
            .mappings()
            .all()
        )
    assert rows[0]["id"] == plan["id"] and rows[0]["done_at"] is not None
    assert rows[0]["outcome"] == "很满意，想再买一盒"
    assert rows[1]["done_at"] is None and rows[1]["kind"] == "visit"
    assert rows[1]["due_at"].astimezone(business_zone()).date() == next_day
