"""What every service shares: fetching a row, numbering, and the versioned update that
turns a stale save into a ConflictError instead of a silent overwrite."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from . import audit
from .actors import Actor
from .errors import ConflictError, NotFoundError
from .schema import counters, now_utc, order_status_history


def fetch_row(conn, table: sa.Table, row_id: int) -> dict | None:
    """One row of `table` as a dict, or None."""
    row = conn.execute(sa.select(table).where(table.c.id == row_id)).mappings().first()
    return dict(row) if row else None


def require_row(conn, table: sa.Table, row_id: int, what: str) -> dict:
    """One live (not soft-deleted) row, or NotFoundError."""
    row = fetch_row(conn, table, row_id)
    if row is None or row.get("deleted_at") is not None:
        raise NotFoundError(f"{what} {row_id} not found")
    return row


def next_number(conn, name: str) -> int:
    """The next value of counter `name`, unique across processes.

    The UPDATE locks the counter row until the transaction ends, so concurrent writers
    queue on it (PostgreSQL row lock; SQLite's BEGIN IMMEDIATE) and never share a value;
    a rolled-back transaction gives its number back.
    """
    value = conn.execute(
        sa.update(counters)
        .where(counters.c.name == name)
        .values(value=counters.c.value + 1)
        .returning(counters.c.value)
    ).scalar()
    if value is None:
        conn.execute(sa.insert(counters).values(name=name, value=1))
        value = 1
    return int(value)


def stamp_new(actor: Actor, at: datetime | None = None) -> dict:
    """Version and created/updated columns for a new row, made by `actor` at `at` (now)."""
    now = at or now_utc()
    return {
        "version": 1,
        "created_at": now,
        "created_by": actor.name,
        "updated_at": now,
        "updated_by": actor.name,
    }


def versioned_update(
    conn,
    table: sa.Table,
    row_id: int,
    expected_version: int,
    values: dict,
    actor: Actor,
    what: str,
    ident=None,
) -> dict:
    """Apply `values` when the row is still at `expected_version`; audit it; return the new row.

    Raises ConflictError naming who changed it and when if the row moved on (or was
    deleted) since the caller read it.
    """
    old = require_row(conn, table, row_id, what)
    if old["version"] != expected_version:
        raise ConflictError(what, ident or row_id, old["updated_by"], old["updated_at"])
    before, after = audit.changed(old, values)
    if not after:
        return old
    stamp = {"version": old["version"] + 1, "updated_at": now_utc(), "updated_by": actor.name}
    result = conn.execute(
        sa.update(table)
        .where(table.c.id == row_id, table.c.version == expected_version)
        .values(**after, **stamp)
    )
    if result.rowcount != 1:
        fresh = fetch_row(conn, table, row_id)
        raise ConflictError(what, ident or row_id, fresh["updated_by"], fresh["updated_at"])
    audit.record(conn, actor.name, table.name, row_id, "update", before, after)
    return {**old, **after, **stamp}


def log_status(conn, order_id: int, old: str | None, new: str, actor_name: str, reason: str):
    """One row of an order's status history."""
    conn.execute(
        sa.insert(order_status_history).values(
            order_id=order_id,
            from_status=old,
            to_status=new,
            changed_at=now_utc(),
            changed_by=actor_name,
            reason=reason,
        )
    )
