"""The benchmark suite in one command (`make bench`): every figure the goals in
BENCHMARKS.md call for, appended to BENCHMARKS.md as a dated section.

    python -m bench.run                               # everything, 10k, 100k and 1M customers
                                                      # (360 and weekly also on 1M x 6 orders)
    python -m bench.run --sizes 10k,100k --big ''     # quicker
    python -m bench.run --only search,360 --sizes 10k --big '' --no-record   # print only

Benchmarks (names for --only):

  search       1. customer search (name prefix, mobile fragment, WeChat ID) vs the bare
                  indexed query, per size, SQLite and PostgreSQL (bench/search_bench.py)
  360          2. customer 360 view's data vs its bare SQL, per size (bench/c360_bench.py)
  weekly       3. weekly sheet export vs the bare SQL of its plan and the naive pandas way,
                  per size, SQLite and PostgreSQL (bench/weekly_bench.py)
  import       4. orders import of --import-lines lines vs a bare bulk insert
                  (bench/import_bench.py)
  concurrency  5. concurrent staff: N processes saving orders and editing shared customers
                  through the app vs one bare-SQL writer, invariants checked, and a writer
                  sweep, SQLite and PostgreSQL (bench/concurrency.py; --concurrency-args)
  pages        6. Voila page time-to-usable: `bench.pages.main(argv)`
  slips        7. pick list and packing slips of 500 orders as one PDF, A4 and labels, vs
                  fpdf2 writing the same strings: `bench.slips_bench.main(argv)`
  ship         8. bulk shipping 10,000 lines vs the bare UPDATEs in one transaction,
                  SQLite and PostgreSQL: `bench.ship_bench.main(argv)`
  generator    the demo generator: build time of each cached database, and one timed
               `salesops demo` run at the largest size (seconds, peak RSS)

The databases are the cached ones of bench/dbs.py (built on first use, reused after). For
benchmarks 6 to 9 the contract is `main(argv) -> str | None`: what `main` returns
(Markdown) or else what it prints goes into the section; `--pages-args` and `--slips-args`
pass argv through. A benchmark that fails is reported as FAILED in the section (with its
error and any tables it measured) and makes the run exit non-zero; nothing is skipped
silently.

Every figure is a ratio against a floor measured in the same run, and the absolute time.
Recorded runs go under `flock /tmp/salesops-bench.lock` on the shared machine; the section
records the load average before and after each benchmark.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import shlex
import sqlite3
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from . import dbs
from .generator_bench import bench_generator
from .report import BACKEND_TITLE, Figure, Result, yes_no

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
OUT = ROOT / "bench" / "out"
NAMES = "search 360 weekly import concurrency pages slips ship network saves generator".split()
BACKENDS = ["sqlite", "postgresql"]


class Context:
    """The sizes and backends of a run, and the cached databases (built on first use)."""

    def __init__(self, sizes: list[int], backends: list[str], args, log=print):
        self.sizes, self.backends, self.args, self.log = sizes, backends, args, log
        self.server: dbs.Server | None = None
        self.raw: object = None  # what the running benchmark measured, for bench/out/*.json

    def url(self, backend: str, n: int, per_customer: int = dbs.ORDERS_PER_CUSTOMER) -> str:
        """The cached database of `n` customers on `backend` (built if missing or stale)."""
        if backend == "postgresql" and self.server is None:
            self.server = dbs.Server().__enter__()
        return dbs.database(backend, n, self.server, log=self.log, per_customer=per_customer)

    def with_big(self, backend: str) -> list[tuple[str, str]]:
        """(row label, URL) for each size, then the big database of --big (the 10M order
        lines of the 360-view and weekly goals: 1M customers with 6 orders each) when it
        is asked for."""
        rows = [(dbs.label(n), self.url(backend, n)) for n in self.sizes]
        if self.args.big:
            n, per = self.args.big
            rows.append((f"{dbs.label(n)} x{per} orders", self.url(backend, n, per)))
        return rows

    def close(self) -> None:
        if self.server is not None:
            self.server.__exit__(None, None, None)
            self.server = None


# -- the benchmarks ----------------------------------------------------------------------------


def _ratio(app: float, floor: float) -> float:
    return app / floor if floor else float("nan")


def bench_search(ctx: Context) -> list[Figure]:
    """Benchmark 1: one table per backend and kind of input, a row per size."""
    from . import search_bench

    figures, raw = {}, []
    for backend in ctx.backends:
        first = {}
        for n in ctx.sizes:
            url = ctx.url(backend, n)
            for r in search_bench.run(url, samples=ctx.args.samples):
                raw.append({"backend": backend, "size": n, **r})
                key = (backend, r["kind"])
                fig = figures.setdefault(
                    key,
                    Figure(
                        f"Search by {r['kind']}, {BACKEND_TITLE[backend]} "
                        f"({ctx.args.samples} searches per size; ms)",
                        [
                            "customers",
                            "app p50",
                            "app p95",
                            "floor p50",
                            "floor p95",
                            "ratio p50",
                            "ratio p95",
                            "p95 vs smallest",
                            "rows",
                            "goal (<= 1.5x, p95 <= 30 ms)",
                        ],
                    ),
                )
                a, f = r["app"], r["floor"]
                first.setdefault(r["kind"], a["p95"])
                ratio50, ratio95 = _ratio(a["p50"], f["p50"]), _ratio(a["p95"], f["p95"])
                fig.rows.append(
                    [
                        dbs.label(n),
                        a["p50"],
                        a["p95"],
                        f["p50"],
                        f["p95"],
                        ratio50,
                        ratio95,
                        f"{a['p95'] / first[r['kind']]:.1f}x",
                        f"{r['rows']:.1f}",
                        yes_no(ratio50 <= 1.5 and a["p95"] <= 30),
                    ]
                )
    ctx.raw = raw
    return list(figures.values())


def bench_360(ctx: Context) -> list[Figure]:
    """Benchmark 2: one table per backend, a row per size."""
    from . import c360_bench

    figures, raw = [], []
    for backend in ctx.backends:
        fig = Figure(
            f"Customer 360 view, {BACKEND_TITLE[backend]} ({ctx.args.samples} customers per "
            "size; ms)",
            [
                "customers",
                "app p50",
                "app p95",
                "floor p50",
                "floor p95",
                "ratio p50",
                "ratio p95",
                "orders per view",
                "goal (p95 <= 50 ms)",
            ],
        )
        for row_label, url in ctx.with_big(backend):
            r = c360_bench.run(url, samples=ctx.args.samples)
            raw.append({"backend": backend, "size": row_label, **r})
            a, f = r["app"], r["floor"]
            fig.rows.append(
                [
                    row_label,
                    a["p50"],
                    a["p95"],
                    f["p50"],
                    f["p95"],
                    _ratio(a["p50"], f["p50"]),
                    _ratio(a["p95"], f["p95"]),
                    f"{r['rows']:.1f}",
                    yes_no(a["p95"] <= 50),
                ]
            )
            h = r["heaviest"]
            fig.notes.append(
                f"{row_label}: the heaviest customer ({h['orders']} orders), 30 views: "
                f"app p50 {h['app']['p50']:.2f} / p95 {h['app']['p95']:.2f} ms, floor p50 "
                f"{h['floor']['p50']:.2f} / p95 {h['floor']['p95']:.2f} ms"
            )
        figures.append(fig)
    ctx.raw = raw
    return figures


def bench_weekly(ctx: Context) -> list[Figure]:
    """Benchmark 3: one table per backend, a row per size (12-week workbook, seconds)."""
    from . import weekly_bench

    figures, raw = [], []
    for backend in ctx.backends:
        fig = Figure(
            f"Weekly sheet export (12 weeks), {BACKEND_TITLE[backend]}: median of "
            f"{ctx.args.weekly_runs} runs, each in a fresh process (seconds)",
            [
                "customers",
                "order lines",
                "export",
                "floor",
                "export / floor",
                "naive",
                "naive / export",
                "Weekly query",
                "naive / Weekly query",
                "export peak RSS MB",
                "naive peak RSS MB",
                "goal (<= 2x floor, naive >= 10x, < 500 MB)",
            ],
        )
        for row_label, url in ctx.with_big(backend):
            r = weekly_bench.measure(url, runs=ctx.args.weekly_runs)
            raw.append({"backend": backend, "size": row_label, **r})
            s, m = r["seconds"], r["rss_mb"]
            fig.rows.append(
                [
                    row_label,
                    r["order_lines"],
                    s["export"],
                    s["floor"],
                    r["export_vs_floor"],
                    s["naive"],
                    r["naive_vs_export"],
                    s["weekly"],
                    r["naive_vs_weekly"],
                    round(m["export"]),
                    round(m["naive"]),
                    yes_no(
                        r["export_vs_floor"] <= 2
                        and r["naive_vs_export"] >= 10
                        and m["export"] < 500
                    ),
                ]
            )
            if not r["naive_agrees"]:
                fig.notes.append(f"{row_label}: the naive way and the export DISAGREE")
        figures.append(fig)
    ctx.raw = raw
    return figures


def bench_import(ctx: Context) -> list[Figure]:
    """Benchmark 4: a row per backend (import into an empty database; not size-dependent)."""
    from . import import_bench

    rows = import_bench.run(ctx.args.import_lines, tuple(ctx.backends), rounds=ctx.args.rounds)
    ctx.raw = rows
    fig = Figure(
        f"Orders import of {ctx.args.import_lines:,} lines into an empty database, best of "
        f"{ctx.args.rounds} alternating rounds (seconds)",
        ["backend", "orders", "import", "floor", "ratio", "lines/s", "peak RSS MB", "goal (<= 2x)"],
    )
    for r in rows:
        fig.rows.append(
            [
                BACKEND_TITLE[r["backend"]],
                r["orders"],
                r["import_s"],
                r["floor_s"],
                r["ratio"],
                round(r["lines"] / r["import_s"]),
                r["peak_mb"],
                yes_no(r["ratio"] <= 2),
            ]
        )
    return [fig]


def _call_main(module: str, argv: list[str]) -> str:
    """Run `<module>.main(argv)`; its Markdown: what it returned, else what it printed."""
    import importlib

    mod = importlib.import_module(module)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        returned = mod.main(argv)
    printed = buf.getvalue()
    sys.stdout.write(printed)
    return returned if isinstance(returned, str) else printed


def bench_concurrency(ctx: Context) -> list[Figure]:
    """Benchmark 5: a headline table and a writer sweep per backend (bench/concurrency.py);
    a broken invariant fails the benchmark, its tables still recorded."""
    from . import concurrency

    args = concurrency.parse_args(shlex.split(ctx.args.concurrency_args))
    results = concurrency.suite(lambda b: ctx.url(b, args.size), ctx.backends, args, ctx.log)
    ctx.raw = concurrency.compact(results)
    figures = concurrency.figures(results, args)
    broken = concurrency.problems(results)
    if broken:
        raise concurrency.InvariantBroken(broken, figures)
    return figures


def own_report(module: str, option: str):
    """A benchmark that is `<module>.main(argv)`'s own report, argv from --<option>-args."""
    return lambda ctx: _call_main(module, shlex.split(getattr(ctx.args, f"{option}_args")))


BENCHES = {
    "search": ("1. Customer search", bench_search),
    "360": ("2. Customer 360 view", bench_360),
    "weekly": ("3. Weekly sheet export", bench_weekly),
    "import": ("4. Orders import", bench_import),
    "concurrency": ("5. Concurrent staff", bench_concurrency),
    "pages": ("6. Voila page time-to-usable", own_report("bench.pages", "pages")),
    "slips": ("7. Pick list and packing slips PDF", own_report("bench.slips_bench", "slips")),
    "ship": ("8. Bulk shipping", own_report("bench.ship_bench", "ship")),
    "network": ("9. Pages over a phone network", own_report("bench.network", "network")),
    "saves": ("10. Order saves against a distant PostgreSQL", own_report("bench.saves", "saves")),
    "generator": ("Demo data generator", bench_generator),
}


def run_one(name: str, ctx: Context) -> Result:
    """Run benchmark `name`, catching its failure into the result."""
    title, fn = BENCHES[name]
    res = Result(name, title)
    before, started = os.getloadavg()[0], time.perf_counter()
    ctx.raw = None
    try:
        out = fn(ctx)
        if isinstance(out, str):
            res.text = out
        else:
            res.figures = out
    except Exception as exc:  # reported in the section, and the run exits non-zero
        res.figures = getattr(exc, "figures", [])  # what was measured before it failed
        res.error = f"{type(exc).__name__}: {exc}".replace("`", "'")[:500]
        traceback.print_exc()
    res.seconds, res.load, res.raw = (
        time.perf_counter() - started,
        (before, os.getloadavg()[0]),
        ctx.raw,
    )
    return res


# -- the section's header: machine, versions -----------------------------------------------------


def machine() -> str:
    """Cores, RAM and CPU model of this machine."""
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores ({cpu or platform.machine()}), {ram:.0f} GiB RAM, {system}"


def versions(ctx: Context | None = None) -> str:
    """Python, SQLite, PostgreSQL, SQLAlchemy and pandas versions."""
    import pandas
    import sqlalchemy

    pg = "not used"
    with contextlib.suppress(Exception):
        from tests.pgtemp import find_bindir

        out = subprocess.run(
            [str(find_bindir() / "postgres"), "--version"], capture_output=True, text=True
        )
        pg = out.stdout.strip().rsplit(" ", 1)[-1] or pg
    return (
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, PostgreSQL {pg}, "
        f"SQLAlchemy {sqlalchemy.__version__}, pandas {pandas.__version__}"
    )


def section(results: list[Result], sizes: list[int], backends: list[str], started: datetime) -> str:
    """The dated BENCHMARKS.md section of one run."""
    failed = [r.title for r in results if r.error]
    lines = [
        f"## Suite run of {started:%Y-%m-%d %H:%M} UTC: {', '.join(r.name for r in results)}",
        "",
        f"- Machine: {machine()}; load average at start {results[0].load[0] if results else 0:.1f} "
        "(shared machine: other sessions' tests and servers ran alongside)",
        f"- Versions: {versions()}",
        f"- Sizes: {', '.join(dbs.label(n) for n in sizes)} customers "
        f"({dbs.ORDERS_PER_CUSTOMER} orders per customer); backends: "
        f"{', '.join(BACKEND_TITLE[b] for b in backends)}",
        "- Ratios are app / floor measured in the same run, alternating calls; times in ms "
        "unless the table says seconds.",
    ]
    if failed:
        lines.append(f"- **Failed**: {', '.join(failed)} (see below)")
    lines.append("")
    return "\n".join(lines) + "\n" + "\n\n".join(r.markdown() for r in results) + "\n"


def record(text: str, path: Path = BENCHMARKS_MD) -> None:
    """Append a section to BENCHMARKS.md (a blank line before it)."""
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    path.write_text(old.rstrip("\n") + "\n\n" + text)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="10k,100k,1M", help="customers per database, e.g. 10k,100k")
    p.add_argument("--only", default=",".join(NAMES), help=f"some of: {','.join(NAMES)}")
    p.add_argument("--backends", default=",".join(BACKENDS))
    p.add_argument("--samples", type=int, default=200, help="searches / views per size")
    p.add_argument(
        "--big",
        default="1M:6",
        help="CUSTOMERS:ORDERS_PER_CUSTOMER of the extra database the 360 view and the weekly "
        "sheet are also measured on (default 1M:6, about 10M order lines); '' for none",
    )
    p.add_argument("--weekly-runs", type=int, default=3)
    p.add_argument("--import-lines", type=int, default=1_000_000)
    p.add_argument("--rounds", type=int, default=3, help="import rounds")
    p.add_argument("--concurrency-args", default="", help="argv for bench.concurrency.main")
    p.add_argument(
        "--pages-args",
        default="--demo --tabs --search 20",
        help="argv for bench.pages.main (default: every page on demo data, tabs vs pages, "
        "20 searches in the browser)",
    )
    for name, module in (("slips", "slips_bench"), ("ship", "ship_bench"), ("network", "network")):
        p.add_argument(f"--{name}-args", default="", help=f"argv for bench.{module}.main")
    p.add_argument("--saves-args", default="", help="argv for bench.saves.main")
    p.add_argument("--no-record", action="store_true", help="print, do not append")
    p.add_argument("--output", type=Path, default=BENCHMARKS_MD)
    args = p.parse_args(argv)
    args.sizes = sorted(dbs.parse_size(s) for s in args.sizes.split(","))
    args.only = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in args.only if n not in BENCHES]
    if unknown:
        p.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    if args.big:
        try:
            customers, per = args.big.split(":")
            args.big = (dbs.parse_size(customers), int(per))
        except ValueError:
            p.error(f"--big: CUSTOMERS:ORDERS_PER_CUSTOMER, e.g. 1M:6, not {args.big!r}")
    args.backends = [b.strip() for b in args.backends.split(",")]
    if any(b not in BACKENDS for b in args.backends):
        p.error(f"backends: {', '.join(BACKENDS)}")
    return args


def main(argv=None) -> int:
    """Run the chosen benchmarks, print the section, append it to BENCHMARKS.md."""
    args = parse_args(argv)
    started = datetime.now(UTC)
    ctx = Context(args.sizes, args.backends, args, log=lambda m: print(m, flush=True))
    results = []
    try:
        for name in [n for n in NAMES if n in args.only]:
            print(f"== {BENCHES[name][0]} ...", flush=True)
            results.append(run_one(name, ctx))
            print(results[-1].markdown() + "\n", flush=True)
    finally:
        ctx.close()
    text = section(results, args.sizes, args.backends, started)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = f"{started:%Y%m%dT%H%M%S}"
    (OUT / f"run-{stamp}.json").write_text(
        json.dumps([{"name": r.name, "error": r.error, "raw": r.raw} for r in results], default=str)
    )
    if not args.no_record:
        record(text, args.output)
        print(f"appended to {args.output}")
    else:
        print(text)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
