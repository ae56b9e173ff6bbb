"""The demo generator's figures for `make bench`: how long each cached benchmark database
took to build, and one timed `salesops demo` run at the largest size (seconds, peak RSS).

`ctx` is bench.run's Context (sizes, backends, the cached databases).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import dbs
from .report import BACKEND_TITLE, Figure, yes_no

ROOT = Path(__file__).resolve().parent.parent


def bench_generator(ctx) -> list[Figure]:
    """Generator: build seconds of each cached database, and one timed CLI run."""
    builds = Figure(
        "Demo generator: building the cached databases (`demo.generate`, one transaction, "
        "times from the build; seconds)",
        ["backend", "customers", "orders", "order lines", "all rows", "seconds", "rows/s"],
    )
    wanted = [(n, dbs.ORDERS_PER_CUSTOMER) for n in ctx.sizes]
    if ctx.args.big:
        wanted.append(ctx.args.big)
    for backend in ctx.backends:
        for n, per in wanted:
            ctx.url(backend, n, per)
            stats = dbs.built_stats(backend, n, per)
            counts = stats.get("counts", {})
            rows = sum(counts.values())
            builds.rows.append(
                [
                    BACKEND_TITLE[backend],
                    dbs.label(n) + ("" if per == dbs.ORDERS_PER_CUSTOMER else f" x{per}"),
                    counts.get("orders", 0),
                    counts.get("order_lines", 0),
                    rows,
                    stats.get("seconds", float("nan")),
                    round(rows / stats["seconds"]) if stats.get("seconds") else "",
                ]
            )
    builds.notes.append(
        "Build times are from when each database was built (the marker in bench/cache), "
        "which may be an earlier run on a differently loaded machine."
    )
    n = max(ctx.sizes)
    run = generator_run(n, n * dbs.ORDERS_PER_CUSTOMER)
    ctx.raw = run
    cli = Figure(
        f"`salesops demo --customers {n} --orders {n * dbs.ORDERS_PER_CUSTOMER}` into a new "
        "SQLite file, one process",
        ["customers", "seconds (whole command)", "rows", "rows/s", "peak RSS MB", "goal"],
        [
            [
                dbs.label(n),
                run["seconds"],
                run["rows"],
                round(run["rows"] / run["seconds"]),
                round(run["rss_mb"]),
                "minutes, streamed: " + yes_no(run["seconds"] < 30 * 60 and run["rss_mb"] < 1000),
            ]
        ],
        [
            "No floor: the goal is absolute (minutes for 1M customers / 3M orders, memory "
            "flat because rows are streamed in chunks of 5,000)."
        ],
    )
    return [builds, cli]


def generator_run(customers: int, orders: int) -> dict:
    """Time `salesops demo` in a child process into a fresh SQLite file: seconds, peak RSS."""
    dbs.CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="demo-run-", dir=dbs.CACHE) as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        cmd = [sys.executable, "-m", "salesops", "--db", url, "demo"]
        cmd += ["--customers", str(customers), "--orders", str(orders)]
        # stderr (the progress bars: megabytes at 1M) goes to a file: a pipe nobody reads
        # while we wait would fill and stop the child.
        errors = Path(tmp) / "stderr.txt"
        with errors.open("wb") as err:
            started = time.perf_counter()
            child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(child.pid, 0)  # this child's own peak RSS
            seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            tail = errors.read_bytes()[-2000:].decode(errors="replace")
            raise RuntimeError(f"salesops demo failed: {tail}")
        rss = usage.ru_maxrss / 1024  # KiB on Linux
        con = sqlite3.connect(Path(tmp) / "demo.db")
        tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        rows = sum(
            con.execute(f'select count(*) from "{t}"').fetchone()[0]
            for t in tables
            if not t.startswith(("sqlite_", "customers_fts"))
        )
        con.close()
    return {"seconds": seconds, "rss_mb": rss, "rows": rows}
