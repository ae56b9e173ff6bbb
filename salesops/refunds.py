"""Refunds (售后): money back on an order for chosen lines or quantities, or an amount,
with a reason; the goods back into stock when they came back.

The rules (README, "Refunds"):

- Managers and admins refund (`orders.cancel`, as a full refund always was); the reason
  is required. Only an order that was paid (paid, shipped, completed) is refunded, and
  its refunds add up to at most its total (goods and shipping).
- **By lines**: up to the units of each line not refunded yet. A line's refund is its
  amount pro rata (quantity / line quantity, to the cent), and the last units take what
  is left of the line, so refunding every unit gives back exactly what was paid for it.
  An `amount` given with lines replaces their sum (a part refund for damaged goods, or
  the shipping as well); an amount alone gives money back and no goods.
- **Goods**: on an order that has not gone out (paid) refunded units go back into stock
  at once (they never left: `released`); after it went out only with `restock` (the
  customer sent them back: `returned`). Products not counted are left alone.
- When the refunds reach the order's total the order becomes `refunded` (status history
  says so, and everything it still holds of an unsent order is released); before that it
  keeps its status and shows the refunded amount (`refunded_total`).
- A full refund from the status form (orders.change_status to `refunded`) records what
  was left as one refund (`refund_rest`), so every refund is a row and the weekly sheet
  counts each in the week it was issued.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from . import audit, stock_orders, validate
from .actors import Actor, system_actor
from .errors import NotFoundError, ValidationError
from .messages import add
from .records import log_status, require_row, versioned_update
from .schema import ZERO, now_utc, order_lines, order_refund_lines, order_refunds, orders

REFUNDABLE = ("paid", "shipped", "completed")
SENT = ("shipped", "completed")
CENT = Decimal("0.01")

add(
    {
        "en": {
            "refund.not_paid": "{field}: order {value} is {status}; only a paid order can "
            "be refunded",
            "refund.nothing": "{field}: choose the lines and quantities to refund, or give "
            "an amount",
            "refund.too_many": "{field}: line {value} has {left} units left to refund",
            "refund.no_line": "{field}: the order has no line {value}",
            "refund.too_much": "{field}: {value} is more than is left to refund ({left})",
            "refund.zero": "{field}: a refund must be more than 0",
        },
        "zh_CN": {
            "refund.not_paid": "{field}：订单 {value} 当前为 {status}，只有已付款的订单才能退款",
            "refund.nothing": "{field}：请选择要退的商品和数量，或填写退款金额",
            "refund.too_many": "{field}：第 {value} 行还可退 {left} 件",
            "refund.no_line": "{field}：订单没有第 {value} 行",
            "refund.too_much": "{field}：{value} 超过可退金额（{left}）",
            "refund.zero": "{field}：退款金额须大于 0",
        },
    }
)


def refund_order(
    db,
    order_id: int,
    *,
    lines: Sequence[Mapping] = (),
    amount=None,
    reason: str = "",
    restock: bool = False,
    actor: Actor | None = None,
) -> dict:
    """Refund `lines` ([{line_no, quantity}]) and/or `amount` of an order (see the module
    docstring); returns {"refund", "lines", "refunded" (the order's total refunded now),
    "status"}. Nothing is written when anything is wrong."""
    actor = actor or system_actor()
    actor.require("orders.cancel")
    reason = validate.text(reason, "reason", 500)
    if not reason:
        raise ValidationError.one("error.reason", "reason", what="refund")
    given = validate.money(amount, "amount", allow_none=True)
    with db.write() as conn:
        order = _locked_order(conn, order_id)
        chosen = _chosen_lines(conn, order_id, lines)
        if not chosen and given is None:
            raise ValidationError.one("refund.nothing", "lines")
        money = given if given is not None else sum((c["amount"] for c in chosen), ZERO)
        if money <= 0 and not chosen:
            raise ValidationError.one("refund.zero", "amount", money)
        left = order["total"] - refunded_total(conn, order_id)
        if money > left:
            raise ValidationError.one("refund.too_much", "amount", money, left=left)
        back = order["status"] not in SENT or restock
        row = _write(conn, order, money, chosen, reason, back, actor)
        status = order["status"]
        if money == left:  # refunded in full
            status = _to_refunded(conn, order, reason, actor)
        return {**row, "refunded": order["total"] - left + money, "status": status}


def _locked_order(conn, order_id: int) -> dict:
    """The order, locked until the transaction ends; refused unless it was paid."""
    found = conn.execute(sa.select(orders.c.id).where(orders.c.id == order_id).with_for_update())
    if found.first() is None:
        raise NotFoundError(f"order {order_id} not found")
    order = require_row(conn, orders, order_id, "order")
    if order["status"] not in REFUNDABLE:
        raise ValidationError.one(
            "refund.not_paid", "status", order["order_no"], status=order["status"]
        )
    return order


def _chosen_lines(conn, order_id: int, wanted: Sequence[Mapping]) -> list[dict]:
    """The lines to refund, checked: [{line, quantity, amount}] (quantity 0 left out)."""
    by_no = {ln["line_no"]: ln for ln in refundable_lines_on(conn, order_id)}
    chosen, problems = [], []
    for i, want in enumerate(wanted, 1):
        field = f"lines[{i}].quantity"
        qty = validate.whole_number(want.get("quantity"), field) or 0
        line = by_no.get(int(want.get("line_no") or 0))
        if qty == 0:
            continue
        if line is None:
            problems += ValidationError.one("refund.no_line", field, want.get("line_no")).problems
        elif qty > line["left"]:
            problems += ValidationError.one(
                "refund.too_many", field, line["line_no"], left=line["left"]
            ).problems
        else:
            chosen.append({"line": line, "quantity": qty, "amount": _line_share(line, qty)})
    if problems:
        raise ValidationError(problems)
    return chosen


def _line_share(line: dict, quantity: int) -> Decimal:
    """What `quantity` units of the line give back: pro rata, the last units the rest."""
    if quantity == line["left"]:
        return line["amount"] - line["refunded_amount"]
    share = line["amount"] * quantity / line["quantity"]
    return share.quantize(CENT, ROUND_HALF_UP)


def _write(conn, order, money, chosen, reason, back: bool, actor: Actor) -> dict:
    """The refund row, its lines, the goods back into stock, and the order's audit row."""
    restocked = bool(chosen) and back
    row = {
        "order_id": order["id"],
        "amount": money,
        "reason": reason,
        "restocked": restocked,
        "refunded_at": now_utc(),
        "refunded_by": actor.name,
    }
    row["id"] = conn.execute(sa.insert(order_refunds).values(row)).inserted_primary_key[0]
    line_rows = [
        {
            "refund_id": row["id"],
            "order_line_id": c["line"]["id"],
            "quantity": c["quantity"],
            "amount": c["amount"],
        }
        for c in chosen
    ]
    if line_rows:
        conn.execute(sa.insert(order_refund_lines), line_rows)
    if restocked:
        units: dict[int, int] = {}
        for c in chosen:
            pid = c["line"]["product_id"]
            units[pid] = units.get(pid, 0) + c["quantity"]
        kind = "returned" if order["status"] in SENT else "released"
        stock_orders.return_units(conn, order["id"], units, kind, actor.name, reason)
    before = refunded_total(conn, order["id"]) - money
    audit.record(
        conn,
        actor.name,
        "orders",
        order["id"],
        "update",
        {"refunded": before},
        {"refunded": before + money, "refund_reason": reason, "refund_restocked": restocked},
    )
    return {"refund": row, "lines": line_rows}


def _to_refunded(conn, order: dict, reason: str, actor: Actor) -> str:
    """The order becomes `refunded`: its status, history, and what an unsent order still
    holds back into stock."""
    versioned_update(
        conn,
        orders,
        order["id"],
        order["version"],
        {"status": "refunded"},
        actor,
        "order",
        order["order_no"],
    )
    log_status(conn, order["id"], order["status"], "refunded", actor.name, reason)
    stock_orders.follow_status(conn, order["id"], order["status"], "refunded", actor.name)
    return "refunded"


def refund_rest(conn, order: dict, reason: str, restock: bool, actor: Actor) -> dict | None:
    """On the transaction of a full refund by status: whatever is not refunded yet (money
    and units) as one refund; goods of a sent order back into stock with `restock`.
    None when nothing is left."""
    left = order["total"] - refunded_total(conn, order["id"])
    chosen = [
        {"line": ln, "quantity": ln["left"], "amount": _line_share(ln, ln["left"])}
        for ln in refundable_lines_on(conn, order["id"])
        if ln["left"] > 0
    ]
    if left <= 0 and not chosen:
        return None
    back = restock and order["status"] in SENT  # an unsent order releases it all anyway
    return _write(conn, order, max(left, ZERO), chosen, reason, back, actor)


def refunded_total(conn, order_id: int) -> Decimal:
    """The money refunded on the order so far."""
    total = conn.execute(
        sa.select(sa.func.sum(order_refunds.c.amount)).where(order_refunds.c.order_id == order_id)
    ).scalar()
    return Decimal(total or 0).quantize(CENT)


def refundable_lines_on(conn, order_id: int) -> list[dict]:
    """The order's lines with `refunded` (units), `refunded_amount` and `left` (units)."""
    r = order_refund_lines.c
    done = (
        sa.select(
            r.order_line_id,
            sa.func.sum(r.quantity).label("units"),
            sa.func.sum(r.amount).label("money"),
        )
        .group_by(r.order_line_id)
        .subquery()
    )
    rows = conn.execute(
        sa.select(
            order_lines,
            sa.func.coalesce(done.c.units, 0).label("refunded"),
            sa.func.coalesce(done.c.money, 0).label("refunded_amount"),
        )
        .outerjoin(done, done.c.order_line_id == order_lines.c.id)
        .where(order_lines.c.order_id == order_id)
        .order_by(order_lines.c.line_no)
    ).mappings()
    out = []
    for row in rows:
        line = dict(row)
        line["refunded"] = int(line["refunded"])
        line["refunded_amount"] = Decimal(line["refunded_amount"]).quantize(CENT)
        line["left"] = line["quantity"] - line["refunded"]
        out.append(line)
    return out


def refund_view(db, order_id: int) -> dict:
    """What the refund panel shows: the order's status, total, `refunded`, `left`, its
    `lines` (with units refunded and left) and its `refunds`, oldest first."""
    with db.read() as conn:
        order = require_row(conn, orders, order_id, "order")
        refunded = refunded_total(conn, order_id)
        refunds = [
            dict(r)
            for r in conn.execute(
                sa.select(order_refunds)
                .where(order_refunds.c.order_id == order_id)
                .order_by(order_refunds.c.id)
            ).mappings()
        ]
        return {
            "order_id": order_id,
            "order_no": order["order_no"],
            "status": order["status"],
            "total": order["total"],
            "refunded": refunded,
            "left": order["total"] - refunded,
            "refundable": order["status"] in REFUNDABLE,
            "sent": order["status"] in SENT,
            "lines": refundable_lines_on(conn, order_id),
            "refunds": refunds,
        }
