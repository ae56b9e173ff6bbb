"""Benchmark 2: the customer 360 view's data against the bare SQL it runs.

    python -m bench.c360_bench --db URL [--samples 200]

The app side is `salesops.web.pagedata.PageData(db).customer_360(customer_id)`: everything the
Customer360 widget shows (profile, lifetime totals, orders, follow-ups, referrals), read in
one transaction through the named queries, rows converted (money as Decimal, times as aware
datetimes). The floor runs the same five queries with the same parameters through the bare
driver cursor on a connection held open, rows fetched and nothing else. Customers are drawn
uniformly from the live ones (most have a few orders; the heavy buyers and agents, with
tens to a hundred orders, make the p95). Calls alternate so both see the same load.
Goal (BENCHMARKS.md, "Goals at a glance"): p95 <= 50 ms at 1M customers.
"""

from __future__ import annotations

import argparse
import random

import sqlalchemy as sa

from salesops import queries
from salesops.db import Database
from salesops.web.pagedata import PageData

from .timing import interleaved

PARTS = (
    "customer_profile",
    "customer_totals",
    "customer_orders",
    "customer_followups",
    "customer_referrals",
)


def sample_ids(db: Database, n: int, seed: int = 360) -> list[int]:
    """`n` random live customer ids, ids drawn uniformly."""
    rng = random.Random(seed)
    with db.read() as conn:
        top = conn.execute(sa.text("select max(id) from customers")).scalar()
        ids = rng.sample(range(1, top + 1), min(top, n * 2))
        live = (
            conn.execute(
                sa.text(
                    f"select id from customers where id in ({', '.join(map(str, ids))}) "
                    "and deleted_at is null"
                )
            )
            .scalars()
            .all()
        )
    live = set(live)
    return [i for i in ids if i in live][:n]


class Floor:
    """The five queries of the 360 view as bare driver SQL, on an open raw connection."""

    def __init__(self, db: Database):
        self.raw = db.engine.raw_connection()
        self.pg = db.dialect == "postgresql"
        if self.pg:
            self.raw.driver_connection.autocommit = True
        self.sql = []
        for name in PARTS:
            text = queries.get_query(name).sql_for(db.dialect)
            if self.pg:  # psycopg's paramstyle: %(name)s, and literal % doubled
                text = queries.PARAM.sub(r"%(\1)s", text.replace("%", "%%"))
            self.sql.append(text)

    def __call__(self, customer_id: int) -> list:
        params, out = {"customer_id": customer_id}, []
        cur = self.raw.cursor()
        for sql in self.sql:
            cur.execute(sql, params)
            out.extend(cur.fetchall())
        cur.close()
        return out

    def close(self) -> None:
        self.raw.close()


def run(url: str, samples: int = 200) -> dict:
    """App and floor p50/p95 in ms over `samples` customers, and orders shown per view."""
    db = Database(url)
    floor = Floor(db)
    try:
        page = PageData(db)
        ids = sample_ids(db, samples)
        r = interleaved(lambda i: _orders_of(page.customer_360(i)), floor, ids)
        top, orders = heaviest(db)
        worst = interleaved(lambda i: _orders_of(page.customer_360(i)), floor, [top] * 30, 5)
        return {"customers": len(ids), **r, "heaviest": {"id": top, "orders": orders, **worst}}
    finally:
        floor.close()
        db.dispose()


def heaviest(db: Database) -> tuple[int, int]:
    """The live customer with the most orders (the largest 360 view), and that count."""
    with db.read() as conn:
        row = conn.execute(
            sa.text(
                "select customer_id, count(*) from orders where deleted_at is null "
                "group by customer_id order by count(*) desc, customer_id limit 1"
            )
        ).one()
    return row[0], row[1]


def _orders_of(view: dict | None) -> list:
    """What the view holds, as a list (so `interleaved` counts the orders it shows)."""
    return view["orders"] if view else []


def main(argv=None) -> None:
    """Command line: p50/p95 of app and floor for one database."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--db", required=True, help="database URL")
    p.add_argument("--samples", type=int, default=200)
    args = p.parse_args(argv)
    r = run(args.db, args.samples)
    a, f = r["app"], r["floor"]
    print(
        f"app p50 {a['p50']:.2f} ms p95 {a['p95']:.2f} ms | floor p50 {f['p50']:.2f} ms "
        f"p95 {f['p95']:.2f} ms | ratio p95 {a['p95'] / f['p95']:.2f} | "
        f"{r['rows']:.1f} orders per view over {r['customers']} customers"
    )
    h = r["heaviest"]
    print(
        f"heaviest customer ({h['orders']} orders): app p95 {h['app']['p95']:.2f} ms, "
        f"floor p95 {h['floor']['p95']:.2f} ms"
    )


if __name__ == "__main__":
    main()
