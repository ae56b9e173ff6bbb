"""Writing an orders import: plan what the good orders need, then write it all in bulk on
the import's transaction, with an audit row per created record (a mixin of
salesops.importer.orders._OrderImport).
"""

from __future__ import annotations

from json.encoder import encode_basestring as encode_string
from pathlib import Path

import sqlalchemy as sa

from .. import audit, stock_orders, validate
from ..customers import NAME_TO_COMPLETE, placeholder_name
from ..schema import (
    ZERO,
    audit_log,
    channels,
    customers,
    now_utc,
    order_lines,
    order_status_history,
    orders,
    products,
)
from . import common
from .drafts import NewCustomer
from .shipto import NONE
from .writer import TupleWriter

PROGRESS_EVERY = 5_000


def encode_or_null(value) -> str:
    """A JSON string literal (non-ASCII kept), or null."""
    return "null" if value is None else encode_string(value)


class Writing:
    """plan() and write() for an _OrderImport."""

    def plan(self) -> None:
        """What will be written: the good new orders and only what they need."""
        self.todo = [
            d for d in self.drafts.values() if not d.bad and d.order_no not in self.present
        ]
        need_channels, need_products = set(), set()
        for d in self.todo:
            need_channels.add(d.channel_key(self.default_channel))
            need_products.update(t[0] for _n, t in d.lines)
            if isinstance(d.customer, NewCustomer) and not d.customer.used:
                d.customer.used = True
                # a new customer's source channel is that of their first order
                d.customer.channel_id = d.channel_key(self.default_channel)
        self.new_channels = {k: v for k, v in self.new_channels.items() if k in need_channels}
        self.new_products = {k: v for k, v in self.new_products.items() if k in need_products}
        self._new_product_costs()
        self.new_people = [p for p in self.new_people if p.used]
        r = self.report
        r.counts["orders_created"] = len(self.todo)
        r.counts["lines_created"] = sum(len(d.lines) for d in self.todo)
        r.counts["orders_present"] = len(self.present)
        r.counts["customers_created"] = len(self.new_people)
        r.created["customers"] = [
            p.code or p.name or p.mobile or p.wechat_id for p in self.new_people
        ]
        r.created["products"] = list(self.new_products)
        r.created["channels"] = list(self.new_channels.values())

    def _new_product_costs(self) -> None:
        """A product the file creates costs what its latest order's line with a cost says
        (none when no line has one)."""
        latest = {}
        for d in self.todo:
            for _n, t in d.lines:
                if t[0] in self.new_products and t[7] is not None:
                    if t[0] not in latest or d.ordered_at >= latest[t[0]][0]:
                        latest[t[0]] = (d.ordered_at, t[7])
        for sku, (_at, cost) in latest.items():
            self.new_products[sku]["unit_cost"] = cost

    def write(self, progress=None) -> None:
        """Everything planned, in bulk, on this transaction, with audit rows."""
        conn, who, now = self.conn, self.actor.name, now_utc()
        self.import_id = common.start_import(conn, "orders", Path(self.table.path), who)
        self.report.import_id = self.import_id
        self._write_channels(now)
        self._write_products(now)
        out = TupleWriter(conn)
        self._write_customers(out, now)
        out.flush()
        self._write_orders(out, now, progress)
        if self.move_stock:
            self._move_stock()
        common.raise_counter(conn, "order_no", [d.order_no for d in self.todo], r"SO(\d{8})")
        common.raise_counter(
            conn, "customer_code", [p.code for p in self.new_people if p.code], r"C(\d{6})"
        )
        common.finish_import(conn, self.import_id, who, dict(self.report.counts))
        self.report.written = True
        self.report.created["customers"] = [p.code for p in self.new_people]

    def _move_stock(self) -> None:
        """The imported orders that hold stock take it (`--move-stock`), oldest first."""
        held = sorted(
            (d.ordered_at, oid)
            for d, oid in zip(self.todo, self.order_ids, strict=True)
            if d.status in stock_orders.HOLDING
        )
        for _at, oid in held:
            stock_orders.take(self.conn, oid, self.actor.name)

    def _audit(self, table: str, row_id: int, values: dict, now) -> None:
        new = {**values, "import_id": self.import_id}
        self.conn.execute(
            sa.insert(audit_log).values(
                audit.row(self.actor.name, table, row_id, "create", new=new, at=now)
            )
        )

    def _write_channels(self, now) -> None:
        taken = set(self.conn.execute(sa.select(channels.c.code)).scalars())
        for key, name in self.new_channels.items():
            code = common.channel_code_for(name, taken)
            taken.add(code)
            values = {"code": code, "name": name, "name_en": name}
            cid = self.conn.execute(sa.insert(channels).values(values)).inserted_primary_key[0]
            self.channels[key] = cid
            self._audit("channels", cid, values, now)

    def _write_products(self, now) -> None:
        for sku, values in self.new_products.items():
            pid = self.conn.execute(
                sa.insert(products).values(**values, created_at=now)
            ).inserted_primary_key[0]
            # its lines without a cost of their own stay without one
            self.products[sku] = {**values, "id": pid, "unit_cost": None}
            self._audit("products", pid, values, now)

    def _write_customers(self, out: TupleWriter, now) -> None:
        people, who = self.new_people, self.actor.name
        ids = common.reserve_ids(self.conn, customers, len(people))
        codes = iter(
            common.new_customer_codes(
                self.conn,
                sum(1 for p in people if not p.code),
                self.people.all_codes | {p.code for p in people if p.code},
            )
        )
        at, no, dumps = out.time(now), out.boolean(False), encode_or_null
        audit_json = (
            '{"channel_id": %d, "code": %s, "import_id": '
            + str(self.import_id)
            + ', "mobile": %s, "name": %s%s, "wechat_id": %s}'
        )
        flagged = ', "to_complete": ' + dumps(NAME_TO_COMPLETE)
        for person, cid in zip(people, ids, strict=True):
            person.id, person.code = cid, person.code or next(codes)
            channel = self.channels[person.channel_id]
            # no name in the file: one made from the code, flagged for staff to complete
            todo = None if person.name else NAME_TO_COMPLETE
            values = (
                person.code,
                person.name or placeholder_name(person.code),
                person.mobile,
                person.wechat_id,
                validate.wechat_key(person.wechat_id),
                channel,
            )
            row = (cid, *values, None, "", "", no, 1, at, who, at, who, todo)
            out.add(customers, row)
            code, name, mobile, wechat = (dumps(x) for x in values[:4])
            new = audit_json % (channel, code, mobile, name, flagged if todo else "", wechat)
            out.add(audit_log, (at, who, "customers", cid, "create", None, new))

    def _write_orders(self, out: TupleWriter, now, progress) -> None:
        """Orders, lines, status history and audit rows, flushed every PROGRESS_EVERY orders.

        The hottest loop of an import: buffers are appended to directly, and money was
        converted to its stored form once per distinct value while reading.
        """
        ids = self.order_ids = common.reserve_ids(self.conn, orders, len(self.todo))
        who, reason, at = self.actor.name, f"import #{self.import_id}", out.time(now)
        zero, money, total, quote = out.money(ZERO), out.money, len(self.todo), encode_string
        audit_json = (
            '{"channel_id": %d, "customer_id": %d, "import_id": '
            + str(self.import_id)
            + ', "order_no": %s, "ordered_at": "%s", "status": "%s", "total": "%s"}'
        )
        made = {
            sku: (p["id"], sku, p["name"], money(p["unit_cost"]))
            for sku, p in self.products.items()
        }
        buf = out.buffers
        o_buf, l_buf, h_buf, a_buf = (
            buf[orders],
            buf[order_lines],
            buf[order_status_history],
            buf[audit_log],
        )
        for k, (d, oid) in enumerate(zip(self.todo, ids, strict=True), 1):
            cid = d.customer.id if d.customer.__class__ is NewCustomer else d.customer
            channel = self.channels[d.channel_key(self.default_channel)]
            goods = sum(t[4] for _n, t in d.lines)
            o_buf.append(
                (
                    oid,
                    d.order_no,
                    cid,
                    channel,
                    d.status,
                    out.time(d.ordered_at),
                    money(goods),
                    zero,
                    zero,
                    money(goods),
                    "",
                    1,
                    at,
                    who,
                    at,
                    who,
                    *(d.ship or NONE),
                )
            )
            for no, (_n, t) in enumerate(d.lines, 1):
                pid, sku, name, cost = made[t[0]]
                price, amount, disc = t[6]
                if t[7] is not None:  # the file's own cost of this line
                    cost = t[8]
                l_buf.append((oid, no, pid, sku, name, t[2], price, cost, disc, amount))
            h_buf.append((oid, None, d.status, at, who, reason))
            new = audit_json % (
                channel,
                cid,
                quote(d.order_no),
                d.ordered_at.isoformat(),
                d.status,
                goods,
            )
            a_buf.append((at, who, "orders", oid, "create", None, new))
            if k % PROGRESS_EVERY == 0 or k == total:
                out.flush()
                if progress:
                    progress(k, total)
        out.flush()
