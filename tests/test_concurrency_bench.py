"""Benchmark 5 (bench/concurrency.py) on a small scale: writers racing on one customer keep
every invariant, the bare-SQL floor writes rows that pass the same check, and the checker
reports violations planted afterwards. A few seconds per database, mostly process starts."""

from __future__ import annotations

import random
from dataclasses import asdict

import pytest
import sqlalchemy as sa

from bench import concurrency
from bench.concurrency_check import check
from bench.concurrency_floor import BareWriter
from salesops import customers
from salesops.actors import Actor

# Racing writer processes, as the concurrency benchmark runs them.
pytestmark = pytest.mark.slow


def _shop(db, basics, n: int = 8) -> None:
    """`n` customers of one channel (the products come from `basics`)."""
    for i in range(n):
        customers.create_customer(
            db, {"name": f"客户{i}", "channel_id": basics["wechat_moments"]}, Actor("t", "staff")
        )
    db.dispose()


def _plant(db, order_id: int, customer_id: int) -> None:
    """An acknowledged order vanishes; a customer's version moves without an edit."""
    with db.write() as conn:
        for table in ("order_lines", "order_status_history"):
            conn.execute(sa.text(f"delete from {table} where order_id = :id"), {"id": order_id})
        conn.execute(sa.text("delete from orders where id = :id"), {"id": order_id})
        conn.execute(
            sa.text("update customers set version = version + 1 where id = :id"),
            {"id": customer_id},
        )
    db.dispose()


def _floor(url: str, rounds: int) -> dict:
    """The bare-SQL floor's rounds, run in this process (no process start to wait for)."""
    plan = concurrency.make_plan(url, 0, edit_pool=1, rounds=rounds)
    writer, tally = BareWriter(plan, 0), concurrency.Tally(0)
    for k in range(1, rounds + 1):
        writer.round(random.Random(k), tally, k)
    writer.close()
    result = concurrency.merge([asdict(tally)], 1, "floor", plan)
    assert result["orders"] == rounds and result["edits"] == rounds
    return result


def test_racing_writers_keep_every_invariant_and_planted_violations_are_reported(db, basics):
    _shop(db, basics)
    plan = concurrency.make_plan(db.url, 1.5, edit_pool=1)
    result = concurrency.measure(plan, 2)
    assert result["orders"] > 0 and result["edits"] > 0
    assert result["conflicts"] > 0  # two writers editing one customer do collide
    assert check(db.url, result) == []

    floor = concurrency.measure(
        concurrency.make_plan(db.url, 0, edit_pool=1, rounds=30), 1, "floor"
    )
    assert floor["orders"] == 30 and check(db.url, floor) == []

    order_no, order_id, _ = result["saved"][len(result["saved"]) // 2]
    _plant(db, order_id, plan.hot[0])
    result["errors"] = {"unexpected OperationalError: database is locked": 1}
    found = "\n".join(check(db.url, result))
    assert "1 acknowledged orders missing" in found and order_no in found
    assert f"customer {plan.hot[0]}: version" in found
    assert "errors surfaced to staff" in found and "database is locked" in found
