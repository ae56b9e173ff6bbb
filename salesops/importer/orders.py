"""Import orders from a shop export: one row per order line, rows sharing an order_no are
one order.

The file is read once, row by row, into compact order drafts (every problem recorded
with row, column, value and reason); then channels, products and customers are matched
(or planned as new), order numbers already in the database are compared with the file,
and only when nothing is wrong (or with `skip_invalid`, for the orders that are fine) is
everything written in bulk in the one transaction that also did the matching.

Reading has a fast path: the cells of a row are parsed with per-value caches (an export
repeats the same SKUs, prices, quantities and customers on many lines) and any row that
fails there is read again by the slow path, which records every problem it has.
"""

from __future__ import annotations

from .. import config
from ..actors import Actor, system_actor
from ..errors import ValidationError
from ..messages import t
from . import parse, reading
from .drafts import BAD, Draft, default_channel
from .matching import Matching
from .orders_write import Writing
from .report import ImportReport, rejected_path_for, write_rejected
from .shipto import COLUMNS as SHIP_COLUMNS
from .shipto import ship_values
from .writer import TupleWriter

ALIASES = {
    "order_no": ("订单号", "订单编号", "订单号码", "order number", "order id"),
    "ordered_at": ("下单时间", "下单日期", "订单时间", "付款时间", "order date", "date"),
    "customer_ref": ("客户编号", "客户代码", "customer code", "customer id"),
    "customer_name": ("客户姓名", "客户名称", "姓名", "买家姓名", "customer"),
    "mobile": ("手机", "手机号", "手机号码", "联系电话", "电话", "phone"),
    "wechat_id": ("微信号", "微信", "wechat"),
    "channel": ("渠道", "来源渠道", "销售渠道"),
    "sku": ("商品编码", "商品编号", "货号", "商家编码"),
    "product_name": ("商品名称", "品名", "商品", "product"),
    "quantity": ("数量", "购买数量", "qty"),
    "unit_price": ("单价", "商品单价", "price"),
    "amount": ("金额", "小计", "商品金额", "line total"),
    "unit_cost": ("成本", "成本价", "单位成本", "进价", "unit cost", "cost"),
    "status": ("状态", "订单状态"),
    "recipient": ("收货人", "收件人", "收货人姓名"),
    "ship_mobile": ("收货电话", "收货人电话", "收货人手机", "收件人电话", "收件人手机"),
    "address": ("收货地址", "收件地址", "shipping address"),
    "courier": ("快递公司", "物流公司", "快递"),
    "tracking_no": ("快递单号", "运单号", "物流单号", "tracking number"),
}
REQUIRED = ("order_no", "ordered_at", "sku", "quantity")
ONE_OF = (("customer_ref", "mobile", "wechat_id"), ("amount", "unit_price"))
CACHE_LIMIT = 200_000


class _Slow(Exception):
    """This row needs the careful path (a problem, or a conflict to look at)."""


def import_orders(
    db,
    path,
    *,
    actor: Actor | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    strict: bool = False,
    mapping: dict | None = None,
    progress=None,
    move_stock: bool = False,
) -> ImportReport:
    """Import an orders file (.csv or .xlsx); see the module docstring and README.

    Past orders do not move stock (they were sold before the stock was counted) unless
    `move_stock`: then every paid, shipped or completed order takes its stock as a sale
    does (salesops.stock_orders), and a product short refuses the whole import.

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
        job.move_stock = move_stock
        job.read()
        job.resolve()
        if report.problems:
            if not skip_invalid:
                return report
            report.rejected_path = rejected_path_for(table.path)
            report.rejected_rows = write_rejected(table, job.rejections(), report.rejected_path)
        job.plan()
        if not dry_run and report.new_anything:
            job.write(progress)
    return report


class _OrderImport(Matching, Writing):
    """One run: read, resolve, plan, write."""

    def __init__(self, conn, table, report: ImportReport, actor: Actor, strict: bool):
        self.conn, self.table, self.report, self.actor, self.strict = (
            conn,
            table,
            report,
            actor,
            strict,
        )
        self.pos = list(table.mapping.items())
        self.move_stock = False  # --move-stock: imported sales take their stock
        self.drafts: dict[str, Draft] = {}
        self.default_channel = default_channel(conn)
        self.zone = config.business_zone()
        self.stored_money = TupleWriter(conn).money
        self.ship_at = [(c, table.mapping[c]) for c in SHIP_COLUMNS if c in table.mapping]
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
            "unit_cost": parse.Cached(parse.money, "unit_cost", True),
        }

    # -- reading: the fast path --------------------------------------------------------------

    def read(self) -> None:
        """Every row into order drafts; problems recorded as they are found."""
        width = len(self.table.headers)
        at = {c: self.table.mapping.get(c, width) for c in ALIASES}  # missing -> the None
        i_no, i_at, i_ref, i_mob, i_wx = (
            at[c] for c in ("order_no", "ordered_at", "customer_ref", "mobile", "wechat_id")
        )
        i_sku, i_pn, i_q, i_up, i_am, i_uc = (
            at[c] for c in ("sku", "product_name", "quantity", "unit_price", "amount", "unit_cost")
        )
        tails, by_raw = {}, {}
        count = 0
        for n, v in self.table.rows():
            count += 1
            v.append(None)
            try:
                key = (v[i_sku], v[i_pn], v[i_q], v[i_up], v[i_am], v[i_uc])
                tail = tails.get(key)
                if tail is None:
                    tail = tails[key] = self._tail(*key)
                draft = by_raw.get(v[i_no])
                if draft is None:
                    draft = self._first_row(n, v, at)
                    by_raw[v[i_no]] = draft
                elif v[i_at] != draft.at_raw or (v[i_ref], v[i_mob], v[i_wx]) != draft.ident_raw:
                    raise _Slow
                draft.lines.append((n, tail))
            except (ValidationError, _Slow):
                self._row(n, {c: v[i] for c, i in self.pos})
            if len(tails) > CACHE_LIMIT:
                tails.clear()
        self.report.rows = count

    def _tail(self, sku, name, qty, price, amount, cost) -> tuple:
        """A line's parsed cells (see drafts.Draft); ValidationError or _Slow if wrong."""
        sku = parse.text(sku, "sku", 64, True)
        name = parse.text(name, "product_name", 200)
        qty = parse.quantity(qty)
        price = parse.money(price, "unit_price", True)
        amount = parse.money(amount, "amount", True)
        cost = parse.money(cost, "unit_cost", True)
        if price is None and amount is None:
            raise _Slow
        return self._line_tail(sku, name, qty, *parse.line_amount(qty, price, amount), cost)

    def _line_tail(self, sku, name, qty, price, amount, discount, cost) -> tuple:
        stored = self.stored_money
        return (
            sku,
            name,
            qty,
            price,
            amount,
            discount,
            (stored(price), stored(amount), stored(discount)),
            cost,
            None if cost is None else stored(cost),
        )

    def _first_row(self, n: int, v: list, at: dict) -> Draft:
        """A new order's draft from its first row (fast: _Slow on anything unusual)."""
        p = self.p
        order_no = parse.text(v[at["order_no"]], "order_no", 32, True)
        if order_no in self.drafts:  # the same number written differently (spaces)
            raise _Slow
        ident_raw = (v[at["customer_ref"]], v[at["mobile"]], v[at["wechat_id"]])
        ident = (
            p["customer_ref"](ident_raw[0]) or None,
            p["mobile"](ident_raw[1]),
            p["wechat_id"](ident_raw[2]),
        )
        if not any(ident):
            raise _Slow
        when = parse.ordered_at(v[at["ordered_at"]], "ordered_at", self.zone)
        draft = Draft(
            n,
            order_no,
            v[at["ordered_at"]],
            when,
            ident,
            ident_raw,
            p["customer_name"](v[at["customer_name"]]),
            p["channel"](v[at["channel"]]),
            p["status"](v[at["status"]]),
        )
        self._ship_fast(draft, v)
        self.drafts[order_no] = draft
        return draft

    def _ship_fast(self, draft: Draft, v: list) -> None:
        """The order's ship-to and shipment cells (ValidationError: the careful path)."""
        if self.ship_at:
            cells = {c: v[i] for c, i in self.ship_at}
            draft.name = draft.name or str(cells.get("recipient") or "").strip()
            draft.ship = ship_values(cells, draft.name, draft.ident[1])
            draft.name = draft.name or draft.ship[0] or ""

    def _ship(self, n: int, raw: dict, draft: Draft) -> None:
        """The careful path's ship-to: every problem recorded by its column."""
        if not self.ship_at:
            return
        draft.name = draft.name or str(raw.get("recipient") or "").strip()
        mobile = draft.ident[1] if draft.ident is not BAD else None
        try:
            draft.ship = ship_values(raw, draft.name, mobile)
            draft.name = draft.name or draft.ship[0] or ""
        except ValidationError as e:
            for p in e.problems:
                header = self.table.header_of(p.field)
                self.report.problem(n, header, raw.get(p.field), p.message)

    # -- reading: the careful path, which records every problem of a row -------------------

    def _get(self, number: int, column: str, raw: dict):
        """The parsed cell, or BAD after recording the problem."""
        try:
            return self.p[column](raw.get(column))
        except ValidationError as e:
            for problem in e.problems:
                self.report.problem(
                    number, self.table.header_of(column), raw.get(column), problem.message
                )
            return BAD

    def _row(self, n: int, raw: dict) -> None:
        before = len(self.report.problems)
        order_no = self._get(n, "order_no", raw)
        draft = self.drafts.get(order_no) if order_no is not BAD else None
        if draft is None:
            draft = self._new_draft(n, raw, order_no)
        else:
            self._same_order(n, raw, draft)
        line = self._line(n, raw)
        if draft is None:  # no usable order_no: the row's problems say so
            return
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
        ident_raw = tuple(raw.get(c) for c in ONE_OF[0])
        draft = Draft(
            n,
            order_no,
            raw.get("ordered_at"),
            at,
            ident,
            ident_raw,
            name if name is not BAD else "",
            channel,
            status,
        )
        self._ship(n, raw, draft)
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
        reason = t(
            "import.order_conflict",
            order_no=draft.order_no,
            what=column,
            first=draft.row,
            other=other,
        )
        self.report.problem(n, self.table.header_of(column), raw.get(column), reason)

    def _line(self, n: int, raw: dict):
        """(row, tail) as the fast path makes it, or None after recording problems."""
        sku = self._get(n, "sku", raw)
        name = self._get(n, "product_name", raw)
        qty = self._get(n, "quantity", raw)
        price = self._get(n, "unit_price", raw)
        amount = self._get(n, "amount", raw)
        cost = self._get(n, "unit_cost", raw)
        if BAD in (sku, name, qty, price, amount, cost):
            return None
        if price is None and amount is None:
            column = self.table.header_of(
                "amount" if "amount" in self.table.mapping else "unit_price"
            )
            self.report.problem(n, column, None, t("error.required", field=column))
            return None
        try:
            price, amount, discount = parse.line_amount(qty, price, amount, "amount")
        except ValidationError as e:
            self.report.problem(
                n, self.table.header_of("amount"), raw.get("amount"), e.problems[0].message
            )
            return None
        return n, self._line_tail(sku, name, qty, price, amount, discount, cost)
