"""The daily work queue (salesops.worklist, widgets/work_queue.py) from an empty database on
SQLite and PostgreSQL: orders to ship oldest first, follow-ups due with the overdue ones
marked (staff see their own), low stock, and customers worth contacting kept per day
(computed once, read back after); `salesops worklist refresh`; on the demo data the
contacts are repeat buyers of high value whose P(alive) fell."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from salesops import customers, followups, orders, stock, worklist
from salesops.actors import Actor
from salesops.cli import main
from salesops.schema import customers as customers_table
from salesops.schema import now_utc, products, worklist_cache
from salesops.web.pagedata import PageData
from widgets.landing import Landing
from widgets.work_queue import WorkQueue

BOSS = Actor("boss", "manager")
WANG = Actor("wang.fang", "staff")
LI = Actor("li.lei", "staff")


@pytest.fixture
def shop(db, basics):
    """Two paid orders (the older first), one new; TEA-01 low; follow-ups for two people."""
    buyer = customers.create_customer(
        db, {"name": "张伟", "channel_id": basics["wechat_moments"]}, WANG
    )
    stock.set_stock(db, basics["TEA-01"], 3, "count", BOSS)
    with db.write() as conn:
        conn.execute(sa.update(products).values(reorder_level=2))
    now = now_utc()
    made = [
        orders.create_order(
            db,
            buyer["id"],
            [{"sku": "HONEY-02", "quantity": 1}],
            ordered_at=now - timedelta(days=d),
            status=s,
            actor=WANG,
        )
        for d, s in ((1, "paid"), (3, "paid"), (0, "new"))
    ]
    orders.create_order(db, buyer["id"], [{"sku": "TEA-01", "quantity": 2}], status="paid")
    for due, note, who in ((-2880, "overdue", WANG), (1, "later", WANG), (-1440, "li's", LI)):
        when = now + timedelta(minutes=due)
        followups.schedule(db, buyer["id"], when, kind="call", note=note, actor=who)
    return {"buyer": buyer, "orders": made}


def test_the_queue_lists_todays_work_in_order(db, shop):
    work = worklist.worklist(db, WANG)
    ship = [r["order_no"] for r in work["to_ship"]["rows"]]
    assert work["to_ship"]["count"] == 3
    assert ship[:2] == [shop["orders"][1]["order_no"], shop["orders"][0]["order_no"]]
    assert [f["note"] for f in work["followups"]["rows"]] == ["overdue", "later"]
    assert work["followups"]["overdue"] == 1
    assert all(f["staff"] == "wang.fang" for f in work["followups"]["rows"])
    assert [r["sku"] for r in work["low_stock"]["rows"]] == ["TEA-01"]
    assert work["contacts"] == {"count": 0, "rows": []}  # too few repeat buyers for a model
    boss = worklist.worklist(db, BOSS)
    assert boss["followups"]["count"] == work["followups"]["count"] + 1


def test_contacts_are_kept_per_day_and_read_back(db, shop, monkeypatch):
    calls = []
    monkeypatch.setattr(worklist, "worth_contacting", lambda db, day: calls.append(day) or [])
    worklist.worklist(db, WANG)
    worklist.worklist(db, WANG)
    assert calls == [worklist.business_today()]
    worklist.refresh(db)
    assert len(calls) == 2
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(worklist_cache)).scalar() == 1


def test_worklist_refresh_command(db, db_url, shop):
    out = CliRunner().invoke(main, ["--db", db_url, "worklist", "refresh", "--day", "2026-12-01"])
    assert out.exit_code == 0 and "2026-12-01: 0 customers" in out.output
    out = CliRunner().invoke(main, ["--db", db_url, "worklist", "show"])
    assert out.exit_code == 0 and "to ship 3" in out.output and "low stock 1" in out.output
    bad = CliRunner().invoke(main, ["--db", db_url, "worklist", "refresh", "--day", "monday"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output


def test_the_landing_page_shows_the_counts_and_a_click_shows_a_list(db, shop):
    data = PageData(db, actor=lambda: WANG)
    landing = Landing.for_page(data)
    queue = landing.work
    assert "3" in queue.buttons["to_ship"].description
    assert "1" in queue.buttons["low_stock"].description
    assert queue.list.value == ""
    queue.buttons["to_ship"].click()
    assert shop["orders"][1]["order_no"] in queue.list.value
    assert shop["orders"][2]["order_no"] not in queue.list.value  # not paid
    queue.buttons["low_stock"].click()
    assert "TEA-01" in queue.list.value
    queue.buttons["low_stock"].click()
    assert queue.list.value == ""


def test_a_failing_queue_shows_a_message_not_a_traceback():
    def broken():
        raise RuntimeError("boom")

    queue = WorkQueue(broken)
    queue.refresh()
    assert queue.message.kind == "error" and "boom" not in queue.message.value


@pytest.mark.slow
def test_on_the_demo_data_the_contacts_are_valuable_repeat_buyers_slipping_away(demo_db):
    day = date(2026, 11, 22)
    rows = worklist.worth_contacting(demo_db, day)
    assert 0 < len(rows) <= worklist.CONTACTS
    assert all(r["p_alive"] < r["p_alive_before"] for r in rows)
    from salesops import analysis

    spend = analysis.purchase_days(demo_db, None, day).groupby("customer_code")["revenue"].sum()
    summary = analysis.repeat_summary(demo_db, day)
    high = spend[summary.index[summary["frequency"] > 0]].quantile(0.75)
    assert all(float(r["past_value"]) >= high - 0.01 for r in rows)
    # most at risk first: (1 - P(alive)) x past value, P(alive) rounded to 3 places in the rows
    risk = [((1 - r["p_alive"]) * float(r["past_value"]), float(r["past_value"])) for r in rows]
    pairs = zip(risk[:-1], risk[1:], strict=True)
    assert all(a >= b - 0.0005 * (va + vb) for (a, va), (b, vb) in pairs), risk


def test_the_cache_keeps_scores_only_and_names_are_read_when_shown(db, shop, monkeypatch):
    code = shop["buyer"]["code"]
    row = {"code": code, "p_alive": 0.2, "p_alive_before": 0.6, "past_value": "900.00",
           "last_day": "2026-10-01"}  # fmt: skip
    monkeypatch.setattr(worklist, "worth_contacting", lambda db, day: [row])
    shown = worklist.contacts(db)["rows"]
    assert shown == [{**row, "customer_id": shop["buyer"]["id"], "name": "张伟", "mobile": ""}]
    with db.read() as conn:
        assert "张伟" not in conn.execute(sa.select(worklist_cache.c.payload)).scalar()
    with db.write() as conn:
        conn.execute(sa.update(customers_table).values(deleted_at=now_utc()))
    assert worklist.contacts(db)["rows"] == []  # a customer gone is not shown
