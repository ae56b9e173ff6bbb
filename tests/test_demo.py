"""Demo data: deterministic on both databases, idempotent, and shaped like a real business."""

import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from salesops import demo, queries
from salesops import schema as s
from salesops.cli import main
from salesops.db import Database
from salesops.demo.generator import STREAMED

SMALL = dict(customers=120, orders=600, anchor=demo.REFERENCE_ANCHOR)
TRANSITIONS = {
    (None, "new"),
    ("new", "paid"),
    ("paid", "shipped"),
    ("shipped", "completed"),
    ("new", "cancelled"),
    ("paid", "cancelled"),
    ("paid", "refunded"),
    ("shipped", "refunded"),
    ("completed", "refunded"),
}


def dump(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table the demo fills, in primary-key order."""
    with db.read() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key))]
            for t in [*STREAMED, s.channels, s.products, s.staff_users, s.counters]
        }


def rows(db: Database, table: sa.Table) -> list:
    """All rows of one table."""
    with db.read() as conn:
        return conn.execute(sa.select(table)).all()


def test_same_seed_gives_the_same_rows_on_both_databases(fresh_db_url):
    dumps = []
    for backend in ["sqlite", "sqlite", "postgresql"]:
        db = Database(fresh_db_url(backend))
        demo.generate(db, **SMALL, seed=7)
        dumps.append(dump(db))
        db.dispose()
    assert dumps[0] == dumps[1] == dumps[2]
    assert len(dumps[0]["orders"]) == SMALL["orders"]
    other = Database(fresh_db_url("sqlite"))
    demo.generate(other, **SMALL, seed=8)
    assert dump(other)["customers"] != dumps[0]["customers"]
    other.dispose()


def test_generating_twice_adds_nothing_and_says_so(db):
    first = demo.generate(db, **SMALL)
    second = demo.generate(db, **SMALL)
    assert first.created and not second.created
    assert "already has 120 customers" in second.message
    assert (
        second.counts
        == first.counts
        == {t: len(r) for t, r in dump(db).items() if t in first.counts}
    )


def test_channels_products_and_staff_are_complete(demo_db):
    channels = {r.code: r for r in rows(demo_db, s.channels)}
    for code in [
        "wechat_moments",
        "micro_store",
        "community_group",
        "social_platform",
        "marketplace",
        "cross_border",
    ]:
        assert channels[code].name and channels[code].name_en
    assert channels["wechat_moments"].name == "朋友圈"
    products = rows(demo_db, s.products)
    assert 35 <= len(products) <= 45
    for p in products:
        assert p.price.as_tuple().exponent == -2
        if p.unit_cost is not None:
            assert Decimal("0.20") <= (p.price - p.unit_cost) / p.price <= Decimal("0.80")
    staff = {r.username: r for r in rows(demo_db, s.staff_users)}
    assert {u: staff[u].role for u in ["wang.fang", "li.lei", "admin"]} == {
        "wang.fang": "staff",
        "li.lei": "manager",
        "admin": "admin",
    }
    assert all(u.password_hash is None for u in staff.values())


def test_customers_have_valid_unique_contacts_and_acyclic_referrals(demo_db):
    customers = rows(demo_db, s.customers)
    assert len(customers) == demo.DEFAULT_CUSTOMERS
    mobiles = [c.mobile for c in customers]
    assert all(re.fullmatch(r"1[3-9]\d{9}", m) for m in mobiles)
    assert len(set(mobiles)) == len(mobiles)
    wechat = [c for c in customers if c.wechat_id]
    assert len({c.wechat_key for c in wechat}) == len(wechat)
    assert all(c.wechat_key == c.wechat_id.lower() and 6 <= len(c.wechat_id) <= 20 for c in wechat)
    assert all(re.fullmatch(r"C\d{6}", c.code) for c in customers)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", c.name) for c in customers)
    referrer = {c.id: c.referrer_id for c in customers}
    assert sum(r is not None for r in referrer.values()) > len(customers) // 10
    for start in referrer:
        seen, at = set(), start
        while at is not None:
            assert at not in seen, f"referral cycle through customer {at}"
            seen.add(at)
            at = referrer[at]


def test_reseller_tree_is_four_tiers_deep_without_cycles(demo_db):
    tree = queries.fetch_df(demo_db, "agent_tree")
    agents = [c for c in rows(demo_db, s.customers) if c.is_agent]
    assert tree["tier"].max() == 4
    assert sorted(tree["id"]) == sorted(a.id for a in agents)  # every agent reached once
    assert not any(c.parent_agent_id for c in rows(demo_db, s.customers) if not c.is_agent)


def test_order_lines_copy_catalogue_prices_and_totals_add_up(demo_db):
    products = {p.id: p for p in rows(demo_db, s.products)}
    goods = defaultdict(Decimal)
    for line in rows(demo_db, s.order_lines):
        p = products[line.product_id]
        assert (line.unit_price, line.unit_cost, line.sku) == (p.price, p.unit_cost, p.sku)
        assert line.amount == line.quantity * line.unit_price - line.discount
        goods[line.order_id] += line.amount
    orders = rows(demo_db, s.orders)
    assert len(orders) == demo.DEFAULT_ORDERS
    for o in orders:
        assert o.goods_amount == goods[o.id]
        assert o.total == o.goods_amount - o.discount + o.shipping


def test_statuses_match_their_history(demo_db):
    history = defaultdict(list)
    for h in sorted(rows(demo_db, s.order_status_history), key=lambda h: h.id):
        history[h.order_id].append(h)
    statuses = defaultdict(int)
    for o in rows(demo_db, s.orders):
        steps = history[o.id]
        assert steps[0].changed_at == o.ordered_at
        assert all(
            a.to_status == b.from_status and a.changed_at <= b.changed_at
            for a, b in zip(steps, steps[1:], strict=False)
        )
        assert {(h.from_status, h.to_status) for h in steps} <= TRANSITIONS
        assert steps[-1].to_status == o.status
        statuses[o.status] += 1
    assert statuses["completed"] > 0.8 * sum(statuses.values())
    assert all(statuses[k] > 0 for k in ["new", "paid", "shipped", "cancelled", "refunded"])


def test_orders_fall_in_business_hours_of_the_18_months_before_the_anchor(demo_db):
    zone = ZoneInfo("Asia/Shanghai")
    local = [o.ordered_at.astimezone(zone) for o in rows(demo_db, s.orders)]
    assert all(8 <= t.hour <= 23 for t in local)
    assert max(local).date() <= demo.REFERENCE_ANCHOR
    assert min(local).date() >= demo.REFERENCE_ANCHOR - timedelta(days=560)
    last_week = demo.REFERENCE_ANCHOR - timedelta(days=6)
    assert sum(t.date() >= last_week for t in local) > 100
    buyers = defaultdict(int)
    for o in rows(demo_db, s.orders):
        buyers[o.customer_id] += 1
    assert max(buyers.values()) >= 10 * sorted(buyers.values())[len(buyers) // 2]  # skewed


def test_communities_hold_members_who_never_bought(demo_db):
    buyers = {o.customer_id for o in rows(demo_db, s.orders)}
    members = rows(demo_db, s.community_members)
    assert len(rows(demo_db, s.communities)) >= 5
    assert any(m.customer_id not in buyers for m in members)
    assert any(m.customer_id in buyers for m in members)


def test_followups_and_reviews_are_tied_to_customers_and_orders(demo_db):
    followups = rows(demo_db, s.followups)
    assert any(f.done_at for f in followups) and any(f.done_at is None for f in followups)
    assert {f.staff for f in followups} <= {u.username for u in rows(demo_db, s.staff_users)}
    orders = {o.id: o for o in rows(demo_db, s.orders)}
    for r in rows(demo_db, s.reviews):
        assert orders[r.order_id].customer_id == r.customer_id
        assert r.posted_at > orders[r.order_id].ordered_at


def test_services_continue_the_demo_numbering(demo_db_url):
    from salesops.customers import create_customer
    from salesops.orders import create_order

    db = Database(demo_db_url)
    customer = create_customer(db, {"name": "新客户", "mobile": "19900000001"})
    assert customer["code"] == f"C{demo.DEFAULT_CUSTOMERS + 1:06d}"
    assert customer["id"] == demo.DEFAULT_CUSTOMERS + 1  # PostgreSQL sequences moved on too
    order = create_order(
        db, customer["id"], [{"sku": "MZ-001", "quantity": 2}], channel="micro_store"
    )
    assert order["order_no"] == f"SO{demo.DEFAULT_ORDERS + 1:08d}"
    db.dispose()


def test_cli_demo_prints_a_summary_and_init_demo_loads_once(fresh_db_url):
    url = fresh_db_url("sqlite")
    result = CliRunner().invoke(
        main, ["--db", url, "demo", "--customers", "50", "--orders", "200", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"orders\s+200\b", result.output)
    again = CliRunner().invoke(main, ["--db", url, "init", "--demo"])
    assert again.exit_code == 0 and "already has 50 customers" in again.output


def test_the_default_anchor_is_yesterday_in_the_business_zone(monkeypatch):
    from datetime import UTC, datetime

    monkeypatch.setenv("SALESOPS_TZ", "Asia/Shanghai")
    # 17:00 UTC on the 5th is 01:00 on the 6th in Shanghai: yesterday there is the 5th
    assert demo.default_anchor(datetime(2026, 12, 5, 17, 0, tzinfo=UTC)) == date(2026, 12, 5)
    assert demo.default_anchor(datetime(2026, 12, 5, 15, 0, tzinfo=UTC)) == date(2026, 12, 4)


def _last_order_day(db) -> date:
    zone = ZoneInfo("Asia/Shanghai")
    return max(o.ordered_at.astimezone(zone).date() for o in rows(db, s.orders))


@pytest.mark.slow
def test_init_demo_with_an_anchor_ends_there_and_gives_the_generators_rows(fresh_db_url):
    url = fresh_db_url("sqlite")
    args = ["--db", url, "init", "--demo", "--anchor", "2025-06-15"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "ending 2025-06-15" in result.output
    db = Database(url)
    assert _last_order_day(db) == date(2025, 6, 15)
    other = Database(fresh_db_url("sqlite"))
    demo.generate(other, anchor=date(2025, 6, 15))
    assert dump(db) == dump(other)
    db.dispose()
    other.dispose()


def test_anchor_without_demo_is_refused_and_creates_nothing(fresh_db_url, tmp_path):
    url = f"sqlite:///{tmp_path / 'none.db'}"
    result = CliRunner().invoke(main, ["--db", url, "init", "--anchor", "2025-06-15"])
    assert result.exit_code == 2 and "use it with --demo" in result.output
    assert not (tmp_path / "none.db").exists()


@pytest.mark.slow
def test_the_demo_ends_yesterday_so_the_last_complete_week_has_orders(fresh_db_url):
    from salesops.weekly import collect
    from salesops.weeks import last_complete_week

    url = fresh_db_url("sqlite")
    before = demo.default_anchor()
    result = CliRunner().invoke(
        main, ["--db", url, "demo", "--customers", "300", "--orders", "3000"]
    )
    assert result.exit_code == 0, result.output
    db = Database(url)
    assert _last_order_day(db) in {before, demo.default_anchor()}  # midnight may pass
    series = collect.collect(db, last_complete_week(), weeks=2).series
    assert (series["orders"] > 0).all() and (series["revenue"] > 0).all()
    db.dispose()
