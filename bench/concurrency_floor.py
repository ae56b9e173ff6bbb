"""The floor of benchmark 5 (bench/concurrency.py): one writer doing a round's writes with
bare SQL on the driver connection.

Per round, as the app's writer does: read the hot customer's version; one transaction that
takes the next order number from the counter row and inserts the order, its lines, its
status-history row and its audit row; one transaction with the versioned customer update
and its audit row. SQLite transactions begin IMMEDIATE, as salesops.db's writers do. What
it leaves out is the app's own work: validation, reading the customer and the products on
each save (read once here), SQLAlchemy's statement building, result rows as dicts.
"""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal

from salesops.db import Database
from salesops.schema import now_utc

ORDER = """insert into orders (order_no, customer_id, channel_id, status, ordered_at, note,
  goods_amount, discount, shipping, total, version, created_at, created_by, updated_at,
  updated_by) values (:order_no, :customer_id, :channel_id, 'new', :at, '', :total, 0, 0,
  :total, 1, :at, :by, :at, :by) returning id"""
LINE = """insert into order_lines (order_id, line_no, product_id, sku, product_name, quantity,
  unit_price, unit_cost, discount, amount) values (:order_id, :line_no, :product_id, :sku,
  :product_name, :quantity, :unit_price, :unit_cost, 0, :amount)"""
HISTORY = """insert into order_status_history (order_id, from_status, to_status, changed_at,
  changed_by, reason) values (:order_id, null, 'new', :at, :by, '')"""
AUDIT = """insert into audit_log (at, actor, table_name, row_id, action, old_values,
  new_values) values (:at, :by, :table_name, :row_id, :action, null, :new_values)"""
EDIT = """update customers set notes = :notes, version = version + 1, updated_at = :at,
  updated_by = :by where id = :id and version = :version"""


class BareWriter:
    """The floor's single writer (same interface as bench.concurrency.AppWriter)."""

    def __init__(self, plan, index: int):
        self.plan, self.db = plan, Database(plan.url)
        self.sqlite, self.me = self.db.is_sqlite, "bench-floor"
        self.raw = self.db.engine.raw_connection()  # pooled: salesops.db's pragmas are set
        if not self.sqlite:
            self.raw.driver_connection.autocommit = True  # transactions by explicit BEGIN
        self.cur = self.raw.cursor()
        self.products = {
            r[1]: r for r in self._all("select id, sku, name, price, unit_cost from products")
        }
        self.channel = dict(
            self._all(f"select id, channel_id from customers where id in ({_ids(plan.buyers)})")
        )

    def _sql(self, sql: str) -> str:
        """:name binds as the driver wants them (psycopg: %(name)s)."""
        return sql if self.sqlite else re.sub(r":(\w+)", r"%(\1)s", sql)

    def _all(self, sql: str, params=None) -> list:
        self.cur.execute(self._sql(sql), params or {})
        return self.cur.fetchall()

    def _value(self, v):
        """Money and times as salesops' column types bind them on this driver."""
        if isinstance(v, Decimal):
            return float(v) if self.sqlite else v
        if hasattr(v, "tzinfo"):
            naive = v.replace(tzinfo=None)
            return str(naive) if self.sqlite else naive
        return v

    def _run(self, sql: str, **params):
        self.cur.execute(self._sql(sql), {k: self._value(v) for k, v in params.items()})

    def round(self, rng: random.Random, tally, k: int) -> None:
        """Read a hot customer's version, save an order, save an edit of the customer."""
        import time

        hot = rng.choice(self.plan.hot)
        version = self._all("select version from customers where id = :id", {"id": hot})[0][0]
        lines = [
            (self.products[s], rng.randint(1, 3))
            for s in rng.sample(self.plan.skus, rng.randint(1, 3))
        ]
        started = time.perf_counter()
        number, order_id = self._tx(self._order, rng.choice(self.plan.buyers), lines)
        tally.save_s.append(time.perf_counter() - started)
        tally.saved.append((number, order_id, len(lines)))
        marker = f"{self.me} #{k}"
        self._tx(self._edit, hot, version, marker)
        tally.edits.append((hot, version + 1, marker))

    def _tx(self, work, *args):
        """`work(*args)` in one transaction (committed, or rolled back on any error)."""
        self.cur.execute("begin immediate" if self.sqlite else "begin")
        try:
            result = work(*args)
        except BaseException:
            self.cur.execute("rollback")
            raise
        self.cur.execute("commit")
        return result

    def _order(self, customer_id: int, lines: list) -> tuple[str, int]:
        """The order's rows; its number and id."""
        at, by = now_utc(), self.me
        value = self._all(
            "update counters set value = value + 1 where name = 'order_no' returning value"
        )
        if not value:
            self._run("insert into counters (name, value) values ('order_no', 1)")
        number = f"SO{(value[0][0] if value else 1):08d}"
        total = sum(p[3] * q for p, q in lines)
        params = dict(order_no=number, customer_id=customer_id, at=at, by=by, total=total)
        self._run(ORDER, channel_id=self.channel[customer_id], **params)
        order_id = self.cur.fetchone()[0]
        for no, (p, q) in enumerate(lines, 1):
            self._run(LINE, order_id=order_id, line_no=no, product_id=p[0], sku=p[1],
                      product_name=p[2], quantity=q, unit_price=p[3], unit_cost=p[4],
                      amount=p[3] * q)  # fmt: skip
        self._run(HISTORY, order_id=order_id, at=at, by=by)
        head = {"order_no": number, "customer_id": customer_id, "total": str(total)}
        self._audit("orders", order_id, "create", head, at)
        return number, order_id

    def _edit(self, customer_id: int, version: int, marker: str) -> None:
        """The versioned update and its audit row."""
        at = now_utc()
        self._run(EDIT, notes=marker, at=at, by=self.me, id=customer_id, version=version)
        if self.cur.rowcount != 1:
            raise RuntimeError(f"floor edit of customer {customer_id} found no row to update")
        self._audit("customers", customer_id, "update", {"notes": marker}, at)

    def _audit(self, table: str, row_id: int, action: str, new: dict, at) -> None:
        new_values = json.dumps(new, ensure_ascii=False, sort_keys=True)
        self._run(AUDIT, at=at, by=self.me, table_name=table, row_id=row_id, action=action,
                  new_values=new_values)  # fmt: skip

    def close(self) -> None:
        self.cur.close()
        self.raw.close()
        self.db.dispose()


def _ids(ids) -> str:
    return ", ".join(str(int(i)) for i in ids) or "null"
