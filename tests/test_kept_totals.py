"""Kept totals (migration 0007): order costs, first orders and first purchases stay true.

orders.costed_goods / goods_cost, customers.first_ordered_at and customer_products are
kept by database triggers. Each test changes orders the ways staff, imports, merges, the
demo generator and an analyst's SQL do, and after every change compares what is kept
with a recomputation in Python from the raw orders and lines, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from importfiles import ORDER_HEADERS_EN, write_csv

from salesops import customers, demo, migrate, orders
from salesops.db import Database
from salesops.importer import import_orders
from salesops.merge import merge_customers, unmerge
from salesops.schema import customer_products, order_lines
from salesops.schema import customers as customers_table
from salesops.schema import orders as orders_table

CENT = Decimal("0.01")
T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def expected(db) -> dict:
    """What the kept columns should hold, computed from the raw rows in Python."""
    with db.read() as conn:
        heads = conn.execute(
            sa.select(
                orders_table.c.id,
                orders_table.c.customer_id,
                orders_table.c.status,
                orders_table.c.ordered_at,
                orders_table.c.deleted_at,
            )
        ).all()
        lines = conn.execute(
            sa.select(
                order_lines.c.order_id,
                order_lines.c.product_id,
                order_lines.c.quantity,
                order_lines.c.amount,
                order_lines.c.unit_cost,
            )
        ).all()
        customer_ids = conn.execute(sa.select(customers_table.c.id)).scalars().all()
    costed, cost = defaultdict(lambda: None), defaultdict(lambda: None)
    by_order = defaultdict(list)
    for ln in lines:
        by_order[ln.order_id].append(ln)
        if ln.unit_cost is not None:
            costed[ln.order_id] = (costed[ln.order_id] or 0) + ln.amount
            cost[ln.order_id] = (cost[ln.order_id] or 0) + ln.unit_cost * ln.quantity
    first = dict.fromkeys(customer_ids)
    bought = {}
    for h in heads:
        if h.deleted_at is not None or h.status in ("cancelled", "refunded"):
            continue
        if first[h.customer_id] is None or h.ordered_at < first[h.customer_id]:
            first[h.customer_id] = h.ordered_at
        for ln in by_order[h.id]:
            key = (h.customer_id, ln.product_id)
            bought[key] = min(bought.get(key, h.ordered_at), h.ordered_at)
    return {
        "orders": {h.id: (_money(costed[h.id]), _money(cost[h.id])) for h in heads},
        "first": first,
        "products": bought,
    }


def kept(db) -> dict:
    """What the triggers keep, read back."""
    with db.read() as conn:
        money = conn.execute(
            sa.select(orders_table.c.id, orders_table.c.costed_goods, orders_table.c.goods_cost)
        ).all()
        first = conn.execute(
            sa.select(customers_table.c.id, customers_table.c.first_ordered_at)
        ).all()
        bought = conn.execute(sa.select(customer_products)).all()
    return {
        "orders": {i: (_money(a), _money(b)) for i, a, b in money},
        "first": dict(first),
        "products": {(c, p): at for c, p, at in bought},
    }


def _money(value):
    return None if value is None else Decimal(value).quantize(CENT)


def assert_kept(db) -> None:
    want, got = expected(db), kept(db)
    for part in ("orders", "first", "products"):
        assert got[part] == want[part], part


def test_order_saves_status_changes_and_deletes_keep_them(db, basics):
    a = customers.create_customer(db, {"name": "张伟", "channel_id": basics["wechat_moments"]})
    b = customers.create_customer(db, {"name": "李娜", "channel_id": basics["micro_store"]})
    assert_kept(db)
    costed_and_not = [
        {"sku": "TEA-01", "quantity": 2, "discount": "3.30"},
        {"sku": "GIFT-03", "quantity": 1},
    ]
    late = orders.create_order(db, a["id"], costed_and_not, ordered_at=T0 + timedelta(days=3))
    assert_kept(db)
    with db.read() as conn:
        row = conn.execute(sa.select(orders_table).where(orders_table.c.id == late["id"])).one()
        first_a = conn.execute(
            sa.select(customers_table.c.first_ordered_at).where(customers_table.c.id == a["id"])
        ).scalar()
    # The costed line alone: 2 x 128.00 - 3.30 and 2 x 51.20; the gift has no cost.
    assert (row.costed_goods, row.goods_cost) == (Decimal("252.70"), Decimal("102.40"))
    assert first_a == T0 + timedelta(days=3)

    early = orders.create_order(db, a["id"], [{"sku": "HONEY-02", "quantity": 1}], ordered_at=T0)
    uncosted = orders.create_order(db, b["id"], [{"sku": "GIFT-03", "quantity": 5}], ordered_at=T0)
    assert_kept(db)
    assert kept(db)["orders"][uncosted["id"]] == (None, None)
    assert kept(db)["first"][a["id"]] == T0

    orders.change_status(db, early["id"], "cancelled", 1, reason="buyer changed mind")
    assert_kept(db)
    assert kept(db)["first"][a["id"]] == T0 + timedelta(days=3)
    assert (a["id"], basics["HONEY-02"]) not in kept(db)["products"]

    orders.change_status(db, late["id"], "paid", 1)
    orders.change_status(db, late["id"], "refunded", 2, reason="damaged")
    assert_kept(db)
    assert kept(db)["first"][a["id"]] is None

    orders.delete_order(db, uncosted["id"], 1)
    assert_kept(db)
    assert kept(db)["first"][b["id"]] is None
    assert not kept(db)["products"]


def test_imports_merges_and_unmerges_keep_them(db, basics, tmp_path):
    shop = basics["wechat_moments"]
    keep = customers.create_customer(
        db, {"name": "王芳", "mobile": "13800138001", "channel_id": shop}
    )
    other = customers.create_customer(
        db, {"name": "王芳 (2)", "mobile": "13800138002", "channel_id": shop}
    )
    orders.create_order(
        db, keep["id"], [{"sku": "TEA-01", "quantity": 1}], ordered_at=T0 + timedelta(days=5)
    )
    rows = [
        ["I1", "2026-11-01 10:00", other["code"], "", "", "", "", "TEA-01", "", "1", "128", "", ""],
        [
            "I1",
            "2026-11-01 10:00",
            other["code"],
            "",
            "",
            "",
            "",
            "GIFT-03",
            "",
            "2",
            "9.9",
            "",
            "",
        ],
        [
            "I2",
            "2026-11-03 10:00",
            "",
            "赵敏",
            "13900139000",
            "",
            "",
            "HONEY-02",
            "",
            "1",
            "68.5",
            "",
            "",
        ],
    ]
    report = import_orders(db, write_csv(tmp_path / "o.csv", ORDER_HEADERS_EN, rows))
    assert report.problems == []
    assert_kept(db)
    assert kept(db)["first"][other["id"]] < T0

    merge = merge_customers(db, keep["id"], other["id"])
    assert_kept(db)
    got = kept(db)
    assert got["first"][keep["id"]] < T0 and got["first"][other["id"]] is None
    assert (keep["id"], basics["GIFT-03"]) in got["products"]

    unmerge(db, merge["id"])
    assert_kept(db)
    got = kept(db)
    assert got["first"][keep["id"]] == T0 + timedelta(days=5)
    assert (other["id"], basics["GIFT-03"]) in got["products"]


def test_direct_sql_on_lines_and_orders_keeps_them(db, basics):
    """An analyst's or a repair script's SQL goes past the app; the triggers still hold."""
    a = customers.create_customer(db, {"name": "张伟", "channel_id": basics["micro_store"]})
    b = customers.create_customer(db, {"name": "李娜", "channel_id": basics["micro_store"]})
    one = orders.create_order(
        db,
        a["id"],
        [{"sku": "TEA-01", "quantity": 1}, {"sku": "HONEY-02", "quantity": 2}],
        ordered_at=T0,
    )
    two = orders.create_order(
        db, a["id"], [{"sku": "TEA-01", "quantity": 1}], ordered_at=T0 + timedelta(days=1)
    )
    line, o = order_lines.c, orders_table.c
    steps = [
        sa.update(order_lines)
        .where(line.order_id == one["id"], line.line_no == 1)
        .values(unit_cost=None),
        sa.update(order_lines)
        .where(line.order_id == one["id"], line.line_no == 2)
        .values(product_id=basics["GIFT-03"], amount=Decimal("1.05")),
        sa.delete(order_lines).where(line.order_id == two["id"]),
        sa.update(orders_table).where(o.id == one["id"]).values(customer_id=b["id"]),
        sa.update(orders_table).where(o.id == two["id"]).values(ordered_at=T0 - timedelta(days=9)),
        sa.update(orders_table).where(o.id == two["id"]).values(deleted_at=T0),
        sa.delete(orders_table).where(o.id == one["id"]),
    ]
    for step in steps:
        with db.write() as conn:
            conn.execute(step)
        assert_kept(db)
    got = kept(db)
    assert got["first"] == {a["id"]: None, b["id"]: None} and not got["products"]


def test_demo_data_bulk_insert_keeps_them(db):
    demo.generate(db, customers=120, orders=400, seed=11)
    assert_kept(db)
    got = kept(db)
    assert sum(v is not None for v in got["first"].values()) > 50
    assert len(got["products"]) > 100


def test_the_upgrade_fills_them_from_existing_rows_and_the_downgrade_removes_them(
    empty_db_url,
):
    db = Database(empty_db_url)
    try:
        migrate.upgrade(db, "0006_week_lookups")
        # Rows written before the kept totals existed (the demo writes none of them).
        demo.generate(db, customers=150, orders=500, seed=5)
        migrate.upgrade(db)
        assert_kept(db)
        assert len(kept(db)["products"]) > 100
        migrate.downgrade(db, "0006_week_lookups")
        inspector = sa.inspect(db.engine)
        assert "customer_products" not in inspector.get_table_names()
        assert "goods_cost" not in {c["name"] for c in inspector.get_columns("orders")}
        assert "first_ordered_at" not in {c["name"] for c in inspector.get_columns("customers")}
        migrate.upgrade(db)
        assert_kept(db)
    finally:
        db.dispose()
