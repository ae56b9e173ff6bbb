"""Stock that moves with orders: when a sale takes stock and when it comes back.

The rule (README, "Stock"):

- **An order takes its stock when it is paid** (or created already paid, shipped or
  completed): from then on the goods are the customer's, set aside, and no longer there
  to sell. Shipping moves nothing more: the goods the order holds go out of the door.
  One `sold` movement per product of the order, quantity negative.
- **It gives them back** (`released`) when it is cancelled, deleted, or refunded before
  it went out (a paid order refunded): the goods never left. After it went out, a refund
  brings goods back only when they are returned (`returned`, salesops.refunds, or the
  status form's "goods back into stock").
- **Backorder**: an order may not take a product below zero unless the shop allows it
  (settings.allow_backorder); the refusal names each product short, and nothing changes.
- A product whose stock is not counted (NULL) is not tracked: no movement, no refusal.
- Every movement runs on the order's transaction after the product row is locked
  (salesops.stock.move), so two people selling the last unit cannot both have it. On
  PostgreSQL an order created paid and a move to paid take their stock inside the one
  statement that writes them, the products locked first (salesops.order_saves); `take`
  is the statement-at-a-time path's way, and the rule is the same.
"""

from __future__ import annotations

import sqlalchemy as sa

from . import stock
from .errors import Problem, ValidationError
from .messages import add, t
from .schema import order_lines, products, settings, stock_movements

HOLDING = ("paid", "shipped", "completed")  # an order in these holds its stock
ORDER_KINDS = ("sold", "released", "returned")

add(
    {
        "en": {
            "stock.short": "{field}: only {left} of {value} in stock, {wanted} needed; "
            "nothing was changed (selling into backorder is a shop setting)",
        },
        "zh_CN": {
            "stock.short": "{field}：{value} 库存只剩 {left}，需要 {wanted}；未做任何更改"
            "（可在店铺设置中允许缺货销售）",
        },
    }
)


def backorder_allowed(conn) -> bool:
    """The shop's setting: may an order take stock below zero."""
    return bool(
        conn.execute(sa.select(settings.c.allow_backorder).where(settings.c.id == 1)).scalar()
    )


def follow_status(conn, order_id: int, old: str | None, new: str, actor_name: str) -> list[dict]:
    """On the order's transaction: the stock movements its move from `old` to `new`
    causes (see the module docstring); returns them."""
    if old not in HOLDING and new in HOLDING:
        return take(conn, order_id, actor_name)
    if old in HOLDING and (new == "cancelled" or (new == "refunded" and old == "paid")):
        return give_back(conn, order_id, "released", actor_name, new)
    return []  # goods a refund brings back: salesops.refunds


def take(conn, order_id: int, actor_name: str) -> list[dict]:
    """The order's counted products leave stock (`sold`), or ValidationError naming every
    product short when the shop does not sell into backorder. One statement reads and
    locks the counted products with the units wanted (none when nothing is counted)."""
    lines = order_lines.c
    wanted = (
        sa.select(sa.func.sum(lines.quantity))
        .where(lines.order_id == order_id, lines.product_id == products.c.id)
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(products.c.id, products.c.stock_on_hand, wanted.label("wanted"))
        .where(
            products.c.id.in_(sa.select(lines.product_id).where(lines.order_id == order_id)),
            products.c.stock_on_hand.is_not(None),
        )
        .order_by(products.c.id)  # one locking order: no deadlocks on PostgreSQL
        .with_for_update(of=products)
    ).all()
    short = [r for r in rows if r.stock_on_hand < r.wanted]
    if short and not backorder_allowed(conn):
        raise ValidationError([_short(conn, r.id, r.stock_on_hand, int(r.wanted)) for r in short])
    return [
        stock.move(
            conn,
            r.id,
            "sold",
            -int(r.wanted),
            actor_name,
            order_id=order_id,
            before=r.stock_on_hand,
        )
        for r in rows
    ]


def _short(conn, product_id: int, left: int, wanted: int) -> Problem:
    """The problem of one product without enough stock."""
    sku = conn.execute(
        sa.select(order_lines.c.sku).where(order_lines.c.product_id == product_id).limit(1)
    ).scalar()
    return short_problem(sku, left, wanted)


def short_problem(sku: str, left: int, wanted: int) -> Problem:
    """The problem of product `sku`: `left` in stock, `wanted` needed."""
    text = t("stock.short", field="stock", value=sku, left=max(left, 0), wanted=wanted)
    return Problem("stock", sku, text)


def held(conn, order_id: int) -> dict[int, int]:
    """{product_id: units the order holds now}: what it took less what came back."""
    m = stock_movements.c
    rows = conn.execute(
        sa.select(m.product_id, sa.func.sum(m.quantity))
        .where(m.order_id == order_id, m.kind.in_(ORDER_KINDS))
        .group_by(m.product_id)
        .order_by(m.product_id)
    ).all()
    return {pid: -int(total) for pid, total in rows if total and total < 0}


def give_back(conn, order_id: int, kind: str, actor_name: str, reason: str = "") -> list[dict]:
    """Everything the order still holds goes back into stock as `kind`."""
    return return_units(conn, order_id, held(conn, order_id), kind, actor_name, reason)


def return_units(
    conn, order_id: int, units: dict[int, int], kind: str, actor_name: str, reason: str = ""
) -> list[dict]:
    """`units` ({product_id: n}) back into stock for the order; products not counted
    (any more) are left alone."""
    moved = []
    for product_id, quantity in sorted(units.items()):
        before = stock.locked_figure(conn, product_id)
        if before is None or quantity <= 0:
            continue
        moved.append(
            stock.move(
                conn,
                product_id,
                kind,
                quantity,
                actor_name,
                order_id=order_id,
                reason=reason,
                before=before,
            )
        )
    return moved
