"""Bulk inserts inside a write transaction: buffered rows, flushed in chunks, parents first.

SQLite gets a driver-level executemany with SQLAlchemy's own bind processors applied per
value (the same stored text as a Core insert, without the per-row statement overhead);
PostgreSQL gets COPY on the transaction's own connection. Rows are dicts with the same keys
within a table; times are aware UTC datetimes, money Decimal, as everywhere else.
"""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa

from . import schema as s

CHUNK = 5_000


class BulkWriter:
    """Buffers rows per table and flushes them in bulk, in the order `tables` are given."""

    def __init__(self, conn: sa.Connection, tables: list[sa.Table], chunk: int = CHUNK):
        self.conn, self.chunk, self.tables = conn, chunk, tables
        self.pg = conn.dialect.name == "postgresql"
        self.buffers: dict[str, list[dict]] = {t.name: [] for t in tables}

    def add(self, table: sa.Table, row: dict) -> None:
        """Queue one row; flush everything when this table's buffer is full."""
        buf = self.buffers[table.name]
        buf.append(row)
        if len(buf) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        """Insert every queued row, in foreign-key order."""
        for table in self.tables:
            rows = self.buffers[table.name]
            if rows:
                (self._copy if self.pg else self._executemany)(table, rows)
                rows.clear()

    def _executemany(self, table: sa.Table, rows: list[dict]) -> None:
        """A driver-level executemany with the columns' own bind processors applied once per
        value: the same stored text as a Core insert, without its per-row overhead."""
        d, cols = self.conn.dialect, list(rows[0])
        procs = [table.c[c].type.dialect_impl(d).bind_processor(d) for c in cols]
        sql = f"insert into {table.name} ({', '.join(cols)}) values ({', '.join('?' * len(cols))})"
        self.conn.exec_driver_sql(sql, [tuple(p(r[c]) if p else r[c] for c, p in
                                              zip(cols, procs, strict=True)) for r in rows])

    def _copy(self, table: sa.Table, rows: list[dict]) -> None:
        """PostgreSQL COPY on the transaction's own connection (times as naive UTC)."""
        cols = list(rows[0])
        times = [c for c in cols if isinstance(table.c[c].type, s.UTCDateTime)]
        raw = self.conn.connection.driver_connection
        sql = f"copy {table.name} ({', '.join(cols)}) from stdin"
        with raw.cursor() as cur, cur.copy(sql) as cp:
            for row in rows:
                for c in times:  # stored as naive UTC, like UTCDateTime does
                    row[c] = row[c] and row[c].astimezone(UTC).replace(tzinfo=None)
                cp.write_row([row[c] for c in cols])
