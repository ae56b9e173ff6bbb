"""The benchmark databases: demo data at 10k, 100k and 1M customers (3 orders each, about
5 order lines per customer) and the 10M-order-line one (1M customers, 6 orders each), built
once and cached.

SQLite files live in bench/cache/ (git-ignored). PostgreSQL databases live in a cluster of
their own under bench/cache/pg (initdb'd on first use, started for a run and stopped after
it), unless BENCH_PG_URL names a server to use instead (a URL ending in a database name
the benchmarks may replace, e.g. postgresql+psycopg://me@localhost/postgres).

A database is reused while its marker file matches the size, the seed and a digest of the
generator's code; otherwise it is rebuilt. Schema changes do not force a rebuild: a reused
database is brought to the head migration (`migrate.upgrade`), as a real one would be, so a
new index costs one migration run, not a 1M-customer rebuild. The
benchmark cluster runs with fsync on and synchronous_commit off: a crash loses at most the
last moments of commits, never consistency, which is what SQLite in WAL mode with
synchronous=NORMAL (salesops.db) promises too, so the two are compared like for like.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from salesops import migrate
from salesops.db import Database
from tests.pgtemp import TempPostgres, free_port

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / "cache"
ORDERS_PER_CUSTOMER = 3  # the goals' largest database: 1M customers / 3M orders
SEED = 20151122
SHAPING = [  # the code that decides which rows a generated database holds
    "salesops/demo",
    "salesops/bulk.py",
]


def parse_size(text: str) -> int:
    """'10k' -> 10_000, '1M' -> 1_000_000, '2500' -> 2500."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not m:
        raise ValueError(f"not a size: {text!r} (use e.g. 10k, 100k, 1M)")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[m[2].lower()]
    return int(float(m[1]) * factor)


def label(n: int) -> str:
    """10_000 -> '10k', 1_000_000 -> '1M'."""
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def shaping_digest() -> str:
    """A digest of the code that decides what a generated database holds."""
    h = hashlib.sha256()
    top = ROOT.parent
    for rel in SHAPING:
        path = top / rel
        for f in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


class BenchPostgres(TempPostgres):
    """A PostgreSQL cluster kept in bench/cache/pg between runs (data survives stop).

    Run as root, the server runs as `postgres`, which must be able to reach the cluster's
    folder; when a parent folder of the checkout is closed to it (a clone under a mode-700
    directory), the cluster goes to /var/tmp/salesops-bench-pg-<digest of the checkout's
    path> instead, kept between runs likewise."""

    def __init__(self, root: Path | None = None):
        super().__init__()
        shutil.rmtree(self.root, ignore_errors=True)  # the temp dir TempPostgres made
        root = root or self._reachable(CACHE / "pg")
        self.root, self.datadir, self.port = root, root / "data", free_port()

    def _reachable(self, wanted: Path) -> Path:
        """`wanted`, or a folder under /var/tmp when the postgres user cannot reach it."""
        if not self._as_root:
            return wanted
        wanted.parent.mkdir(parents=True, exist_ok=True)
        probe = ["runuser", "-u", "postgres", "--", "test", "-d", str(wanted.parent)]
        if subprocess.run(probe, capture_output=True).returncode == 0:
            return wanted
        digest = hashlib.sha256(str(wanted).encode()).hexdigest()[:12]
        elsewhere = Path("/var/tmp") / f"salesops-bench-pg-{digest}"
        print(
            f"the postgres user cannot reach {wanted.parent}; "
            f"the benchmark cluster lives in {elsewhere}",
            flush=True,
        )
        return elsewhere

    def start(self) -> BenchPostgres:
        """initdb on first use, then start with benchmark settings; if another process of
        ours already runs this cluster, use it (and leave stopping it to that process)."""
        self.owned = False
        self.root.mkdir(parents=True, exist_ok=True)
        running = self._running_port()
        if running:
            self.port = running
            return self
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        if not (self.datadir / "PG_VERSION").exists():
            self._run(
                str(self.bindir / "initdb"),
                "-D",
                str(self.datadir),
                "--auth-local=trust",
                "--auth-host=trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            )
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c synchronous_commit=off -c max_connections=100 -c shared_buffers=512MB "
            "-c work_mem=16MB -c maintenance_work_mem=256MB -c max_wal_size=4GB"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-o",
            opts,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "start",
        )
        self.owned = True
        return self

    def _running_port(self) -> int | None:
        """The port of this cluster's server if it is up and answering, else None."""
        pidfile = self.datadir / "postmaster.pid"
        try:
            lines = pidfile.read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
            os.kill(pid, 0)
        except (OSError, ValueError, IndexError):
            return None
        try:
            import psycopg

            psycopg.connect(self._dsn("postgres", port), connect_timeout=5).close()
        except Exception:
            return None
        return port

    def stop(self) -> None:
        """Stop the server if this process started it, keeping its data for the next run."""
        if not getattr(self, "owned", False):
            return
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "stop")
        except subprocess.CalledProcessError:
            pass

    def exists(self, dbname: str) -> bool:
        """Whether database `dbname` exists."""
        import psycopg

        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            return bool(
                conn.execute("select 1 from pg_database where datname = %s", (dbname,)).fetchone()
            )

    def _dsn(self, dbname: str, port: int | None = None) -> str:
        return f"host=127.0.0.1 port={port or self.port} user=postgres dbname={dbname}"


class Server:
    """Where PostgreSQL benchmark databases go: our cluster, or BENCH_PG_URL's server."""

    def __init__(self):
        self.external = os.environ.get("BENCH_PG_URL")
        self.cluster: BenchPostgres | None = None

    def __enter__(self) -> Server:
        if not self.external:
            self.cluster = BenchPostgres().start()
        return self

    def __exit__(self, *exc) -> None:
        if self.cluster:
            self.cluster.stop()

    def url(self, dbname: str) -> str:
        """The URL of database `dbname` on this server."""
        if self.external:
            return self.external.rsplit("/", 1)[0] + "/" + dbname
        return self.cluster.url(dbname)

    def recreate(self, dbname: str) -> str:
        """Drop and create database `dbname`; its URL."""
        import psycopg

        admin = self.url("postgres").replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{dbname}" with (force)')
            conn.execute(f'create database "{dbname}"')
        return self.url(dbname)


def _suffix(per_customer: int) -> str:
    """'' for the standard 3 orders per customer, else '_x6' and so on."""
    return "" if per_customer == ORDERS_PER_CUSTOMER else f"_x{per_customer}"


def _marker(backend: str, n: int, per_customer: int = ORDERS_PER_CUSTOMER) -> Path:
    return CACHE / f"{backend}-{label(n)}{_suffix(per_customer)}.json"


def _wanted(n: int, per_customer: int = ORDERS_PER_CUSTOMER) -> dict:
    return {
        "customers": n,
        "orders": n * per_customer,
        "seed": SEED,
        "code": shaping_digest(),
    }


def database(
    backend: str,
    n: int,
    server: Server | None,
    log=print,
    per_customer: int = ORDERS_PER_CUSTOMER,
) -> str:
    """The URL of the cached benchmark database of `n` customers and `per_customer` orders
    each (3 unless asked: 1M x 6 is the 10M-order-line database of the 360-view and
    weekly goals), built if missing or stale."""
    CACHE.mkdir(parents=True, exist_ok=True)
    marker, wanted = _marker(backend, n, per_customer), _wanted(n, per_customer)
    name = f"bench_{label(n).lower()}{_suffix(per_customer)}"
    if backend == "sqlite":
        path = CACHE / f"{name}.db"
        url = f"sqlite:///{path}"
    else:
        url = server.url(name)
    fresh = marker.exists() and json.loads(marker.read_text()).get("want") == wanted
    if fresh and (backend == "sqlite" and path.exists() or backend != "sqlite"):
        if backend == "sqlite" or _pg_exists(server, name):
            _upgrade(url, log)
            return url
    log(f"building {backend} database with {label(n)} customers, {per_customer} orders each ...")
    if backend == "sqlite":
        for f in CACHE.glob(f"{name}.db*"):
            f.unlink()
    else:
        url = server.recreate(name)
    stats = build(url, n, per_customer)
    marker.write_text(json.dumps({"want": wanted, "built": stats}, indent=1))
    return url


def _upgrade(url: str, log=print) -> None:
    """Bring a reused database to the head migration; if it moved, compact and refresh
    statistics, so it matches one built at the head revision (a migration that fills a
    new column rewrites every row, leaving PostgreSQL tables with a dead copy of each)."""
    db = Database(url)
    try:
        if migrate.current_revision(db) != migrate.head_revision(db):
            log(f"migrating {url.rsplit('/', 1)[-1]} to the head revision ...")
            migrate.upgrade(db)
            analyse(db, full=True)
    finally:
        db.dispose()


def _pg_exists(server: Server, name: str) -> bool:
    if server.cluster:
        return server.cluster.exists(name)
    return True


def build(url: str, n: int, per_customer: int = ORDERS_PER_CUSTOMER) -> dict:
    """Migrate and generate `n` customers with `per_customer` orders each; returns seconds
    taken and row counts."""
    from salesops import demo

    db = Database(url)
    try:
        migrate.upgrade(db)
        started = time.perf_counter()
        summary = demo.generate(
            db, customers=n, orders=n * per_customer, seed=SEED, anchor=demo.REFERENCE_ANCHOR
        )
        seconds = time.perf_counter() - started
        analyse(db)
        return {"seconds": round(seconds, 1), "counts": summary.counts}
    finally:
        db.dispose()


def analyse(db: Database, full: bool = False) -> None:
    """Refresh the planner's statistics (what any DBA does after a bulk load); with `full`,
    also rewrite PostgreSQL tables compactly (VACUUM FULL, after a migration)."""
    if db.is_sqlite:
        with db.write() as conn:
            conn.exec_driver_sql("analyze")
        with db.engine.connect() as conn:
            conn.exec_driver_sql("pragma wal_checkpoint(truncate)")
    else:
        with db.engine.connect() as conn:
            command = "vacuum full analyze" if full else "vacuum analyze"
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(command)


def built_stats(backend: str, n: int, per_customer: int = ORDERS_PER_CUSTOMER) -> dict:
    """What the marker recorded when the database was built (seconds, counts)."""
    marker = _marker(backend, n, per_customer)
    return json.loads(marker.read_text()).get("built", {}) if marker.exists() else {}


def main(argv=None) -> None:
    """Build (or check) the cached databases: `python -m bench.dbs 10k 100k 1M`
    (`--orders-per-customer 6 1M`: the 10M-order-line one)."""
    import argparse

    p = argparse.ArgumentParser(description="Build the cached benchmark databases.")
    p.add_argument("sizes", nargs="*", default=["10k", "100k", "1M"])
    p.add_argument("--backends", default="sqlite,postgresql")
    p.add_argument("--orders-per-customer", type=int, default=ORDERS_PER_CUSTOMER)
    args = p.parse_args(argv)
    per = args.orders_per_customer
    sizes = [parse_size(s) for s in args.sizes]
    backends = args.backends.split(",")
    with Server() as server:
        for backend in backends:
            for n in sizes:
                started = time.perf_counter()
                url = database(backend, n, server, per_customer=per)
                print(
                    f"{backend} {label(n)}{_suffix(per)}: {url.split('@')[-1]} ready "
                    f"({time.perf_counter() - started:.0f} s; "
                    f"built: {built_stats(backend, n, per)})",
                    flush=True,
                )


if __name__ == "__main__":
    main()
