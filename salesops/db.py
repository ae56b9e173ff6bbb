"""The database handle: one engine per process, read and write transactions.

SQLite is opened in WAL mode with foreign keys on and a busy timeout, and every write
transaction starts with BEGIN IMMEDIATE, so several Voila kernels (one process per open
page) and CLI runs can share one file without "database is locked" errors: a writer waits
for the lock up front instead of failing when it upgrades a read lock. PostgreSQL gets a
small pool per process, since every open page is a process of its own.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import config

SQLITE_BUSY_TIMEOUT_MS = 30_000
SNAPSHOT_LOCK_WAIT_MS = 200  # Database.snapshots: how long to wait for the write lock


class Database:
    """A connected database: `read()` and `write()` give transactions on its engine."""

    def __init__(self, url: str | None = None, *, pool_size: int = 2):
        self.url = config.db_url(url)
        self.engine = make_engine(self.url, pool_size=pool_size)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded SQLite file."""
        return self.dialect == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction. Each statement sees a consistent snapshot; on PostgreSQL
        (READ COMMITTED) two statements may see different ones. Use `snapshot()` when
        several statements must agree with each other."""
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read transaction whose statements all see one snapshot of the database.

        SQLite's WAL readers keep the snapshot of their first read until the transaction
        ends; PostgreSQL runs this one at REPEATABLE READ (read-only, it never fails on
        conflicts). It costs more per transaction there than `read()` (BENCHMARKS.md,
        "Measurements behind the code"), which is why single-statement reads (search as
        you type) do not use it. The weekly sheet runs its
        eleven queries in one snapshot, so its sheets agree while staff save orders.
        """
        with self.engine.connect() as conn:
            if not self.is_sqlite:
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextmanager
    def snapshots(self, count: int) -> Iterator[list[Connection]]:
        """`count` read transactions on `count` connections that all see one snapshot, for
        reading in parallel threads (one connection per thread at a time).

        PostgreSQL: the first transaction (REPEATABLE READ) exports its snapshot and the
        others adopt it (pg_export_snapshot / SET TRANSACTION SNAPSHOT, as pg_dump --jobs
        does). SQLite: the readers start their transactions while one writer's lock is
        held, so no commit can fall between them, then the lock is let go (writers wait a
        millisecond or so). If that lock is not free within SNAPSHOT_LOCK_WAIT_MS (an import
        is writing), the list holds one connection: the caller reads in one thread.
        """
        with ExitStack() as stack:
            if self.is_sqlite:
                conns = self._sqlite_snapshots(stack, count)
            else:
                conns = [self._pg_snapshot(stack, None, count)]
                exported = conns[0].exec_driver_sql("select pg_export_snapshot()").scalar()
                conns += [self._pg_snapshot(stack, exported, count) for _ in range(count - 1)]
            yield conns

    def _pg_snapshot(self, stack: ExitStack, exported: str | None, count: int) -> Connection:
        """A REPEATABLE READ transaction, on the snapshot `exported` when given.

        When several run side by side they are the parallelism: parallel query workers are
        turned off for them, since each worker of a parallel hash join builds the same hash
        table again. Without workers, the default random_page_cost (4, for spinning disks)
        makes the planner hash whole tables rather than probe indexes for a week's rows
        (the weekly sheet's products: a scan of every order line); these transactions read
        index ranges that sit in memory, so they plan with 1.1, the value PostgreSQL's
        documentation suggests for solid-state storage (what each saved on the weekly
        sheet: BENCHMARKS.md, "Measurements behind the code")."""
        conn = stack.enter_context(self.engine.connect())
        conn.execution_options(isolation_level="REPEATABLE READ")
        stack.enter_context(conn.begin())
        if exported:
            conn.exec_driver_sql(f"set transaction snapshot '{exported}'")
        if count > 1:
            conn.exec_driver_sql("set local max_parallel_workers_per_gather = 0")
            conn.exec_driver_sql("set local random_page_cost = 1.1")
        return conn

    def _sqlite_snapshots(self, stack: ExitStack, count: int) -> list[Connection]:
        """Readers whose snapshots start under a writer's lock (one reader if it is busy)."""
        readers = []
        with self.engine.connect() as lock:
            raw = lock.connection.dbapi_connection
            raw.execute(f"pragma busy_timeout = {SNAPSHOT_LOCK_WAIT_MS}")
            try:
                raw.execute("BEGIN IMMEDIATE")  # on the driver: SQLAlchemy would BEGIN first
            except sqlite3.OperationalError:
                count = 1  # a long write holds the lock: one snapshot, read in one thread
            finally:
                raw.execute(f"pragma busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            try:
                for _ in range(count):
                    conn = stack.enter_context(self.engine.connect())
                    stack.enter_context(conn.begin())
                    # the first read fixes a WAL reader's snapshot
                    conn.exec_driver_sql("select count(*) from sqlite_master").scalar()
                    readers.append(conn)
            finally:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
        return readers

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back on any error."""
        with self.engine.connect() as conn:
            conn.execution_options(salesops_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def statements(self) -> Iterator[Connection]:
        """A connection without a transaction around its statements (autocommit): each
        statement is a transaction of its own, all or nothing, so work done in one
        statement (salesops.order_saves) costs no BEGIN and no COMMIT, two round trips to
        a distant server."""
        with self.engine.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

    def dispose(self) -> None:
        """Close every pooled connection (before forking, or when done)."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.engine.url.render_as_string(hide_password=True)!r})"


# Connections beyond pool_size, closed when given back: a weekly sheet's two reading threads
# (plus, on SQLite, the lock that starts their snapshot) and a save from the same process.
MAX_OVERFLOW = 2


def make_engine(url: str, *, pool_size: int = 2) -> Engine:
    """An engine for `url`, tuned for many small processes sharing one database."""
    u = sa.engine.make_url(url)
    if u.get_backend_name() == "sqlite":
        return _sqlite_engine(u, pool_size)
    engine = sa.create_engine(
        u,
        pool_size=pool_size,
        max_overflow=MAX_OVERFLOW,
        pool_recycle=3600,
        hide_parameters=True,  # an error's text never carries a row's values (issue 20)
    )
    _ping_when_idle(engine)
    _no_jit(engine)
    return engine


def _no_jit(engine: Engine) -> None:
    """Turn PostgreSQL's JIT compilation off on each new connection.

    The server compiles a query to machine code when its estimated cost passes
    jit_above_cost; our queries are index lookups that run in milliseconds, and a recursive
    query (the weekly sheet's reseller tree) is estimated far too high, so JIT spent longer
    compiling it than it takes to run (BENCHMARKS.md, "Measurements behind the code"). An
    analyst who wants it for a long query can `set jit = on`.
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        _outside_transaction(dbapi_conn, "set jit = off")  # so it lasts the session


def _outside_transaction(dbapi_conn, sql: str) -> None:
    """Run `sql` on a psycopg connection in autocommit, leaving no transaction open."""
    was = dbapi_conn.autocommit
    dbapi_conn.autocommit = True
    try:
        dbapi_conn.execute(sql)
    finally:
        dbapi_conn.autocommit = was


PING_AFTER_IDLE_S = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection is alive before use when it sat idle for a while.

    Like `pool_pre_ping`, but only for connections idle longer than PING_AFTER_IDLE_S: a
    page searching as someone types checks a connection out many times a second, and a
    ping on each would be one more round trip per search (about a third of a search's time
    at 1M customers, bench/search_bench.py). A dead connection raises DisconnectionError,
    so the pool replaces it and retries, as pre-ping does. A server restart inside the idle
    window fails that one statement instead; its disconnect error invalidates the pool, so
    the next action gets fresh connections.
    """
    import time

    @sa.event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, _proxy):
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            _outside_transaction(dbapi_conn, "select 1")
        except Exception as exc:
            raise sa.exc.DisconnectionError(f"pooled connection is dead: {exc}") from exc


def _private_file(path: Path) -> None:
    """A new database file is created owner-only (SQLite gives its WAL and shared-memory
    files the same mode), in a folder made owner-only when we make it."""
    from .files import private_dir

    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _sqlite_engine(u: sa.URL, pool_size: int) -> Engine:
    """SQLite with WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE for writers."""
    if u.database and u.database != ":memory:" and not u.query.get("uri"):
        _private_file(Path(u.database))
    engine = sa.create_engine(
        u, pool_size=pool_size, max_overflow=MAX_OVERFLOW, hide_parameters=True
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        """Hand transaction control to SQLAlchemy and set the pragmas every connection needs."""
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"pragma busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("pragma journal_mode = wal")
        cur.execute("pragma foreign_keys = on")
        cur.execute("pragma synchronous = normal")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        """Writers take the lock at BEGIN, so they queue behind each other instead of failing."""
        immediate = conn.get_execution_options().get("salesops_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


_handles: dict[str, Database] = {}


def connect(url: str | None = None) -> Database:
    """The database handle for `url` (default: SALESOPS_DB_URL, else data/salesops.db).

    One handle per URL per process, so every page component and analysis function in a
    kernel shares one small pool. (The pages, the CLI and `salesops.connect()` also load
    the shop settings into salesops.config; this module stays below the services.)
    """
    resolved = config.db_url(url)
    if resolved not in _handles:
        _handles[resolved] = Database(resolved)
    return _handles[resolved]
