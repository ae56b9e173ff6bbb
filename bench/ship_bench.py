"""Benchmark 8: bulk shipping 10,000 lines against the bare UPDATEs in one transaction
(issue 17: "bulk shipping 10,000 lines within 2x the bare UPDATEs in one transaction").

    python -m bench.ship_bench [--lines 10000] [--rounds 3] [--backend sqlite ...]

Each backend gets a fresh migrated database with a customer and --lines paid orders (no
lines: shipping never reads them). A round resets every order to paid (not timed), then
times the app and the floor one after the other, alternating which goes first, so
machine noise hits both alike; the best of each is reported, and their ratio.

- app: what `salesops orders ship FILE` does after reading the file from disk: the pasted
  text of `order_no<TAB>courier<TAB>tracking_no` lines read (`salesops.shipping.lines`),
  every line checked against its order (the orders looked up by number and locked),
  then the orders updated, one status-history row and one audit row each, in one
  transaction (`salesops.shipping.bulk.ship`).
- floor: one bare `UPDATE orders SET status, courier, tracking_no WHERE order_no = ?` per
  line, the driver's executemany, in one transaction: the least any bulk shipping must do.

Prints Markdown (and returns it, for bench/run.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

GOAL = 2.0
COURIERS = [
    ("顺丰", "SF{:013d}"),
    ("中通", "78{:012d}"),
    ("圆通", "YT{:013d}"),
    ("韵达", "{:013d}"),
]


def setup(url: str, lines: int) -> None:
    """Migrate the database and add a channel, a product, a customer and `lines` orders."""
    from salesops import migrate
    from salesops import schema as s
    from salesops.db import Database

    db = Database(url)
    migrate.upgrade(db)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    stamp = {"version": 1, "created_at": now, "created_by": "bench"}
    stamp |= {"updated_at": now, "updated_by": "bench"}
    with db.write() as conn:
        channel = conn.execute(
            sa.insert(s.channels).values(code="wechat", name="朋友圈", name_en="WeChat")
        ).inserted_primary_key[0]
        customer = conn.execute(
            sa.insert(s.customers).values(code="C000001", name="张伟", **stamp)
        ).inserted_primary_key[0]
        zero = Decimal("0.00")
        conn.execute(
            sa.insert(s.orders),
            [
                {
                    "order_no": f"SO{i:08d}",
                    "customer_id": customer,
                    "channel_id": channel,
                    "status": "paid",
                    "ordered_at": now,
                    "goods_amount": zero,
                    "discount": zero,
                    "shipping": zero,
                    "total": zero,
                    **stamp,
                }
                for i in range(1, lines + 1)
            ],
        )
    db.dispose()


def waybills(lines: int) -> str:
    """The pasted text: one line per order, couriers in turn, numbers of their shapes."""
    rows = []
    for i in range(1, lines + 1):
        name, shape = COURIERS[i % len(COURIERS)]
        rows.append(f"SO{i:08d}\t{name}\t{shape.format(i)}")
    return "\n".join(rows)


def reset(db) -> None:
    """Every order back to paid, with no courier, and the shipping's history and audit
    rows gone (not timed)."""
    from salesops import schema as s

    with db.write() as conn:
        conn.execute(sa.update(s.orders).values(status="paid", courier=None, tracking_no=None))
        conn.execute(sa.delete(s.order_status_history))
        conn.execute(sa.delete(s.audit_log))
        if not db.is_sqlite:
            conn.exec_driver_sql("analyze orders")


def app(db, text: str) -> float:
    """Seconds for salesops to read and ship every line."""
    from salesops.actors import Actor
    from salesops.shipping.bulk import ship
    from salesops.shipping.lines import read_text

    started = time.perf_counter()
    report = ship(db, read_text(text), actor=Actor("bench", "staff"))
    seconds = time.perf_counter() - started
    assert report.written and report.shipped == len(report.lines), report.summary()
    return seconds


def floor(db, text: str) -> float:
    """Seconds for one bare UPDATE per line in one transaction: the driver's own
    executemany (psycopg pipelines it), no SQLAlchemy statement building."""
    rows = [tuple(line.split("\t")[1:]) + (line.split("\t")[0],) for line in text.splitlines()]
    mark = "?" if db.is_sqlite else "%s"
    sql = (
        f"update orders set status = 'shipped', courier = {mark}, tracking_no = {mark} "
        f"where order_no = {mark}"
    )
    started = time.perf_counter()
    with db.write() as conn:
        assert conn.exec_driver_sql(sql, rows).rowcount == len(rows)
    return time.perf_counter() - started


def measure(url: str, lines: int, rounds: int) -> dict:
    """Best app and floor seconds over `rounds` alternating rounds on one database."""
    from salesops.db import Database

    setup(url, lines)
    db, text = Database(url), waybills(lines)
    times = {"app": [], "floor": []}
    for k in range(rounds):
        for kind in ("app", "floor") if k % 2 == 0 else ("floor", "app"):
            reset(db)
            times[kind].append((app if kind == "app" else floor)(db, text))
    db.dispose()
    best = {kind: min(values) for kind, values in times.items()}
    return {**best, "ratio": best["app"] / best["floor"], "all": times}


def run(lines: int = 10_000, rounds: int = 3, backends=("sqlite", "postgresql")) -> list[dict]:
    """The figures per backend: best seconds of app and floor, and their ratio."""
    results, server = [], None
    folder = Path(tempfile.mkdtemp(prefix="ship-bench-"))
    try:
        for backend in backends:
            if backend == "sqlite":
                url = f"sqlite:///{folder / 'ship.db'}"
            else:
                from tests.pgtemp import TempPostgres

                server = server or TempPostgres().start()
                url = server.create_database("bench_ship")
            results.append({"backend": backend, **measure(url, lines, rounds)})
    finally:
        if server is not None:
            server.stop()
    return results


def report(lines: int, rounds: int, results: list[dict]) -> str:
    """The Markdown table of the figures, with the goal."""
    out = [
        f"Bulk shipping {lines:,} lines (`order_no, courier, tracking_no`, four couriers) "
        f"in one transaction: app (read, check, lock, update, history, audit) against one "
        f"bare UPDATE per line; best of {rounds} alternating rounds. Goal: ratio <= {GOAL}.",
        "",
        "| backend | app s | floor s | ratio | goal met | all app s | all floor s |",
        "| --- | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for r in results:
        out.append(
            f"| {r['backend']} | {r['app']:.2f} | {r['floor']:.2f} | {r['ratio']:.2f} | "
            f"{'yes' if r['ratio'] <= GOAL else 'no'} | "
            f"{', '.join(f'{s:.2f}' for s in r['all']['app'])} | "
            f"{', '.join(f'{s:.2f}' for s in r['all']['floor'])} |"
        )
    return "\n".join(out)


def main(argv=None) -> str:
    """Command line: run, print the Markdown, return it."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    args = ap.parse_args(argv)
    backends = tuple(args.backend or ("sqlite", "postgresql"))
    text = report(args.lines, args.rounds, run(args.lines, args.rounds, backends))
    print(text)
    return text


if __name__ == "__main__":
    main(sys.argv[1:])
