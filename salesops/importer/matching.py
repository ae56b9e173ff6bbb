"""Matching an orders file against the database: channels, products, customers, and the
orders whose number is already stored (a mixin of salesops.importer.orders._OrderImport).
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from .. import validate
from ..messages import t
from ..schema import order_lines, orders
from . import common
from .drafts import BAD, Draft, NewCustomer


class Matching:
    """resolve() and rejections() for an _OrderImport (uses conn, drafts, report, table)."""

    def resolve(self) -> None:
        """Match channels, products and customers; compare orders already in the database."""
        self.channels = common.channel_lookup(self.conn)
        self.new_channels: dict[str, str] = {}  # lookup key -> name as written
        self.products = common.product_lookup(self.conn)
        self.new_products: dict[str, dict] = {}
        self.people = common.Identities(self.conn)
        self.new_people: list[NewCustomer] = []
        for draft in self.drafts.values():
            if draft.ident is BAD:
                continue
            self._resolve_channel(draft)
            for line in draft.lines:
                self._resolve_product(draft, line)
            self._resolve_customer(draft)
        self._compare_existing()

    def _problem_at(self, draft: Draft, row: int, column: str, value, reason: str) -> None:
        self.report.problem(row, self.table.header_of(column), value, reason)
        draft.bad = True

    def _resolve_channel(self, draft: Draft) -> None:
        given = draft.channel_given(self.default_channel)
        key = given.strip().lower()
        if key in self.channels or key in self.new_channels:
            return
        if self.strict:
            reason = t("import.strict", field="channel", what="channel", value=given)
            self._problem_at(draft, draft.row, "channel", given, reason)
        else:
            self.new_channels[key] = given.strip()

    def _resolve_product(self, draft: Draft, line) -> None:
        n, (sku, name, _qty, price, *_rest) = line
        if sku in self.products or sku in self.new_products:
            return
        if self.strict:
            reason = t("import.strict", field="sku", what="product", value=sku)
            self._problem_at(draft, n, "sku", sku, reason)
        else:
            new = {"sku": sku, "name": name or sku, "price": price, "unit_cost": None}
            self.new_products[sku] = new

    def _resolve_customer(self, draft: Draft) -> None:
        code, mobile, wechat = draft.ident
        key = validate.wechat_key(wechat)
        found = self.people.match(code, mobile, key)
        if found is not None:
            draft.customer = found
            return
        if code and code in self.people.all_codes:  # the code of a deleted customer
            reason = t("error.duplicate", field="customer_ref", value=code, code=code, name="-")
            return self._problem_at(draft, draft.row, "customer_ref", code, reason)
        # Without a name (a marketplace export's buyer id) the customer is named from
        # their code when written, and flagged for staff to complete.
        person = NewCustomer(draft.row, code, draft.name, mobile, wechat)
        self.people.add(person, code, mobile, key)
        self.new_people.append(person)
        draft.customer = person

    def _compare_existing(self) -> None:
        """Orders whose number is already stored: the same content is skipped (re-import),
        different content is a problem, never a silent overwrite."""
        numbers = [d.order_no for d in self.drafts.values() if not d.bad]
        self.present: set[str] = set()
        known = []
        for i in range(0, len(numbers), 5000):  # first only which numbers exist: cheap
            chunk = numbers[i : i + 5000]
            known += (
                self.conn.execute(
                    sa.select(orders.c.order_no).where(one_of(self.conn, orders.c.order_no, chunk))
                )
                .scalars()
                .all()
            )
        for i in range(0, len(known), 500):
            stored = self._stored_orders(known[i : i + 500])
            for order_no, order in stored.items():
                draft = self.drafts[order_no]
                what = self._difference(draft, order)
                if what:
                    reason = t("import.exists_different", order_no=order_no, what=what)
                    self._problem_at(draft, draft.row, "order_no", order_no, reason)
                else:
                    self.present.add(order_no)

    def _stored_orders(self, numbers: list[str]) -> dict[str, dict]:
        o, ln = orders.c, order_lines.c
        heads = {
            r.id: dict(r._mapping, lines=[])
            for r in self.conn.execute(
                sa.select(
                    o.id, o.order_no, o.customer_id, o.ordered_at, o.status, o.channel_id
                ).where(one_of(self.conn, o.order_no, numbers))
            )
        }
        if heads:
            for r in self.conn.execute(
                sa.select(ln.order_id, ln.sku, ln.quantity, ln.amount).where(
                    one_of(self.conn, ln.order_id, list(heads))
                )
            ):
                heads[r.order_id]["lines"].append((r.sku, r.quantity, r.amount))
        return {h["order_no"]: h for h in heads.values()}

    def _difference(self, draft: Draft, stored: dict) -> str | None:
        """The first column in which the file's order differs from the stored one."""
        if draft.customer != stored["customer_id"]:
            return "customer"
        if draft.ordered_at != stored["ordered_at"]:
            return "ordered_at"
        if draft.status != stored["status"]:
            return "status"
        mine = sorted((t[0], t[2], t[4]) for _n, t in draft.lines)
        if mine != sorted(stored["lines"]):
            return "lines"
        return None

    def rejections(self) -> dict[int, list[str]]:
        """Row number -> reasons, for every row left out (whole orders go together)."""
        reasons: dict[int, list[str]] = defaultdict(list)
        for p in self.report.problems:
            reasons[p.row].append(p.reason)
        for draft in self.drafts.values():
            if draft.bad:
                for n in (draft.row, *(line[0] for line in draft.lines)):
                    if n not in reasons:
                        reasons[n].append(t("import.order_rejected", order_no=draft.order_no))
        return reasons

    # -- planning and writing ----------------------------------------------------------------


def one_of(conn: sa.Connection, column: sa.Column, values: list) -> sa.ColumnElement[bool]:
    """`column IN values`, for thousands of values: on PostgreSQL `column = ANY(array)`, one
    bound array instead of a placeholder per value (psycopg parses a statement of thousands
    of placeholders afresh each time: BENCHMARKS.md, "Measurements behind the code")."""
    if conn.dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)
