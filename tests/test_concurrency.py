"""Several processes saving at once: unique order numbers, nothing lost, no lock errors."""

import multiprocessing as mp

import pytest
import sqlalchemy as sa

from salesops import customers, orders
from salesops.actors import Actor
from salesops.db import Database
from salesops.schema import order_lines
from salesops.schema import orders as orders_table

# Eight processes writing at once.
pytestmark = pytest.mark.slow

WORKERS = 8
ORDERS_EACH = 200


def _worker(url: str, customer_id: int, worker: int) -> list[str]:
    """One process (like one Voila kernel) saving orders as fast as it can."""
    db = Database(url)
    actor = Actor(f"worker{worker}", "staff")
    numbers = [
        orders.create_order(db, customer_id, [{"sku": "TEA-01", "quantity": 1}], actor=actor)[
            "order_no"
        ]
        for _ in range(ORDERS_EACH)
    ]
    db.dispose()
    return numbers


def test_eight_processes_creating_orders_get_unique_numbers_and_lose_nothing(db, basics):
    buyer = customers.create_customer(
        db, {"name": "张伟", "channel_id": basics["wechat_moments"]}, Actor("t", "staff")
    )
    db.dispose()
    with mp.get_context("spawn").Pool(WORKERS) as pool:
        results = pool.starmap(_worker, [(db.url, buyer["id"], w) for w in range(WORKERS)])
    acknowledged = [n for numbers in results for n in numbers]
    with db.read() as conn:
        stored = conn.execute(sa.select(orders_table.c.order_no)).scalars().all()
        lines = conn.execute(sa.select(sa.func.count()).select_from(order_lines)).scalar()
    assert len(acknowledged) == WORKERS * ORDERS_EACH
    assert len(set(acknowledged)) == len(acknowledged)
    assert sorted(stored) == sorted(acknowledged)
    assert lines == WORKERS * ORDERS_EACH
