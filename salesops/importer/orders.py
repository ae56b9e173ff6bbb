"""Import orders from a shop export: one row per order line, rows sharing an order_no are
one order.

The file is read once, row by row, into compact order drafts (every problem recorded
with row, column, value and reason); then channels, products and customers are matched
(or planned as new), order numbers already in the database are compared with the file,
and only when nothing is wrong (or with `skip_invalid`, for the orders that are fine) is
everything written in bulk in the one transaction that also did the matching.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa

from .. import validate
from ..actors import Actor, system_actor
from ..bulk import BulkWriter
from ..errors import ValidationError
from ..messages import t
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
from . import common, parse, reading
from .report import ImportReport, rejected_path_for, write_rejected

ALIASES = {
    "order_no": ("订单号", "订单编号", "订单号码", "order number", "order id"),
    "ordered_at": ("下单时间", "下单日期", "订单时间", "付款时间", "order date", "date"),
    "customer_ref": ("客户编号", "客户代码", "customer code", "customer id"),
    "customer_name": ("客户姓名", "客户名称", "姓名", "买家姓名", "收货人", "customer"),
    "mobile": ("手机", "手机号", "手机号码", "联系电话", "电话", "phone"),
    "wechat_id": ("微信号", "微信", "wechat"),
    "channel": ("渠道", "来源渠道", "销售渠道"),
    "sku": ("商品编码", "商品编号", "货号", "商家编码"),
    "product_name": ("商品名称", "品名", "商品", "product"),
    "quantity": ("数量", "购买数量", "qty"),
    "unit_price": ("单价", "商品单价", "price"),
    "amount": ("金额", "小计", "商品金额", "line total"),
    "status": ("状态", "订单状态"),
}
REQUIRED = ("order_no", "ordered_at", "sku", "quantity")
ONE_OF = (("customer_ref", "mobile", "wechat_id"), ("amount", "unit_price"))
BAD = object()  # a cell that failed to parse (its problem is already recorded)
CHUNK = 5_000


def default_channel() -> str:
    """The channel code for rows without one: SALESOPS_DEFAULT_CHANNEL, else `offline`."""
    return os.environ.get("SALESOPS_DEFAULT_CHANNEL", "offline")


class Draft:
    """One order as read from the file, before it is matched and written."""

    __slots__ = ("row", "order_no", "at_raw", "ordered_at", "ident", "name", "channel",
                 "status", "lines", "rows", "bad", "customer")

    def __init__(self, row, order_no, at_raw, ordered_at, ident, name, channel, status):
        self.row, self.order_no, self.at_raw, self.ordered_at = row, order_no, at_raw, ordered_at
        self.ident, self.name, self.channel, self.status = ident, name, channel, status
        self.lines, self.rows, self.bad, self.customer = [], [row], False, None


class NewCustomer:
    """A customer the file names who is not in salesops yet."""

    __slots__ = ("row", "code", "name", "mobile", "wechat_id", "channel_id", "id", "used")

    def __init__(self, row, code, name, mobile, wechat_id):
        self.row, self.code, self.name, self.mobile, self.wechat_id = (
            row, code, name, mobile, wechat_id)
        self.channel_id, self.id, self.used = None, None, False


def import_orders(db, path, *, actor: Actor | None = None, dry_run: bool = False,
                  skip_invalid: bool = False, strict: bool = False,
                  mapping: dict | None = None, progress=None) -> ImportReport:
    """Import an orders file (.csv or .xlsx); see the module docstring and README.

    `progress(done, total)` is called while writing. Raises ImportFileError for a file
    that cannot be read at all and PermissionDenied for a role that may not do this.
    """
    actor = actor or system_actor()
    actor.require("import.dry_run" if dry_run else "import.write")
    table = reading.open_table(path, ALIASES, mapping)
    reading.require_columns(table, REQUIRED, ONE_OF)
    report = ImportReport("orders", table.path, table.encoding or "xlsx", dry_run=dry_run)
    with db.read() if dry_run else db.write() as conn:
        job = _OrderImport(conn, table, report, actor, strict)
        job.read()
        job.resolve()
        if report.problems:
            if not skip_invalid:
                return report
            report.rejected_path = rejected_path_for(table.path)
            report.rejected_rows = write_rejected(table, job.rejections(),
                                                  report.rejected_path)
        job.plan()
        if not dry_run and report.new_anything:
            job.write(progress)
    return report


class _OrderImport:
    """One run: read, resolve, plan, write."""

    def __init__(self, conn, table, report: ImportReport, actor: Actor, strict: bool):
        self.conn, self.table, self.report, self.actor, self.strict = (
            conn, table, report, actor, strict)
        self.pos = [(c, i) for c, i in table.mapping.items()]
        self.drafts: dict[str, Draft] = {}
        self.loose_rows: list[int] = []  # rows without a usable order_no
        self.p = {
            "order_no": parse.Cached(parse.text, "order_no", 32, True),
            "ordered_at": parse.Cached(parse.ordered_at, "ordered_at"),
            "customer_ref": parse.Cached(parse.text, "customer_ref", 32),
            "customer_name": parse.Cached(parse.text, "customer_name", 100),
            "mobile": parse.Cached(parse.mobile, "mobile"),
            "wechat_id": parse.Cached(parse.wechat_id, "wechat_id"),
            "channel": parse.Cached(parse.text, "channel", 64),
            "status": parse.Cached(parse.status, "status"),
            "sku": parse.Cached(parse.text, "sku", 64, True),
            "product_name": parse.Cached(parse.text, "product_name", 200),
            "quantity": parse.Cached(parse.quantity, "quantity"),
            "unit_price": parse.Cached(parse.money, "unit_price", True),
            "amount": parse.Cached(parse.money, "amount", True),
        }

    # -- reading ---------------------------------------------------------------------------

    def _get(self, number: int, column: str, raw: dict):
        """The parsed cell, or BAD after recording the problem."""
        try:
            return self.p[column](raw.get(column))
        except ValidationError as e:
            for problem in e.problems:
                self.report.problem(number, self.table.header_of(column), raw.get(column),
                                    problem.message)
            return BAD

    def read(self) -> None:
        """Every row into order drafts; problems recorded as they are found."""
        for number, values in self.table.rows():
            self.report.rows += 1
            self._row(number, {c: values[i] for c, i in self.pos})

    def _row(self, n: int, raw: dict) -> None:
        before = len(self.report.problems)
        order_no = self._get(n, "order_no", raw)
        draft = self.drafts.get(order_no) if order_no is not BAD else None
        if draft is None:
            draft = self._new_draft(n, raw, order_no)
        else:
            self._same_order(n, raw, draft)
        line = self._line(n, raw)
        if draft is None:
            self.loose_rows.append(n)
            return
        if draft.row != n:
            draft.rows.append(n)
        if line is not None:
            draft.lines.append(line)
        if len(self.report.problems) > before:
            draft.bad = True

    def _new_draft(self, n: int, raw: dict, order_no) -> Draft | None:
        at = self._get(n, "ordered_at", raw)
        ident = self._identity(n, raw)
        name = self._get(n, "customer_name", raw)
        channel = self._get(n, "channel", raw)
        status = self._get(n, "status", raw)
        if order_no is BAD:
            return None
        draft = Draft(n, order_no, raw.get("ordered_at"), at, ident,
                      name if name is not BAD else "", channel, status)
        self.drafts[order_no] = draft
        return draft

    def _identity(self, n: int, raw: dict):
        """(code, mobile, WeChat ID) of the row's customer, or BAD."""
        ref = self._get(n, "customer_ref", raw) or None
        mobile = self._get(n, "mobile", raw)
        wechat = self._get(n, "wechat_id", raw)
        if BAD in (ref, mobile, wechat):
            return BAD
        if not (ref or mobile or wechat):
            column = " / ".join(self.table.header_of(c) for c in ONE_OF[0])
            self.report.problem(n, column, None, t("error.required", field=column))
            return BAD
        return ref, mobile, wechat

    def _same_order(self, n: int, raw: dict, draft: Draft) -> None:
        """A further line of an order: its date and customer must agree with the first row."""
        if raw.get("ordered_at") != draft.at_raw:
            at = self._get(n, "ordered_at", raw)
            if at is not BAD and draft.ordered_at is not BAD and at != draft.ordered_at:
                self._conflict(n, "ordered_at", raw, draft, draft.at_raw)
        ident = self._identity(n, raw)
        if ident is not BAD and draft.ident is not BAD:
            for column, mine, first in zip(ONE_OF[0], ident, draft.ident, strict=True):
                same = (mine or "").lower() == (first or "").lower()
                if mine and first and not same:
                    self._conflict(n, column, raw, draft, first)
                    break
        if not draft.name:
            name = self._get(n, "customer_name", raw)
            draft.name = name if name is not BAD else ""

    def _conflict(self, n, column, raw, draft, other) -> None:
        reason = t("import.order_conflict", order_no=draft.order_no, what=column,
                   first=draft.row, other=other)
        self.report.problem(n, self.table.header_of(column), raw.get(column), reason)

    def _line(self, n: int, raw: dict):
        """(row, sku, product name, quantity, unit price, amount, discount) or None."""
        sku = self._get(n, "sku", raw)
        name = self._get(n, "product_name", raw)
        qty = self._get(n, "quantity", raw)
        price = self._get(n, "unit_price", raw)
        amount = self._get(n, "amount", raw)
        if BAD in (sku, name, qty, price, amount):
            return None
        if price is None and amount is None:
            column = self.table.header_of("amount" if "amount" in self.table.mapping
                                          else "unit_price")
            self.report.problem(n, column, None, t("error.required", field=column))
            return None
        try:
            price, amount, discount = parse.line_amount(qty, price, amount, "amount")
        except ValidationError as e:
            self.report.problem(n, self.table.header_of("amount"), raw.get("amount"),
                                e.problems[0].message)
            return None
        return n, sku, name, qty, price, amount, discount

    # -- matching --------------------------------------------------------------------------

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
        given = draft.channel if draft.channel not in (BAD, None, "") else default_channel()
        key = given.strip().lower()
        if key in self.channels or key in self.new_channels:
            return
        if self.strict:
            reason = t("import.strict", field="channel", what="channel", value=given)
            self._problem_at(draft, draft.row, "channel", given, reason)
        else:
            self.new_channels[key] = given.strip()

    def _resolve_product(self, draft: Draft, line) -> None:
        n, sku, name, _qty, price, _amount, _d = line
        if sku in self.products or sku in self.new_products:
            return
        if self.strict:
            reason = t("import.strict", field="sku", what="product", value=sku)
            self._problem_at(draft, n, "sku", sku, reason)
        else:
            self.new_products[sku] = {"sku": sku, "name": name or sku, "price": price}

    def _resolve_customer(self, draft: Draft) -> None:
        code, mobile, wechat = draft.ident
        key = validate.wechat_key(wechat)
        found = self.people.match(code, mobile, key)
        if found is not None:
            draft.customer = found
            return
        if code and code in self.people.all_codes:  # the code of a deleted customer
            reason = t("error.duplicate", field="customer_ref", value=code, code=code,
                       name="-")
            return self._problem_at(draft, draft.row, "customer_ref", code, reason)
        if not draft.name:
            reason = t("import.needs_name", field=self.table.header_of("customer_name"))
            return self._problem_at(draft, draft.row, "customer_name", None, reason)
        person = NewCustomer(draft.row, code, draft.name, mobile, wechat)
        self.people.add(person, code, mobile, key)
        self.new_people.append(person)
        draft.customer = person

    def _compare_existing(self) -> None:
        """Orders whose number is already stored: the same content is skipped (re-import),
        different content is a problem, never a silent overwrite."""
        numbers = [d.order_no for d in self.drafts.values() if not d.bad]
        self.present: set[str] = set()
        for i in range(0, len(numbers), 500):
            chunk = numbers[i: i + 500]
            stored = self._stored_orders(chunk)
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
                sa.select(o.id, o.order_no, o.customer_id, o.ordered_at, o.status, o.channel_id)
                .where(o.order_no.in_(numbers))
            )
        }
        if heads:
            for r in self.conn.execute(
                sa.select(ln.order_id, ln.sku, ln.quantity, ln.amount)
                .where(ln.order_id.in_(list(heads)))
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
        mine = sorted((s, q, a) for _n, s, _nm, q, _p, a, _d in draft.lines)
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
                for n in draft.rows:
                    if n not in reasons:
                        reasons[n].append(t("import.order_rejected", order_no=draft.order_no))
        return reasons

    # -- planning and writing ----------------------------------------------------------------

    def plan(self) -> None:
        """What will be written: the good new orders and only what they need."""
        self.todo = [d for d in self.drafts.values()
                     if not d.bad and d.order_no not in self.present]
        need_channels, need_products = set(), set()
        for d in self.todo:
            need_channels.add(self._channel_key(d))
            need_products.update(line[1] for line in d.lines)
            if isinstance(d.customer, NewCustomer) and not d.customer.used:
                d.customer.used = True
                d.customer.channel_id = self._channel_key(d)  # its first order's channel
        self.new_channels = {k: v for k, v in self.new_channels.items() if k in need_channels}
        self.new_products = {k: v for k, v in self.new_products.items() if k in need_products}
        self.new_people = [p for p in self.new_people if p.used]
        r = self.report
        r.counts["orders_created"] = len(self.todo)
        r.counts["lines_created"] = sum(len(d.lines) for d in self.todo)
        r.counts["orders_present"] = len(self.present)
        r.counts["customers_created"] = len(self.new_people)
        r.created["customers"] = [p.code or p.name for p in self.new_people]
        r.created["products"] = list(self.new_products)
        r.created["channels"] = list(self.new_channels.values())

    def _channel_key(self, d: Draft) -> str:
        given = d.channel if d.channel not in (BAD, None, "") else default_channel()
        return given.strip().lower()

    def write(self, progress=None) -> None:
        """Everything planned, in bulk, on this transaction, with audit rows."""
        conn, who, now = self.conn, self.actor.name, now_utc()
        self.import_id = common.start_import(conn, "orders", Path(self.table.path), who)
        self.report.import_id = self.import_id
        self._write_channels(now)
        self._write_products(now)
        out = BulkWriter(conn, [customers, orders, order_lines, order_status_history,
                                audit_log])
        self._write_customers(out, now)
        out.flush()
        self._write_orders(out, now, progress)
        common.raise_counter(conn, "order_no", [d.order_no for d in self.todo], r"SO(\d{8})")
        common.raise_counter(conn, "customer_code",
                             [p.code for p in self.new_people if p.code], r"C(\d{6})")
        common.finish_import(conn, self.import_id, who, dict(self.report.counts))
        self.report.written = True
        self.report.created["customers"] = [p.code for p in self.new_people]

    def _audit(self, table: str, row_id: int, values: dict, now) -> None:
        row = common.audit_row(self.actor.name, table, row_id, "create",
                               {**values, "import_id": self.import_id}, now)
        self.conn.execute(sa.insert(audit_log).values(row))

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
            self.products[sku] = {**values, "id": pid, "unit_cost": None}
            self._audit("products", pid, values, now)

    def _write_customers(self, out: BulkWriter, now) -> None:
        people = self.new_people
        ids = common.reserve_ids(self.conn, customers, len(people))
        codes = iter(common.new_customer_codes(
            self.conn, sum(1 for p in people if not p.code),
            self.people.all_codes | {p.code for p in people if p.code}))
        stamp = {"version": 1, "created_at": now, "created_by": self.actor.name,
                 "updated_at": now, "updated_by": self.actor.name}
        for person, cid in zip(people, ids, strict=True):
            person.id, person.code = cid, person.code or next(codes)
            values = {"code": person.code, "name": person.name, "mobile": person.mobile,
                      "wechat_id": person.wechat_id,
                      "wechat_key": validate.wechat_key(person.wechat_id),
                      "channel_id": self.channels[person.channel_id]}
            out.add(customers, {"id": cid, **values, "region": None,
                                "tags": "", "notes": "", "is_agent": False, **stamp})
            out.add(audit_log, common.audit_row(self.actor.name, "customers", cid, "create",
                                                {**values, "import_id": self.import_id}, now))

    def _write_orders(self, out: BulkWriter, now, progress) -> None:
        ids = common.reserve_ids(self.conn, orders, len(self.todo))
        who, reason = self.actor.name, f"import #{self.import_id}"
        stamp = {"version": 1, "created_at": now, "created_by": who, "updated_at": now,
                 "updated_by": who}
        total = len(self.todo)
        for k, (d, oid) in enumerate(zip(self.todo, ids, strict=True), 1):
            cid = d.customer.id if isinstance(d.customer, NewCustomer) else d.customer
            goods = sum(line[5] for line in d.lines)
            head = {"order_no": d.order_no, "customer_id": cid,
                    "channel_id": self.channels[self._channel_key(d)], "status": d.status,
                    "ordered_at": d.ordered_at, "goods_amount": goods,
                    "discount": ZERO, "shipping": ZERO, "total": goods,
                    "note": ""}
            out.add(orders, {"id": oid, **head, **stamp, "deleted_at": None})
            for no, (_n, sku, _nm, qty, price, amount, disc) in enumerate(d.lines, 1):
                product = self.products[sku]
                out.add(order_lines, {"order_id": oid, "line_no": no, "product_id": product["id"],
                                      "sku": sku, "product_name": product["name"],
                                      "quantity": qty, "unit_price": price,
                                      "unit_cost": product["unit_cost"], "discount": disc,
                                      "amount": amount})
            out.add(order_status_history, {"order_id": oid, "from_status": None,
                                           "to_status": d.status, "changed_at": now,
                                           "changed_by": who, "reason": reason})
            out.add(audit_log, common.audit_row(who, "orders", oid, "create",
                                                {**head, "import_id": self.import_id}, now))
            if progress and (k % CHUNK == 0 or k == total):
                progress(k, total)
        out.flush()
