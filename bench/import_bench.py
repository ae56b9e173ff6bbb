"""Orders import speed against its floor: the same rows inserted by a bare bulk insert.

    python -m bench.import_bench                       # 1,000,000 lines, SQLite and PostgreSQL
    python -m bench.import_bench --lines 100000 --backend sqlite

A generated shop export (about 3.3 lines per order, 50,000 customers, 200 SKUs, Chinese
channel names and headers) is imported into an empty migrated database with
`salesops.importer.import_orders`, in a child process so its peak memory (ru_maxrss)
is its own. The floor is then measured in another child: every row the import wrote
(customers, orders, order_lines, order_status_history, audit_log, imports, products,
channels), read back in stored form and inserted into another empty database in one
transaction with one bare `executemany` per table (COPY on PostgreSQL, which is the
fastest bare path there). The ratio import / floor is what the goal (<= 2x) is about;
absolute times depend on the machine and its load.

`run(lines, backends)` returns the figures as a list of dicts, for bench/run.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from salesops.importer.orders import ALIASES

# The documented Chinese header of each column (the first of its aliases), in file order.
HEADERS = [aliases[0] for aliases in ALIASES.values()]
CHANNELS = ["朋友圈", "微店", "社群", "社交平台", "电商平台", "跨境", "线下"]
STATUSES = ["已完成"] * 8 + ["已发货", "已退款"]
TABLES = [
    "channels",
    "products",
    "customers",
    "imports",
    "orders",
    "order_lines",
    "order_status_history",
    "audit_log",
]


def make_orders_csv(path: Path, lines: int, seed: int = 7, customers: int = 50_000) -> int:
    """Write a shop export of about `lines` order lines; returns the number of orders."""
    rng = random.Random(seed)
    skus = [
        (f"SKU-{k:04d}", f"商品{k}号", f"{rng.randrange(500, 30000) / 100:.2f}") for k in range(200)
    ]
    people = [
        (
            f"客户{k}",
            f"1{rng.choice('3456789')}{k * 7919 % 10**9:09d}",
            f"wx_{k}" if k % 3 == 0 else "",
        )
        for k in range(customers)
    ]
    start = 1_640_995_200  # 2022-01-01
    written = orders = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADERS)
        while written < lines:
            orders += 1
            name, mobile, wx = people[rng.randrange(customers)]
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start + orders * 211))
            channel, status = rng.choice(CHANNELS), rng.choice(STATUSES)
            for sku, product, price in rng.sample(
                skus, min(rng.choice((1, 2, 3, 4, 6)), lines - written)
            ):
                qty = rng.choice((1, 1, 1, 2, 3))
                amount = f"{float(price) * qty:.2f}"
                out.writerow(
                    [
                        f"SO{orders:09d}",
                        when,
                        "",
                        name,
                        mobile,
                        wx,
                        channel,
                        sku,
                        product,
                        qty,
                        price,
                        amount,
                        status,
                    ]
                )
                written += 1
    return orders


def _migrated(url: str) -> None:
    from salesops import migrate
    from salesops.db import Database

    db = Database(url)
    migrate.upgrade(db)
    db.dispose()


def _child_import(url: str, path: str) -> dict:
    """In a child process: import the file, report seconds and peak memory."""
    from salesops.db import Database
    from salesops.importer import import_orders

    db = Database(url)
    started = time.perf_counter()
    report = import_orders(db, path)
    seconds = time.perf_counter() - started
    assert not report.problems, report.lines()[:5]
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "orders": report.counts["orders_created"],
        "lines": report.counts["lines_created"],
    }


def _child_floor(source_url: str, target_url: str) -> dict:
    """In a child process: read every written row in stored form, then time inserting them
    into the empty target with one bare executemany (COPY) per table in one transaction."""
    import sqlalchemy as sa

    from salesops.db import Database
    from salesops.schema import metadata

    source, target = Database(source_url), Database(target_url)
    batches = {}
    with source.engine.connect() as conn:
        for name in TABLES:
            cols = [c.name for c in metadata.tables[name].c]
            rows = conn.exec_driver_sql(f"select {', '.join(cols)} from {name}").all()
            batches[name] = (cols, [tuple(r) for r in rows])
    with target.engine.connect() as conn:
        started = time.perf_counter()
        with conn.begin():
            if target.is_sqlite:
                conn.exec_driver_sql("delete from counters")  # take the source's, as copy-to
            for name, (cols, rows) in batches.items():
                _bare_insert(conn, name, cols, rows, target.is_sqlite)
        seconds = time.perf_counter() - started
    with target.read() as conn:
        count = conn.execute(sa.text("select count(*) from order_lines")).scalar()
    return {"seconds": seconds, "rows": sum(len(r) for _, r in batches.values()), "lines": count}


def _bare_insert(conn, name, cols, rows, sqlite: bool) -> None:
    if sqlite:
        marks = ", ".join("?" * len(cols))
        conn.exec_driver_sql(f"insert into {name} ({', '.join(cols)}) values ({marks})", rows)
        return
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"copy {name} ({', '.join(cols)}) from stdin") as cp:
        for row in rows:
            cp.write_row(row)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(*args: str) -> dict:
    """Run this module as a child for one measurement and return its JSON answer."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    out = subprocess.run(
        [sys.executable, "-m", "bench.import_bench", "--child", *args],
        capture_output=True,
        text=True,
        env=env,
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _urls(backend: str, folder: Path, server, k: int) -> tuple[str, str]:
    if backend == "sqlite":
        return (f"sqlite:///{folder / f'import{k}.db'}", f"sqlite:///{folder / f'floor{k}.db'}")
    return server.create_database(f"bench_import{k}"), server.create_database(f"bench_floor{k}")


def run(
    lines: int = 1_000_000, backends=("sqlite", "postgresql"), folder=None, rounds: int = 3
) -> list[dict]:
    """Import vs floor per backend: seconds, ratio, peak memory; a list of result dicts.

    Import and floor alternate for `rounds` rounds (fresh databases each time) so machine
    noise hits both alike; the best time of each is reported, and their ratio.
    """
    folder = Path(folder or tempfile.mkdtemp(prefix="import-bench-"))
    path = folder / "orders.csv"
    orders = make_orders_csv(path, lines)
    results, server = [], None
    for backend in backends:
        if backend == "postgresql" and server is None:
            from tests.pgtemp import TempPostgres

            server = TempPostgres().start()
        sub = folder / backend
        sub.mkdir(exist_ok=True)
        imports, floors = [], []
        for k in range(rounds):
            import_url, floor_url = _urls(backend, sub, server, k)
            _migrated(import_url)
            _migrated(floor_url)
            imports.append(_child("import", import_url, str(path)))
            floors.append(_child("floor", import_url, floor_url))
            assert floors[-1]["lines"] == imports[-1]["lines"] == lines
        best_import = min(r["seconds"] for r in imports)
        best_floor = min(r["seconds"] for r in floors)
        results.append(
            {
                "backend": backend,
                "lines": lines,
                "orders": orders,
                "import_s": round(best_import, 2),
                "floor_s": round(best_floor, 2),
                "ratio": round(best_import / best_floor, 2),
                "all_import_s": [round(r["seconds"], 2) for r in imports],
                "all_floor_s": [round(r["seconds"], 2) for r in floors],
                "rows_written": floors[0]["rows"],
                "peak_mb": round(max(r["peak_mb"] for r in imports)),
            }
        )
    if server is not None:
        server.stop()
    return results


def main(argv=None) -> None:
    """Command line: print one line per backend."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        answer = _child_import(*rest) if kind == "import" else _child_floor(*rest)
        print(json.dumps(answer))
        return
    for r in run(args.lines, tuple(args.backend or ("sqlite", "postgresql")), rounds=args.rounds):
        print(
            f"{r['backend']:<11} {r['lines']:>9,} lines {r['orders']:>8,} orders  "
            f"import {r['import_s']:>7.2f}s  floor {r['floor_s']:>7.2f}s  "
            f"ratio {r['ratio']:.2f}  peak {r['peak_mb']} MB  ({r['rows_written']:,} rows; "
            f"all runs: import {r['all_import_s']}, floor {r['all_floor_s']})"
        )


if __name__ == "__main__":
    main()
