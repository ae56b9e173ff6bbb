"""Bulk shipping: check each line of `order_no, courier, tracking_no`, then ship every
valid one in one transaction.

`check(db, lines)` says what each line would do without writing (the page's preview, the
CLI's --dry-run); `ship(db, lines, actor=...)` checks them again inside its write
transaction (the orders locked on PostgreSQL; SQLite's writer holds the database) and,
when every line is valid, or with `skip_invalid` for the valid ones, marks the orders
shipped with their courier and number: one UPDATE per order guarded by its version and
status, its status history and an audit row each, all in that transaction. Otherwise
nothing is written. Stock moves that shipping causes belong in `_write`, beside these.

A line's state (`STATES`): `ready` (found, paid, courier and number good: will ship),
`recorded` (already shipped with this courier and number: nothing to do), `repeated`
(the same as an earlier line: nothing more to do), and the problems `unreadable`,
`not_found`, `bad_courier`, `bad_number`, `not_paid`, `shipped_other` (already shipped
with another number) and `conflict` (the order listed again with another number).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from json.encoder import encode_basestring as encode_string
from pathlib import Path

import sqlalchemy as sa

from .. import audit
from ..actors import Actor, system_actor
from ..couriers import check_courier, check_tracking
from ..errors import ConflictError, ValidationError
from ..importer.writer import TupleWriter
from ..messages import add, t
from ..schema import audit_log, now_utc, order_status_history, orders
from .lines import ShipLine
from .rules import courier_name

VALID = ("ready", "recorded", "repeated")
PROBLEMS = (
    "unreadable",
    "not_found",
    "bad_courier",
    "bad_number",
    "not_paid",
    "shipped_other",
    "conflict",
)
STATES = VALID + PROBLEMS
SENT = ("shipped", "completed")
CHUNK = 500  # order numbers looked up per statement

add(
    {
        "en": {
            "ship.state.ready": "will ship",
            "ship.state.recorded": "already recorded: nothing to do",
            "ship.state.repeated": "same as line {first}: nothing more to do",
            "ship.state.unreadable": "needs an order number, a courier and a tracking number",
            "ship.state.not_found": "no order {order_no}",
            "ship.state.not_paid": "order {order_no} is {status}, not paid: not shipped",
            "ship.state.shipped_other": "order {order_no} was already shipped with "
            "{courier} {number}",
            "ship.state.conflict": "order {order_no} is also on line {other} with another "
            "courier or number",
            "ship.summary": "{lines} lines: {ready} to ship, {nothing} already done, "
            "{problems} with problems",
            "ship.written": "{count} orders shipped.",
            "ship.not_written": "Nothing was shipped: {problems} lines have problems "
            "(ship the others with skip invalid).",
            "ship.rejected": "{count} lines left out, written to {path}",
            "ship.line": "line {row}: {text} — {message}",
            "ship.reason": "reason",
            "ship.empty": "{field}: no lines to ship",
        },
        "zh_CN": {
            "ship.state.ready": "将发货",
            "ship.state.recorded": "已记录，无需操作",
            "ship.state.repeated": "与第 {first} 行相同，无需再操作",
            "ship.state.unreadable": "需要订单号、快递公司和快递单号",
            "ship.state.not_found": "找不到订单 {order_no}",
            "ship.state.not_paid": "订单 {order_no} 当前为{status}，未付款，不能发货",
            "ship.state.shipped_other": "订单 {order_no} 已用 {courier} {number} 发货",
            "ship.state.conflict": "订单 {order_no} 在第 {other} 行也有，快递或单号不同",
            "ship.summary": "共 {lines} 行：{ready} 行将发货，{nothing} 行已处理，"
            "{problems} 行有问题",
            "ship.written": "已发货 {count} 单。",
            "ship.not_written": "没有发货：{problems} 行有问题（可勾选跳过问题行，先发其余的）。",
            "ship.rejected": "{count} 行未发货，已写入 {path}",
            "ship.line": "第 {row} 行：{text} — {message}",
            "ship.reason": "原因",
            "ship.empty": "{field}：没有要发货的行",
        },
    }
)


@dataclass
class ShipReport:
    """What a bulk shipment did or would do, line by line."""

    lines: list[ShipLine]
    dry_run: bool = True
    written: bool = False
    shipped: int = 0
    rejected_path: Path | None = None
    rejected_rows: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no line has a problem."""
        return not self.problems

    @property
    def problems(self) -> list[ShipLine]:
        """The lines with problems, in order."""
        return [ln for ln in self.lines if ln.state not in VALID]

    @property
    def ready(self) -> list[ShipLine]:
        """The lines that ship (or would)."""
        return [ln for ln in self.lines if ln.state == "ready"]

    def summary(self) -> str:
        """One sentence: how many lines, to ship, already done, with problems."""
        ready = len(self.ready)
        return t(
            "ship.summary",
            lines=len(self.lines),
            ready=ready,
            nothing=len(self.lines) - ready - len(self.problems),
            problems=len(self.problems),
        )

    def report_lines(self, limit: int | None = None) -> list[str]:
        """The summary, each problem line, then what was written (the CLI's output)."""
        out = [self.summary()]
        shown = self.problems if limit is None else self.problems[:limit]
        out += [t("ship.line", row=ln.row, text=ln.text, message=ln.message) for ln in shown]
        if self.written:
            out.append(t("ship.written", count=self.shipped))
        elif not self.dry_run and self.problems:
            out.append(t("ship.not_written", problems=len(self.problems)))
        if self.rejected_path:
            out.append(t("ship.rejected", count=self.rejected_rows, path=self.rejected_path))
        return out


def check(db, lines: list[ShipLine]) -> ShipReport:
    """What each line would do (states and messages set on the lines); writes nothing."""
    with db.read() as conn:
        _classify(conn, lines, lock=False)
    return _report(lines, dry_run=True)


def ship(
    db,
    lines: list[ShipLine],
    *,
    actor: Actor | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    rejected_to: Path | None = None,
) -> ShipReport:
    """Ship the valid lines in one transaction: all of them, or with `skip_invalid` the
    valid ones when some are not (the others written to `rejected_to`, when given);
    with `dry_run`, only check. The lines are checked again inside the transaction."""
    actor = actor or system_actor()
    actor.require("orders.edit")
    if not lines:
        raise ValidationError.one("ship.empty", "lines")
    with db.read() if dry_run else db.write() as conn:
        _classify(conn, lines, lock=not dry_run)
        report = _report(lines, dry_run)
        if report.problems and rejected_to is not None and (skip_invalid or dry_run):
            report.rejected_path = Path(rejected_to)
            report.rejected_rows = write_rejected(report.problems, report.rejected_path)
        if dry_run or (report.problems and not skip_invalid):
            return report
        report.shipped = _write(conn, report.ready, actor)
        report.written = True
    return report


def _report(lines: list[ShipLine], dry_run: bool) -> ShipReport:
    """A report over classified lines, with the count of each state."""
    counts = {s: 0 for s in STATES}
    for ln in lines:
        counts[ln.state] += 1
    return ShipReport(lines, dry_run=dry_run, counts=counts)


# -- checking ------------------------------------------------------------------------------


def order_key(text: str) -> str:
    """An order number as matched: NFKC, no spaces, upper case (so42 finds SO42)."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split()).upper()


def _classify(conn, lines: list[ShipLine], lock: bool) -> None:
    """Set every line's state, message, order, courier code and cleaned number."""
    keys = [order_key(ln.order_no) if ln.readable else "" for ln in lines]
    found = _orders(conn, set(keys), lock)
    ready = t("ship.state.ready")
    for ln, key in zip(lines, keys, strict=True):
        _one(ln, found.get(key) if key else None, ready)
    _repeats(lines)


def _orders(conn, keys: set[str], lock: bool) -> dict[str, dict]:
    """The live orders with these numbers (as order_key), by key; locked when `lock`.
    Asked at the driver, CHUNK numbers a statement (10,000 lines: 20 statements)."""
    names = ("id", "order_no", "status", "version", "courier", "tracking_no")
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    out, keys = {}, sorted(k for k in keys if k)
    for i in range(0, len(keys), CHUNK):
        chunk = keys[i : i + CHUNK]
        sql = (
            f"select {', '.join(names)} from orders "
            f"where order_no in ({', '.join([mark] * len(chunk))}) and deleted_at is null"
            + (" for update" if lock and mark == "%s" else "")
        )
        for row in conn.exec_driver_sql(sql, tuple(chunk)).all():
            out[order_key(row[1])] = dict(zip(names, row, strict=True))
    return out


def _one(ln: ShipLine, order: dict | None, ready: str) -> None:
    """One line's state against its order (None: not found); `ready` is the message of a
    line that will ship."""
    ln.state, ln.message, ln.order_id = "", "", order["id"] if order else None
    if not ln.readable:
        return _set(ln, "unreadable", t("ship.state.unreadable"))
    if order is None:
        return _set(ln, "not_found", t("ship.state.not_found", order_no=ln.order_no))
    ln.order_no = order["order_no"]
    try:
        courier = _courier(ln.courier_text)
    except ValidationError as e:
        return _set(ln, "bad_courier", str(e))
    try:
        ln.courier, ln.tracking_no = courier.code, check_tracking(courier, ln.tracking_text)
    except ValidationError as e:
        return _set(ln, "bad_number", str(e))
    _against_status(ln, order, ready)


@functools.lru_cache(maxsize=256)
def _courier(text: str):
    """check_courier, once per way of writing a courier in a list."""
    return check_courier(text)


def _against_status(ln: ShipLine, order: dict, ready: str) -> None:
    """ready, recorded, shipped_other or not_paid, by the order's status and number."""
    if order["status"] in SENT:
        same = (order["courier"], order["tracking_no"] or "") == (ln.courier, ln.tracking_no)
        if same:
            return _set(ln, "recorded", t("ship.state.recorded"))
        number = order["tracking_no"] or ""
        message = t(
            "ship.state.shipped_other",
            order_no=order["order_no"],
            courier=courier_name(order["courier"]) or "-",
            number=number,
        )
        return _set(ln, "shipped_other", message)
    if order["status"] != "paid":
        status = t(f"order.status.{order['status']}")
        return _set(ln, "not_paid", t("ship.state.not_paid", order_no=ln.order_no, status=status))
    ln.state, ln.message = "ready", ready
    ln.version, ln.before = order["version"], (order["courier"], order["tracking_no"])


def _set(ln: ShipLine, state: str, message: str) -> None:
    """Give a line its state and message."""
    ln.state, ln.message = state, message


def _repeats(lines: list[ShipLine]) -> None:
    """An order on several lines: the same courier and number again is `repeated`; a
    different one makes every line of that order a `conflict`."""
    first: dict[int, ShipLine] = {}
    for ln in lines:
        if ln.state not in ("ready", "recorded", "shipped_other") or ln.order_id is None:
            continue
        earlier = first.setdefault(ln.order_id, ln)
        if earlier is ln:
            continue
        if (earlier.courier, earlier.tracking_no) == (ln.courier, ln.tracking_no):
            _set(ln, "repeated", t("ship.state.repeated", first=earlier.row))
            continue
        for a, b in ((earlier, ln), (ln, earlier)):
            _set(a, "conflict", t("ship.state.conflict", order_no=a.order_no, other=b.row))


# -- writing -------------------------------------------------------------------------------


def _write(conn, ready: list[ShipLine], actor: Actor) -> int:
    """Mark the ready lines' orders shipped: the updates (each guarded by the version and
    status read in this transaction), status history and audit rows; the count.

    Written at the driver, as imports write (salesops.importer.writer): one executemany
    of the UPDATE, the history and audit rows through TupleWriter (COPY on PostgreSQL),
    the time converted once; 10,000 lines is BENCHMARKS.md's benchmark 8."""
    if not ready:
        return 0
    out, who = TupleWriter(conn), actor.name
    at = out.time(now_utc())
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    update = (
        f"update orders set status = 'shipped', courier = {mark}, tracking_no = {mark}, "
        f"version = version + 1, updated_at = {mark}, updated_by = {mark} "
        f"where id = {mark} and version = {mark} and status = 'paid'"
    )
    rows = [(ln.courier, ln.tracking_no or None, at, who, ln.order_id, ln.version) for ln in ready]
    if conn.exec_driver_sql(update, rows).rowcount != len(ready):  # moved on since read
        _moved_on(conn, ready)
    for ln in ready:
        out.add(order_status_history, (ln.order_id, "paid", "shipped", at, who, ""))
        out.add(audit_log, (at, who, "orders", ln.order_id, "update", *_audit(ln)))
    out.flush()
    return len(ready)


def _moved_on(conn, ready: list[ShipLine]) -> None:
    """ConflictError naming an order that changed after it was checked (who, when)."""
    o = orders.c
    for ln in ready:
        row = conn.execute(
            sa.select(o.version, o.updated_by, o.updated_at).where(o.id == ln.order_id)
        ).one()
        if row.version != ln.version + 1:
            raise ConflictError("order", ln.order_no, row.updated_by, row.updated_at)
    raise ConflictError("order", ready[0].order_no, "?", now_utc())


# The audit row of an order shipped from paid with a number and no courier chosen before
# (the usual case), as audit.dump writes it (sorted keys), without building dicts to dump.
_FROM_PAID = '{"courier": null, "status": "paid", "tracking_no": null}'
_TO_SHIPPED = '{"courier": %s, "status": "shipped", "tracking_no": %s}'


def _audit(ln: ShipLine) -> tuple[str, str]:
    """The old and new values (JSON) of one shipped order's audit row: the fields that
    changed, as salesops.records.versioned_update records them."""
    if ln.before == (None, None) and ln.tracking_no:
        return _FROM_PAID, _TO_SHIPPED % (encode_string(ln.courier), encode_string(ln.tracking_no))
    before = dict(zip(("courier", "tracking_no"), ln.before, strict=True))
    old, new = audit.changed(
        {"status": "paid", **before},
        {"status": "shipped", "courier": ln.courier, "tracking_no": ln.tracking_no or None},
    )
    return audit.dump(old), audit.dump(new)


# -- the lines left out ---------------------------------------------------------------------


def write_rejected(lines: list[ShipLine], target: Path) -> int:
    """The lines with problems as CSV (UTF-8 with BOM, for Excel): line, order_no,
    courier, tracking_no, reason; owner-only, every cell formula-safe. Returns the count."""
    from ..files import write_csv

    header = ["line", "order_no", "courier", "tracking_no", t("ship.reason")]
    rows = ((ln.row, ln.order_no, ln.courier_text, ln.tracking_text, ln.message) for ln in lines)
    return write_csv(target, header, rows)
