"""The audit log: one row per create, update, delete or status change, in the same
transaction as the change itself, so a change is never without its record."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from .schema import audit_log, now_utc


def _plain(value):
    """JSON-friendly form of Decimals and datetimes."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _dump(values: dict | None) -> str | None:
    """A dict as sorted JSON text (None stays None)."""
    if values is None:
        return None
    return json.dumps({k: _plain(v) for k, v in values.items()}, ensure_ascii=False, sort_keys=True)


def changed(old: dict, new: dict) -> tuple[dict, dict]:
    """The old and new values of just the fields `new` changes."""
    keys = [k for k in new if old.get(k) != new[k]]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


def record(
    conn,
    actor: str,
    table: str,
    row_id: int,
    action: str,
    old: dict | None = None,
    new: dict | None = None,
) -> None:
    """Write one audit row (who, when, table, id, old -> new) on `conn`'s transaction."""
    conn.execute(
        sa.insert(audit_log).values(
            at=now_utc(),
            actor=actor,
            table_name=table,
            row_id=row_id,
            action=action,
            old_values=_dump(old),
            new_values=_dump(new),
        )
    )


def history(conn, table: str, row_id: int) -> list[dict]:
    """The audit rows of one record, oldest first, with values decoded."""
    rows = conn.execute(
        sa.select(audit_log)
        .where(audit_log.c.table_name == table, audit_log.c.row_id == row_id)
        .order_by(audit_log.c.id)
    ).mappings()
    return [
        {
            **r,
            "old_values": json.loads(r["old_values"] or "null"),
            "new_values": json.loads(r["new_values"] or "null"),
        }
        for r in rows
    ]
