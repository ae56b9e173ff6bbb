"""Weekly sheet export speed: the export against the bare SQL it runs and the naive way.

    python -m bench.weekly_bench                     # ~1,000,000 order lines on SQLite
    python -m bench.weekly_bench --orders 60000 --customers 4000 --runs 3
    python -m bench.weekly_bench --db URL            # an existing database (e.g. PostgreSQL)

Three ways to get the figures of one week (12 weeks on the Weekly sheet), each timed in its
own fresh Python process (imports are not timed; the database file is warm in the OS cache
after a discarded first round), alternating so machine noise hits all alike:

  export  salesops.weekly.export.export_weekly: the named queries, DataFrames, the .xlsx file
  floor   the same queries (salesops.weekly.collect.query_plan) as bare SQL, rows fetched
          and dropped
  weekly  only the Weekly sheet's figures, as the export gets them (the weekly_kpis query
          into a DataFrame): the like-for-like counterpart of the naive way
  naive   read every order and order line into pandas, then group by week (Weekly only)

Goals (BENCHMARKS.md, "Goals at a glance"): export <= 2x floor, naive >= 10x export,
export peak memory < 500 MB.
Peak memory is the child's peak RSS (resource.getrusage) and, in one extra export run, the
peak of Python allocations (tracemalloc). `measure()` is what bench/run.py calls.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
WEEK = "2026-W47"  # the demo data's last complete week (its anchor is Sunday 2026-11-22)
WEEKS = 12
MODES = ("export", "floor", "weekly", "naive")


# -- what each child process does -----------------------------------------------------------


def _export(db, week, tmp: Path) -> dict:
    """The real export, file written."""
    from salesops.weekly.export import export_weekly

    path = export_weekly(db, week, WEEKS, tmp / "weekly.xlsx")
    return {"file_bytes": path.stat().st_size}


def _floor(db, week, _tmp) -> dict:
    """Every query of the export's plan, as bare SQL: execute and fetch, nothing else."""
    from salesops import queries
    from salesops.weekly import collect

    rows = 0
    with db.read() as conn:
        for _field, name, params in collect.query_plan(week, WEEKS):
            q = queries.get_query(name)
            stmt = queries._statement(q, conn.dialect.name, params)
            rows += len(conn.execute(stmt, params).fetchall())
    return {"rows": rows}


def _weekly(db, week, _tmp) -> dict:
    """The Weekly sheet's 12 rows only, through the same named query the export runs."""
    from salesops import queries
    from salesops.weekly import collect

    (_field, name, params), *_rest = collect.query_plan(week, WEEKS)
    rows = queries.fetch_df(db, name, **params).iloc[-WEEKS:]
    return {"orders": int(rows["orders"].sum()), "revenue": round(float(rows["revenue"].sum()), 2)}


def _naive(db, week, _tmp) -> dict:
    """All orders and lines into pandas, then the Weekly numbers by grouping on week."""
    import pandas as pd

    from salesops import config

    with db.read() as conn:
        orders = pd.read_sql(
            "select id, customer_id, status, ordered_at from orders where deleted_at is null", conn
        )
        lines = pd.read_sql("select order_id, amount, unit_cost, quantity from order_lines", conn)
    orders = orders[~orders["status"].isin(["cancelled", "refunded"])]
    orders["ordered_at"] = pd.to_datetime(orders["ordered_at"], utc=True)
    local = orders["ordered_at"].dt.tz_convert(config.business_zone())
    iso = local.dt.isocalendar()
    orders["week"] = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
    first = orders.groupby("customer_id")["ordered_at"].transform("min")
    orders["is_first"] = orders["ordered_at"] == first
    lines["cost"] = lines["unit_cost"] * lines["quantity"]
    lines["costed"] = lines["amount"].where(lines["unit_cost"].notna())
    per_order = lines.groupby("order_id")[["amount", "costed", "cost"]].sum(min_count=1)
    o = orders.join(per_order, on="id")
    wanted = _labels(week)
    o = o[o["week"].isin(wanted)]
    g = o.groupby("week")
    out = pd.DataFrame(
        {
            "orders": g["id"].count(),
            "revenue": g["amount"].sum(),
            "customers": g["customer_id"].nunique(),
            "new_customers": o[o["is_first"]].groupby("week")["customer_id"].nunique(),
        }
    ).reindex(wanted, fill_value=0)
    out["repeat_customers"] = out["customers"] - out["new_customers"]
    out["aov"] = out["revenue"] / out["orders"]
    costed = g["costed"].sum()
    out["gross_margin"] = (costed - g["cost"].sum()) / costed
    return {"orders": int(out["orders"].sum()), "revenue": round(float(out["revenue"].sum()), 2)}


def _labels(week) -> list[str]:
    """The labels of the WEEKS weeks ending with `week`."""
    from salesops.weeks import week_range

    return [str(w) for w in week_range(week, WEEKS)]


def child(mode: str, url: str, trace: bool) -> None:
    """Run one mode once and print its seconds, peak RSS and result as JSON."""
    import resource
    import tracemalloc

    import pandas  # noqa: F401  imported before the clock starts, as the docstring says
    import xlsxwriter  # noqa: F401

    from salesops import queries  # noqa: F401
    from salesops.db import Database
    from salesops.weekly import export, workbook  # noqa: F401
    from salesops.weeks import parse_week

    db, week = Database(url), parse_week(WEEK)
    fn = {"export": _export, "floor": _floor, "weekly": _weekly, "naive": _naive}[mode]
    with tempfile.TemporaryDirectory() as tmp:
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        result = fn(db, week, Path(tmp))
        seconds = time.perf_counter() - started
        traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        json.dumps(
            {"mode": mode, "seconds": seconds, "rss_mb": rss, "traced_mb": traced, "result": result}
        )
    )


# -- the parent: data, rounds, figures -------------------------------------------------------


def _spawn(mode: str, url: str, trace: bool = False) -> dict:
    """One child run of `mode`; its JSON line."""
    cmd = [sys.executable, "-m", "bench.weekly_bench", "--child", mode, "--db", url]
    out = subprocess.run(
        cmd + (["--trace"] if trace else []), cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def ensure_database(customers: int, orders: int) -> tuple[str, float | None]:
    """A SQLite demo database of this size under bench/out/ (generated when missing)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"weekly-{customers}c-{orders}o.db"
    url = f"sqlite:///{path}"
    if path.exists():
        return url, None
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "salesops",
            "--db",
            url,
            "demo",
            "--customers",
            str(customers),
            "--orders",
            str(orders),
            "--anchor",
            "2026-11-22",  # REFERENCE_ANCHOR: WEEK is its last complete week
        ],
        cwd=ROOT,
        check=True,
    )
    return url, time.perf_counter() - started


def count_lines(url: str) -> int:
    """How many order lines the database holds."""
    import sqlalchemy as sa

    from salesops.db import Database

    with Database(url).read() as conn:
        return conn.execute(sa.text("select count(*) from order_lines")).scalar()


def measure(
    url: str | None = None, customers: int = 40_000, orders: int = 600_000, runs: int = 3
) -> dict:
    """Time export, floor and naive (`runs` alternating rounds after a warm-up); figures."""
    generated = None
    if url is None:
        url, generated = ensure_database(customers, orders)
    samples = {m: [] for m in MODES}
    for _ in range(runs + 1):  # the first round warms the OS cache and is discarded
        for mode in MODES:
            samples[mode].append(_spawn(mode, url))
    samples = {m: s[1:] for m, s in samples.items()}
    traced = _spawn("export", url, trace=True)["traced_mb"]
    med = {m: statistics.median(r["seconds"] for r in s) for m, s in samples.items()}
    return {
        "url": url.rsplit("/", 1)[-1] if url.startswith("sqlite") else url.split("@")[-1],
        "dialect": url.split(":", 1)[0].split("+")[0],
        "order_lines": count_lines(url),
        "generated_s": generated,
        "runs": runs,
        "seconds": med,
        "rss_mb": {m: max(r["rss_mb"] for r in s) for m, s in samples.items()},
        "export_traced_mb": traced,
        "export_vs_floor": med["export"] / med["floor"],
        "naive_vs_export": med["naive"] / med["export"],
        "naive_vs_weekly": med["naive"] / med["weekly"],
        "naive_agrees": _agrees(url, samples["naive"][0]["result"])
        and samples["weekly"][0]["result"] == samples["naive"][0]["result"],
    }


def _agrees(url: str, naive: dict) -> bool:
    """Whether the naive way's orders and revenue over the weeks equal the export's."""
    from salesops.db import Database
    from salesops.weekly.collect import collect
    from salesops.weeks import parse_week

    weekly = collect(Database(url), parse_week(WEEK), WEEKS).weekly
    revenue = round(float(sum(weekly["revenue"])), 2)
    return int(weekly["orders"].sum()) == naive["orders"] and revenue == naive["revenue"]


def report(r: dict) -> str:
    """The figures as the Markdown BENCHMARKS.md keeps."""
    s, m = r["seconds"], r["rss_mb"]
    ok = lambda c: "yes" if c else "NO"  # noqa: E731
    return "\n".join(
        [
            f"{r['dialect']}, {r['order_lines']:,} order lines, median of {r['runs']} runs:",
            "",
            "| way | seconds | x floor | peak RSS (MB) |",
            "|---|---|---|---|",
            *(f"| {k} | {s[k]:.2f} | {s[k] / s['floor']:.2f} | {m[k]:.0f} |" for k in MODES),
            "",
            f"- export / floor = {r['export_vs_floor']:.2f} "
            f"(goal <= 2: {ok(r['export_vs_floor'] <= 2)})",
            f"- naive / export = {r['naive_vs_export']:.1f} (goal >= 10: "
            f"{ok(r['naive_vs_export'] >= 10)})",
            f"- export peak RSS {m['export']:.0f} MB, Python allocations peak "
            f"{r['export_traced_mb']:.0f} MB (goal < 500 MB: {ok(m['export'] < 500)})",
            f"- naive / weekly (the Weekly sheet's own query, like for like) = "
            f"{r['naive_vs_weekly']:.1f}",
            f"- naive and export agree on orders and revenue per week: {ok(r['naive_agrees'])}",
        ]
    )


def main(argv=None) -> None:
    """Command line: see the module docstring."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--db", help="an existing database URL (default: generate a SQLite one)")
    p.add_argument("--customers", type=int, default=40_000)
    p.add_argument("--orders", type=int, default=600_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    p.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        return child(args.child, args.db, args.trace)
    result = measure(args.db, args.customers, args.orders, args.runs)
    print(report(result))
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
