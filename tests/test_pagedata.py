"""Page data functions: search, customers, orders, follow-ups and today's numbers."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from salesops import queries
from salesops.actors import Actor
from salesops.errors import ConflictError, PermissionDenied
from salesops.schema import audit_log, customers
from salesops.web import pagedata
from salesops.web.pagedata import PageData, page_actor


@pytest.fixture
def data(db, basics, monkeypatch):
    monkeypatch.setenv("SALESOPS_USER", "wang.fang")
    monkeypatch.delenv("SALESOPS_ROLE", raising=False)
    return PageData(db)


def test_page_actor_is_the_kernel_user_with_the_least_role_by_default(monkeypatch):
    monkeypatch.setenv("SALESOPS_USER", "li.lei")
    monkeypatch.delenv("SALESOPS_ROLE", raising=False)
    assert page_actor() == Actor("li.lei", "staff")
    monkeypatch.setenv("SALESOPS_ROLE", "manager")
    assert page_actor() == Actor("li.lei", "manager")


def test_search_finds_by_name_mobile_in_any_format_wechat_and_code(data, basics):
    made = data.create_customer(
        {
            "name": "张伟",
            "mobile": "13800138000",
            "wechat_id": "TeaLover",
            "channel_id": basics["wechat_moments"],
        }
    )
    data.create_customer({"name": "李娜", "mobile": "13900139000"})
    for typed in ("张", "+86 138 0013", "tealover", made["code"].lower()):
        assert [r["name"] for r in data.search(typed)] == ["张伟"], typed
    assert data.search("   ") == []
    assert len(data.search("1", limit=1)) == 1


def test_create_acts_for_the_kernel_user_and_writes_an_audit_row(data, db):
    row = data.create_customer({"name": "张伟", "mobile": "+86 138 0013 8000"})
    assert row["created_by"] == "wang.fang" and row["mobile"] == "138****8000"  # staff: masked
    with db.read() as conn:
        who = conn.execute(
            sa.select(audit_log.c.actor).where(audit_log.c.row_id == row["id"])
        ).scalar()
    assert who == "wang.fang"


def test_the_role_is_asked_afresh_for_every_action(data, monkeypatch):
    monkeypatch.setenv("SALESOPS_ROLE", "nobody")
    with pytest.raises(PermissionDenied):
        data.create_customer({"name": "张伟"})
    monkeypatch.setenv("SALESOPS_ROLE", "staff")
    assert data.create_customer({"name": "张伟"})["name"] == "张伟"


def test_profile_and_stale_update(data, db, basics):
    row = data.create_customer({"name": "张伟", "channel_id": basics["micro_store"]})
    profile = data.customer(row["id"])
    assert profile["channel_name"] == "微店" and profile["version"] == 1
    data.update_customer(row["id"], {"region": "杭州"}, 1)
    with pytest.raises(ConflictError, match="wang.fang"):
        data.update_customer(row["id"], {"region": "上海"}, 1)
    assert data.customer(row["id"])["region"] == "杭州"
    assert data.customer(999_999) is None


def test_360_numbers_come_from_the_named_queries(data, basics):
    buyer = data.create_customer({"name": "张伟", "channel_id": basics["wechat_moments"]})
    friend = data.create_customer({"name": "李娜", "referrer_id": buyer["id"]})
    order = data.create_order(buyer["id"], [{"sku": "TEA-01", "quantity": 2}])
    assert order["order_no"].startswith("SO")
    data.create_order(friend["id"], [{"sku": "HONEY-02", "quantity": 1}], channel="micro_store")
    totals = data.customer_totals(buyer["id"])
    assert totals["orders"] == 1 and totals["revenue"] == Decimal("256.00")
    assert [o["order_no"] for o in data.customer_orders(buyer["id"])] == [order["order_no"]]
    referrals = data.customer_referrals(buyer["id"])
    assert [(r["name"], r["revenue"]) for r in referrals] == [("李娜", Decimal("68.50"))]


def test_the_360_view_reads_one_snapshot_while_an_order_is_saved(data, basics, monkeypatch):
    """An order saved between the profile query and the rest is in neither the order list
    nor the totals, so the two agree (PostgreSQL reads at REPEATABLE READ for this)."""
    buyer = data.create_customer({"name": "张伟", "channel_id": basics["wechat_moments"]})
    data.create_order(buyer["id"], [{"sku": "TEA-01", "quantity": 1}])
    fetch, saved = queries.fetch_all, []

    def fetch_then_save(target, name, **params):
        rows = fetch(target, name, **params)
        if name == "customer_profile" and not saved:
            saved.append(data.create_order(buyer["id"], [{"sku": "TEA-01", "quantity": 2}]))
        return rows

    monkeypatch.setattr(queries, "fetch_all", fetch_then_save)
    view = data.customer_360(buyer["id"])
    assert saved
    assert len(view["orders"]) == view["totals"]["orders"] == 1
    assert len(data.customer_360(buyer["id"])["orders"]) == 2


def test_status_changes_follow_the_allowed_transitions(data):
    buyer = data.create_customer({"name": "张伟"})
    order = data.create_order(
        buyer["id"], [{"sku": "TEA-01", "quantity": 1}], channel="micro_store"
    )
    assert data.allowed_next("new") == ("paid", "cancelled")
    paid = data.change_status(order["id"], "paid", order["version"])
    assert paid["status"] == "paid" and paid["updated_by"] == "wang.fang"
    assert [h["to_status"] for h in data.order(order["id"])["history"]] == ["new", "paid"]


def test_follow_ups_due_and_logged_for_the_acting_person(data):
    buyer = data.create_customer({"name": "张伟"})
    yesterday = datetime.now(UTC) - timedelta(days=1)
    plan = data.schedule_followup(buyer["id"], yesterday, kind="call", note="问回购")
    assert [f["id"] for f in data.followups_due()] == [plan["id"]]
    data.log_contact(buyer["id"], kind="call", outcome="下周再买", followup_id=plan["id"])
    assert data.followups_due() == []
    history = data.customer_followups(buyer["id"])
    assert history[0]["outcome"] == "下周再买" and history[0]["done_at"] is not None


def test_today_counts_todays_orders_revenue_and_due_follow_ups(data):
    buyer = data.create_customer({"name": "张伟"})
    assert data.today() == {"orders": 0, "revenue": Decimal("0.00"), "followups_due": 0}
    data.create_order(buyer["id"], [{"sku": "TEA-01", "quantity": 1}], channel="micro_store")
    data.create_order(
        buyer["id"],
        [{"sku": "TEA-01", "quantity": 1}],
        channel="micro_store",
        ordered_at=datetime.now(UTC) - timedelta(days=3),
    )
    data.schedule_followup(buyer["id"], datetime.now(UTC) - timedelta(hours=1))
    assert data.today() == {"orders": 1, "revenue": Decimal("128.00"), "followups_due": 1}


def test_channels_and_products_lists(data):
    assert [c["code"] for c in data.channels()] == ["wechat_moments", "micro_store"]
    assert [p["sku"] for p in data.products()] == ["GIFT-03", "HONEY-02", "TEA-01"]
    assert data.products()[1]["price"] == Decimal("68.50")


def test_from_env_uses_the_kernels_database(monkeypatch, db_url):
    monkeypatch.setenv("SALESOPS_DB_URL", db_url)
    assert PageData.from_env().db.url == db_url


def test_business_day_is_counted_in_the_business_zone(monkeypatch):
    monkeypatch.setenv("SALESOPS_TZ", "Asia/Shanghai")
    start, end = pagedata.business_day(datetime(2026, 11, 25).date())
    assert start == datetime(2026, 11, 24, 16, 0, tzinfo=UTC) and end - start == timedelta(1)


def test_nothing_is_written_when_the_input_is_bad(data, db):
    from salesops.errors import ValidationError

    with pytest.raises(ValidationError):
        data.create_customer({"name": "张伟", "mobile": "12345"})
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(customers)).scalar() == 0
