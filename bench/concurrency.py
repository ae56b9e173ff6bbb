"""Benchmark 5: concurrent staff. N processes (one per open page kernel) save orders and edit
customers as fast as they can; afterwards every promise made to them is checked.

    python -m bench.concurrency                         # PostgreSQL 20 writers, SQLite 5, 30 s
                                                        # each, then the 1/2/5/10 writer sweep
    python -m bench.concurrency --backends sqlite --seconds 10 --sweep ''
    python -m bench.concurrency --workers-sqlite 10 --sweep 1,2,5,10,20 --sweep-seconds 5

A writer acts as a page does, through `salesops.web.pagedata.PageData` with an actor of its own
(`bench-w07`, role staff). Each round it reads a "hot" customer (a shared pool of
--edit-pool customers, 5 by default, so concurrent edits of one customer really happen),
saves a new order of 1-3 products for a random buyer, then saves an edit of the hot
customer's notes with the version it read. A ConflictError is the right outcome when
someone saved that customer in between (counted as a conflict; its message must name who);
anything else raised is an error surfaced to staff, counted by kind (on SQLite,
"database is locked" would land here). Writers start together once all are connected, and
log every order number they were told was saved and every edit that succeeded.

Invariants, checked on the database afterwards (the run exits non-zero when one breaks):
every acknowledged order is there with its lines; order numbers are unique; no lost
update: each hot customer's successful edits carry the versions start+1 .. start+k with no
gaps or repeats, its final version is start+k, its audit log holds exactly those edits and
its notes are the last one's; no errors surfaced to staff; every conflict names who.

The floor: one process alone doing the same writes per round with bare SQL on the driver
connection (the counter update, order, lines, status history and audit row in one
transaction; the versioned customer update and its audit row in another; BEGIN IMMEDIATE on
SQLite as the app does), no validation reads, for as many rounds as the headline run saved
orders (at most --floor-cap). It is the least work that leaves the same durable rows with
the same guarantees, so orders/s at N writers / floor orders/s says what the app's layers
and N-way contention cost or gain against one ideal writer, and the sweep's 1-writer row
gives the app alone. Each run works on a scratch copy of the cached database of bench/dbs.py
(10k customers by default; concurrency is about writers, not size), dropped afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import random
import shutil
import sqlite3
import sys
import time
import traceback
from collections import Counter
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa

from salesops.db import Database

from .concurrency_check import check
from .report import BACKEND_TITLE, Figure
from .timing import summary

WORKERS = {"postgresql": 20, "sqlite": 5}
SWEEP = "1,2,5,10"


@dataclass
class Plan:
    """What every writer of one run needs (picklable for spawned processes)."""

    url: str
    seconds: float
    buyers: list[int]
    hot: list[int]
    skus: list[str]
    rounds: int = 0  # the floor: a fixed number of rounds instead of a duration
    hot_versions: dict = field(default_factory=dict)
    audit_from: int = 0


def make_plan(url: str, seconds: float, edit_pool: int = 5, rounds: int = 0) -> Plan:
    """Buyers, the hot customers and their versions now, products, the audit log's end."""
    rng = random.Random(20151122)
    db = Database(url)
    try:
        with db.read() as conn:
            ids = (
                conn.execute(
                    sa.text(
                        "select id from customers where deleted_at is null"
                        " and channel_id is not null order by id"
                    )
                )
                .scalars()
                .all()
            )
            picked = rng.sample(ids, min(len(ids), 200 + edit_pool))
            hot = sorted(picked[:edit_pool])
            versions = conn.execute(
                sa.text(f"select id, version from customers where id in ({_ids(hot)})")
            ).all()
            skus = (
                conn.execute(sa.text("select sku from products where active order by sku"))
                .scalars()
                .all()
            )
            audit_from = conn.execute(
                sa.text("select coalesce(max(id), 0) from audit_log")
            ).scalar()
    finally:
        db.dispose()
    buyers = picked[edit_pool:] or hot
    return Plan(url, seconds, buyers, hot, list(skus), rounds, dict(versions), audit_from)


def _ids(ids) -> str:
    return ", ".join(str(int(i)) for i in ids) or "null"


# -- the writers (one spawned process each) ---------------------------------------------------


@dataclass
class Tally:
    """What one writer did and was told."""

    index: int
    saved: list = field(default_factory=list)  # (order_no, order id, lines)
    save_s: list = field(default_factory=list)
    edits: list = field(default_factory=list)  # (customer id, version, notes marker)
    conflicts: int = 0
    unnamed_conflicts: int = 0
    errors: Counter = field(default_factory=Counter)
    began: float = 0.0
    ended: float = 0.0
    crashed: str = ""


def _attempt(tally: Tally, me: str, action):
    """Run one page action and sort its outcome as the page would show it (widgets.common)."""
    from salesops.errors import ConflictError, SalesopsError

    try:
        return action()
    except ConflictError as e:
        tally.conflicts += 1
        tally.unnamed_conflicts += not e.who or e.who == me
    except SalesopsError as e:
        tally.errors[f"{type(e).__name__}: {str(e)[:80]}"] += 1
    except Exception as e:  # the page would show "unexpected error" and log a traceback
        tally.errors[f"unexpected {type(e).__name__}: {str(e).splitlines()[0][:80]}"] += 1
    return None


class AppWriter:
    """A member of staff on a page: reads, saves and edits through PageData."""

    def __init__(self, plan: Plan, index: int):
        from salesops.actors import Actor
        from salesops.web.pagedata import PageData

        self.plan, self.db = plan, Database(plan.url)
        self.me = Actor(f"bench-w{index:02d}", "staff")
        self.page = PageData(self.db, actor=lambda: self.me)
        self.page.customer(plan.hot[0])  # connected and warm before the clock starts

    def round(self, rng: random.Random, tally: Tally, k: int) -> None:
        """Read a hot customer, save an order, then save an edit with the version read."""
        hot = rng.choice(self.plan.hot)
        seen = _attempt(tally, self.me.name, lambda: self.page.customer(hot))
        lines = _lines(rng, self.plan.skus)
        started = time.perf_counter()
        order = _attempt(
            tally, self.me.name, lambda: self.page.create_order(rng.choice(self.plan.buyers), lines)
        )
        if order:
            tally.save_s.append(time.perf_counter() - started)
            tally.saved.append((order["order_no"], order["id"], len(lines)))
        if seen:
            marker = f"{self.me.name} #{k}"
            edit = lambda: self.page.update_customer(hot, {"notes": marker}, seen["version"])  # noqa: E731
            done = _attempt(tally, self.me.name, edit)
            if done:
                tally.edits.append((hot, done["version"], marker))

    def close(self) -> None:
        self.db.dispose()


def _lines(rng: random.Random, skus: list[str]) -> list[dict]:
    """1-3 different products, 1-3 of each."""
    return [{"sku": s, "quantity": rng.randint(1, 3)} for s in rng.sample(skus, rng.randint(1, 3))]


def _writer(kind: str, index: int, plan: Plan, ready, start, out) -> None:
    """A writer process: connect, say ready, wait for the start, work, report its tally."""
    tally, writer = Tally(index), None
    try:
        from .concurrency_floor import BareWriter

        writer = (BareWriter if kind == "floor" else AppWriter)(plan, index)
        rng = random.Random(index)
        ready.put(index)
        start.wait()
        tally.began = time.monotonic()
        deadline, k = tally.began + plan.seconds, 0
        while (k < plan.rounds) if plan.rounds else (time.monotonic() < deadline):
            k += 1
            writer.round(rng, tally, k)
        tally.ended = time.monotonic()
    except BaseException:
        tally.crashed = traceback.format_exc()[-2000:]
        ready.put(index)
    finally:
        if writer:
            writer.close()
        out.put(asdict(tally))


def measure(plan: Plan, workers: int, kind: str = "app", timeout: float = 300) -> dict:
    """Start `workers` writers together on plan.url; their merged tallies and the figures."""
    ctx = mp.get_context("spawn")
    ready, out, start = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [
        ctx.Process(target=_writer, args=(kind, i, plan, ready, start, out), daemon=True)
        for i in range(workers)
    ]
    for p in procs:
        p.start()
    try:
        for _ in procs:
            _get(ready, procs, timeout)
        start.set()
        tallies = [_get(out, procs, plan.seconds + timeout) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
    return merge(tallies, workers, kind, plan)


def _get(queue, procs, timeout: float):
    """The next message, failing early when every writer has died without sending one."""
    import queue as queues

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(queues.Empty):
            return queue.get(timeout=1)
        if all(p.exitcode is not None for p in procs) and queue.empty():
            codes = [p.exitcode for p in procs]
            raise RuntimeError(f"writer processes ended without reporting (exit codes {codes})")
    raise TimeoutError(f"no word from the writers in {timeout:g} s")


def merge(tallies: list[dict], workers: int, kind: str, plan: Plan) -> dict:
    """One run's figures from its writers' tallies."""
    saved = [s for t in tallies for s in t["saved"]]
    ran = [t for t in tallies if t["ended"]]
    window = max(t["ended"] for t in ran) - min(t["began"] for t in ran) if ran else float("nan")
    errors = sum((Counter(t["errors"]) for t in tallies), Counter())
    return {
        "kind": kind,
        "workers": workers,
        "seconds": window,
        "orders": len(saved),
        "orders_per_s": len(saved) / window if window else float("nan"),
        "save": summary([s for t in tallies for s in t["save_s"]]),
        "edits": sum(len(t["edits"]) for t in tallies),
        "conflicts": sum(t["conflicts"] for t in tallies),
        "unnamed_conflicts": sum(t["unnamed_conflicts"] for t in tallies),
        "errors": dict(errors),
        "crashed": [t["crashed"] for t in tallies if t["crashed"]],
        "saved": saved,
        "edit_log": [e for t in tallies for e in t["edits"]],
        "plan": asdict(plan),
    }


# -- runs on scratch copies, the report --------------------------------------------------------


@contextlib.contextmanager
def scratch(source_url: str):
    """A throwaway copy of the database at `source_url`, dropped afterwards (SQLite: the
    backup API; PostgreSQL: CREATE DATABASE ... TEMPLATE, a file-level copy)."""
    u = sa.engine.make_url(source_url)
    if u.get_backend_name() == "sqlite":
        folder = os.path.join(os.path.dirname(u.database), f"concurrency-{os.getpid()}")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"scratch-{time.monotonic_ns()}.db")
        with contextlib.closing(sqlite3.connect(u.database)) as src:
            with contextlib.closing(sqlite3.connect(path)) as dst:
                src.backup(dst)
        try:
            yield f"sqlite:///{path}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    name = f"{u.database}_conc_{os.getpid()}_{time.monotonic_ns() % 10**9}"
    admin = u.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'create database "{name}" template "{u.database}"')
    try:
        yield u.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'drop database if exists "{name}" with (force)')


def run_checked(source_url: str, workers: int, seconds: float, args, kind="app", rounds=0):
    """One run on a scratch copy of `source_url`, its invariants checked (`problems`)."""
    with scratch(source_url) as url:
        plan = make_plan(url, seconds, args.edit_pool, rounds)
        result = measure(plan, workers, kind)
        result["problems"] = check(url, result)
    result["load"] = os.getloadavg()[0]  # the 1-minute load average as the run ends
    return result


def suite(source, backends: list[str], args, log=print) -> dict:
    """Per backend: the headline run, the floor, and the writer sweep.

    `source(backend)` gives the URL of the database to copy for each run.
    """
    results = {}
    for backend in backends:
        src, n = source(backend), args.workers[backend]
        log(f"concurrency: {BACKEND_TITLE[backend]}, {n} writers for {args.seconds:g} s ...")
        head = run_checked(src, n, args.seconds, args)
        rounds = max(1, min(head["orders"], args.floor_cap))
        log(f"concurrency: {BACKEND_TITLE[backend]} floor, {rounds} rounds ...")
        floor = run_checked(src, 1, 0, args, kind="floor", rounds=rounds)
        sweep = []
        for k in args.sweep:
            log(f"concurrency: {BACKEND_TITLE[backend]} sweep, {k} writers ...")
            sweep.append(run_checked(src, k, args.sweep_seconds, args))
        results[backend] = {"headline": head, "floor": floor, "sweep": sweep}
    return results


def problems(results: dict) -> list[str]:
    """Every broken invariant of every run, labelled with backend and writer count."""
    found = []
    for backend, r in results.items():
        for run in [r["headline"], r["floor"], *r["sweep"]]:
            label = f"{BACKEND_TITLE[backend]} {run['kind']} {run['workers']} writers"
            found += [f"{label}: {p}" for p in run["problems"]]
    return found


def compact(results: dict) -> dict:
    """The results without the per-order logs (for bench/out/*.json)."""
    drop = ("saved", "edit_log")
    return {
        b: {
            k: [{x: y for x, y in v.items() if x not in drop} for v in runs]
            if isinstance(runs, list)
            else {x: y for x, y in runs.items() if x not in drop}
            for k, runs in r.items()
        }
        for b, r in results.items()
    }


def _kept(run: dict) -> str:
    return "yes" if not run["problems"] else f"**NO** ({len(run['problems'])})"


def _errors(run: dict) -> int:
    return sum(run["errors"].values())


def figures(results: dict, args) -> list:
    """The headline table (a row per backend) and a sweep table per backend."""
    head = Figure(
        f"Concurrent staff: writers saving orders and editing {args.edit_pool} shared customers "
        f"for {args.seconds:g} s, against one bare-SQL writer (ms; orders/s)",
        ["backend", "writers", "orders", "orders/s", "floor orders/s", "ratio", "save p50",
         "save p95", "floor p50", "floor p95", "edits", "conflicts", "errors", "invariants",
         "load"],
    )  # fmt: skip
    tables = [head]
    for backend, r in results.items():
        h, f = r["headline"], r["floor"]
        head.rows.append(
            [BACKEND_TITLE[backend], h["workers"], h["orders"], h["orders_per_s"],
             f["orders_per_s"], h["orders_per_s"] / f["orders_per_s"], h["save"]["p50"],
             h["save"]["p95"], f["save"]["p50"], f["save"]["p95"], h["edits"], h["conflicts"],
             _errors(h), _kept(h) if not f["problems"] else "**NO** (floor)",
             f"{h['load']:.1f} / {f['load']:.1f}"]
        )  # fmt: skip
        if r["sweep"]:
            tables.append(_sweep_figure(backend, r, args))
    head.notes += _notes(results, args)
    return tables


def _sweep_figure(backend: str, r: dict, args):
    """orders/s and save latency as writers are added, on one backend."""
    fig = Figure(
        f"Writer sweep, {BACKEND_TITLE[backend]}: {args.sweep_seconds:g} s per writer count "
        "(ms; orders/s)",
        ["writers", "orders/s", "vs 1 writer", "vs floor", "save p50", "save p95", "edits",
         "conflicts", "errors", "invariants", "load"],
    )  # fmt: skip
    one = next((s["orders_per_s"] for s in r["sweep"] if s["workers"] == 1), float("nan"))
    for s in r["sweep"]:
        fig.rows.append(
            [s["workers"], s["orders_per_s"], f"{s['orders_per_s'] / one:.2f}x",
             s["orders_per_s"] / r["floor"]["orders_per_s"], s["save"]["p50"], s["save"]["p95"],
             s["edits"], s["conflicts"], _errors(s), _kept(s), f"{s['load']:.1f}"]
        )  # fmt: skip
    return fig


def _notes(results: dict, args) -> list[str]:
    notes = [
        "Each writer is a process acting through PageData (as a page kernel does): per round "
        "it reads a shared customer, saves an order of 1-3 products, then saves an edit of "
        "that customer with the version it read; a conflict is the correct answer when "
        "someone saved the customer in between, and it names who.",
        "Floor: one process doing the same writes per round with bare SQL on the driver "
        "connection (order, lines, history, audit in one transaction; versioned customer "
        "update and audit in another), for as many rounds as the headline run saved orders "
        f"(at most {args.floor_cap:,}). ratio = orders/s at N writers / floor orders/s.",
        f"Databases: scratch copies of the {args.size_label}-customer benchmark database, one "
        f"per run. load: the 1-minute load average as each run ended (headline / floor), on "
        f"{os.cpu_count()} cores shared with other work.",
    ]
    broken = problems(results)
    notes += [f"**Invariant broken**: {p}" for p in broken[:20]]
    if not broken:
        notes.append(
            "Invariants kept in every run: every acknowledged order stored with its lines, "
            "order numbers unique, every hot customer's successful edits one unbroken version "
            "chain matching the audit log and the final row, no error shown to staff."
        )
    return notes


class InvariantBroken(Exception):
    """A run broke an invariant; `figures` still hold what was measured."""

    def __init__(self, found: list[str], tables: list):
        super().__init__(f"{len(found)} invariant(s) broken: " + "; ".join(found[:3]))
        self.figures = tables


def parse_args(argv=None):
    from .dbs import label, parse_size

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--backends", default="postgresql,sqlite")
    p.add_argument("--workers-postgresql", type=int, default=WORKERS["postgresql"])
    p.add_argument("--workers-sqlite", type=int, default=WORKERS["sqlite"])
    p.add_argument("--seconds", type=float, default=30.0, help="headline run length")
    p.add_argument("--sweep", default=SWEEP, help="writer counts, e.g. 1,2,5,10 ('' for none)")
    p.add_argument("--sweep-seconds", type=float, default=10.0)
    p.add_argument("--edit-pool", type=int, default=5, help="customers every writer edits")
    p.add_argument("--floor-cap", type=int, default=5000, help="most rounds the floor runs")
    p.add_argument("--size", default="10k", help="customers in the database copied")
    args = p.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    args.workers = {"postgresql": args.workers_postgresql, "sqlite": args.workers_sqlite}
    args.sweep = [int(k) for k in args.sweep.split(",") if k.strip()]
    args.size = parse_size(args.size)
    args.size_label = label(args.size)
    return args


def main(argv=None) -> int:
    """Run the suite on the cached databases, print the tables; 1 if an invariant broke."""
    from . import dbs

    args = parse_args(argv)
    with dbs.Server() if "postgresql" in args.backends else contextlib.nullcontext() as server:
        results = suite(lambda b: dbs.database(b, args.size, server), args.backends, args)
    print("\n\n".join(f.markdown() for f in figures(results, args)))
    found = problems(results)
    for p in found:
        print(f"BROKEN: {p}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
