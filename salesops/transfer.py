"""Copy a whole salesops database into another (SQLite -> PostgreSQL when a team outgrows
one file), then verify it row for row.

The target is migrated to the same revision first and must be empty. Tables are copied
parent-first in chunks inside one transaction, PostgreSQL's id sequences are moved past
the copied ids, and every table is compared by row count and by a digest of its rows in
primary-key order, so a copy that differs in a single value is reported, not trusted.
Derived tables (customer_products), which the target's triggers fill as the orders
arrive, are not copied, but are compared like the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import sqlalchemy as sa

from . import migrate
from .db import Database
from .errors import SalesopsError
from .schema import metadata

CHUNK = 5_000


class TransferError(SalesopsError):
    """The copy could not be made or did not verify."""


def copy_database(
    source: Database, target: Database, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copy every table of `source` into the empty `target`; returns rows copied per table."""
    if migrate.current_revision(source) != migrate.head_revision(source):
        raise TransferError(
            "the source database is not at the newest revision: run `salesops init` on it first"
        )
    migrate.upgrade(target)
    if any(_count(target, t) for t in metadata.sorted_tables):
        raise TransferError(f"the target database {target!r} is not empty; nothing was copied")
    copied = {}
    # One snapshot of the source: a sale saved mid-copy is copied whole or not at all.
    with source.snapshot() as src, target.write() as dst:
        for table in metadata.sorted_tables:
            if table.info.get("derived"):  # the target's triggers rebuild it; verified below
                continue
            copied[table.name] = _copy_table(src, dst, table, progress)
        if target.dialect == "postgresql":
            _reset_sequences(dst)
    verify(source, target)
    return copied


def _copy_table(src, dst, table: sa.Table, progress) -> int:
    """Stream one table across in chunks; returns the row count."""
    total = 0
    if table.name == "counters":  # the target's migration seeded them; take the source's
        dst.execute(table.delete())
    result = src.execution_options(stream_results=True).execute(
        sa.select(table).order_by(*table.primary_key.columns)
    )
    while rows := result.mappings().fetchmany(CHUNK):
        dst.execute(sa.insert(table), [dict(r) for r in rows])
        total += len(rows)
        if progress:
            progress(table.name, len(rows))
    return total


def _reset_sequences(conn) -> None:
    """Move each serial id sequence past the largest copied id."""
    for table in metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and isinstance(table.c.id.type, sa.Integer):
            name = conn.dialect.identifier_preparer.quote(table.name)
            conn.execute(
                sa.text(
                    "select setval(pg_get_serial_sequence(:table, 'id'), "
                    f"coalesce((select max(id) from {name}), 0) + 1, false)"
                ),
                {"table": table.name},
            )


def _count(db: Database, table: sa.Table) -> int:
    """Rows in `table`, counters excluded (a fresh migration seeds them)."""
    if table.name == "counters":
        return 0
    with db.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def table_digest(db: Database, table: sa.Table) -> tuple[int, str]:
    """(row count, SHA-256 of every row's values in primary-key order) for one table."""
    digest, count = hashlib.sha256(), 0
    with db.read() as conn:
        result = conn.execution_options(stream_results=True).execute(
            sa.select(table).order_by(*table.primary_key.columns)
        )
        for row in result:
            digest.update(repr(tuple(_comparable(v) for v in row)).encode())
            count += 1
    return count, digest.hexdigest()


def _comparable(value):
    """Values as both databases give them back (booleans from SQLite come back as bool too)."""
    return str(value) if value is not None else None


def verify(source: Database, target: Database) -> None:
    """Raise TransferError naming every table whose rows differ between the two databases."""
    bad = [
        t.name for t in metadata.sorted_tables if table_digest(source, t) != table_digest(target, t)
    ]
    if bad:
        raise TransferError(f"copy differs from the source in: {', '.join(bad)}")
