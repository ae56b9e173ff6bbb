"""Bulk inserts of ready-made tuples: driver executemany on SQLite, COPY on PostgreSQL.

salesops.bulk.BulkWriter takes dicts and runs every value through its column's bind
processor; an import of a million lines cannot afford that per value, so here rows are
tuples in a fixed column order and the two value kinds that need converting (times and
money) are converted once per distinct value through the same SQLAlchemy processors, so
the stored text is exactly what a Core insert stores.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa

from ..schema import audit_log, customers, order_lines, order_status_history, orders
from .shipto import STORED as SHIP_STORED

CHUNK = 10_000
CACHE_KB = 256 * 1024  # SQLite page cache while importing (KiB)
STAMPS = ("version", "created_at", "created_by", "updated_at", "updated_by")
LAYOUT = {
    customers: (
        "id",
        "code",
        "name",
        "mobile",
        "wechat_id",
        "wechat_key",
        "channel_id",
        "region",
        "tags",
        "notes",
        "is_agent",
        *STAMPS,
        "to_complete",
    ),
    orders: (
        "id",
        "order_no",
        "customer_id",
        "channel_id",
        "status",
        "ordered_at",
        "goods_amount",
        "discount",
        "shipping",
        "total",
        "note",
        *STAMPS,
        *SHIP_STORED,
    ),
    order_lines: (
        "order_id",
        "line_no",
        "product_id",
        "sku",
        "product_name",
        "quantity",
        "unit_price",
        "unit_cost",
        "discount",
        "amount",
    ),
    order_status_history: (
        "order_id",
        "from_status",
        "to_status",
        "changed_at",
        "changed_by",
        "reason",
    ),
    audit_log: ("at", "actor", "table_name", "row_id", "action", "old_values", "new_values"),
}


class TupleWriter:
    """Buffers tuples per table (columns as in LAYOUT) and inserts them parents first."""

    def __init__(self, conn: sa.Connection, chunk: int = CHUNK):
        self.conn, self.chunk = conn, chunk
        self.pg = conn.dialect.name == "postgresql"
        self.buffers: dict[sa.Table, list[tuple]] = {t: [] for t in LAYOUT}
        d = conn.dialect
        self._time = orders.c.ordered_at.type.dialect_impl(d).bind_processor(d)
        self._money = orders.c.total.type.dialect_impl(d).bind_processor(d)
        self._bools = customers.c.is_agent.type.dialect_impl(d).bind_processor(d)
        self.rows_written = 0
        if not self.pg:
            self._big_cache()

    def _big_cache(self) -> None:
        """A larger SQLite page cache for this connection while the import writes.

        With the default 2 MB, inserting into five tables in turn evicts each table's index
        pages before they are touched again; the first insert is where it pays."""
        self.conn.exec_driver_sql(f"pragma cache_size = -{CACHE_KB}")

    def time(self, value: datetime | None):
        """An aware datetime in the form the driver stores (naive UTC for COPY)."""
        if value is None:
            return None
        if self.pg:
            return value.astimezone(UTC).replace(tzinfo=None)
        if value.tzinfo is UTC:  # SQLAlchemy's SQLite DATETIME text, made in C
            return value.replace(tzinfo=None).isoformat(" ", "microseconds")
        return self._time(value)

    def money(self, value: Decimal | None):
        """A Decimal in the form the driver stores (a float on SQLite, as Core does)."""
        if value is None or self.pg or self._money is None:
            return value
        return self._money(value)

    def boolean(self, value: bool):
        """A boolean as the driver stores it."""
        return self._bools(value) if self._bools and not self.pg else value

    def add(self, table: sa.Table, row: tuple) -> None:
        """Queue one row; flush everything when this table's buffer is full."""
        buf = self.buffers[table]
        buf.append(row)
        if len(buf) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        """Insert every queued row, parents before children."""
        for table, rows in self.buffers.items():
            if rows:
                (self._copy if self.pg else self._executemany)(table, rows)
                self.rows_written += len(rows)
                rows.clear()

    def _executemany(self, table: sa.Table, rows: list[tuple]) -> None:
        cols = LAYOUT[table]
        sql = f"insert into {table.name} ({', '.join(cols)}) values ({', '.join('?' * len(cols))})"
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            cursor.executemany(sql, rows)  # the driver's own loop, inside our transaction
        finally:
            cursor.close()

    def _copy(self, table: sa.Table, rows: list[tuple]) -> None:
        raw = self.conn.connection.driver_connection
        sql = f"copy {table.name} ({', '.join(LAYOUT[table])}) from stdin"
        with raw.cursor() as cur, cur.copy(sql) as cp:
            for row in rows:
                cp.write_row(row)


def floor_insert(conn: sa.Connection, batches: dict[sa.Table, list[tuple]]) -> None:
    """The benchmark's floor: the same tuples, one bare executemany (or COPY) per table."""
    w = TupleWriter(conn, chunk=1 << 62)
    for table, rows in batches.items():
        (w._copy if w.pg else w._executemany)(table, rows)
