"""Eight processes selling the last 100 units of one product, 200 attempts between them:
exactly 100 sales go through, the rest are told the stock is short, the stock ends at 0
and the ledger never shows it below zero (SQLite and PostgreSQL)."""

import multiprocessing as mp

import pytest
import sqlalchemy as sa

from salesops import customers, orders, stock
from salesops.actors import Actor
from salesops.db import Database
from salesops.errors import ValidationError
from salesops.schema import orders as orders_table
from salesops.schema import products, stock_movements

pytestmark = pytest.mark.slow

WORKERS = 8
ATTEMPTS_EACH = 25  # 200 in all
UNITS = 100


def _seller(url: str, customer_id: int, worker: int) -> tuple[int, int]:
    """One process (one page kernel) trying to sell one unit at a time: (sold, refused)."""
    db = Database(url)
    actor = Actor(f"seller{worker}", "staff")
    sold = refused = 0
    for _ in range(ATTEMPTS_EACH):
        try:
            orders.create_order(
                db, customer_id, [{"sku": "TEA-01", "quantity": 1}], status="paid", actor=actor
            )
            sold += 1
        except ValidationError as e:
            assert "TEA-01" in str(e)
            refused += 1
    db.dispose()
    return sold, refused


def test_eight_processes_sell_exactly_the_last_hundred_units(db, basics):
    buyer = customers.create_customer(
        db, {"name": "张伟", "channel_id": basics["wechat_moments"]}, Actor("t", "staff")
    )
    stock.set_stock(db, basics["TEA-01"], UNITS, "count", Actor("boss", "manager"))
    db.dispose()
    with mp.get_context("spawn").Pool(WORKERS) as pool:
        results = pool.starmap(_seller, [(db.url, buyer["id"], w) for w in range(WORKERS)])
    assert sum(s for s, _r in results) == UNITS
    assert sum(r for _s, r in results) == WORKERS * ATTEMPTS_EACH - UNITS
    m = stock_movements.c
    with db.read() as conn:
        left = conn.execute(
            sa.select(products.c.stock_on_hand).where(products.c.id == basics["TEA-01"])
        ).scalar()
        sold = conn.execute(sa.select(m.on_hand).where(m.kind == "sold").order_by(m.id)).scalars()
        figures = list(sold)
        made = conn.execute(sa.select(sa.func.count()).select_from(orders_table)).scalar()
    assert left == 0
    assert made == UNITS
    assert figures == list(range(UNITS - 1, -1, -1))  # one unit at a time, never below 0
