"""Stock on hand and its ledger: every change of a product's stock is a movement row.

Design (for this issue and the fulfilment issue that builds on it):

- `products.stock_on_hand` is the figure people read; NULL means the shop does not count
  this product (not every seller does), and then nothing about stock is tracked or warned.
- `stock_movements` is the ledger: one row per change, with its `kind`, the signed
  `quantity` it moved, the `on_hand` figure after it, who, when and why (and the order,
  for movements a sale causes). The invariant, checked by the tests: a product's
  movements add up to its stock on hand (0 when it is not counted).
- Both are written in the same transaction, after the product row is locked
  (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's writers hold the database lock from
  BEGIN IMMEDIATE), so two saves can never both start from the same figure.
- Kinds (schema.STOCK_KINDS): `counted` (a stocktake or a figure a manager typed:
  `counted` holds the count, `quantity` the difference from the figure before, unknown
  counting as 0), `uncounted` (the shop stopped counting: the figure goes back to unknown
  and `quantity` takes the last figure back out), `received` (goods in: `receive`), and
  the kinds an order causes, `sold`, `released` and `returned` (salesops.stock_orders).
  A new kind goes into schema.STOCK_KINDS and its CHECK (by migration) and is written
  through `move`, which keeps the product's figure.
"""

from __future__ import annotations

import sqlalchemy as sa

from . import audit, validate
from .actors import Actor, system_actor
from .errors import NotFoundError, ValidationError
from .messages import add, t
from .schema import STOCK_KINDS, now_utc, products, stock_movements

add(
    {
        "en": {
            "stock.uncounted": "{field}: {value} is not counted yet; enter a first count "
            "(salesops stock adjust) before receiving goods",
        },
        "zh_CN": {
            "stock.uncounted": "{field}：{value} 尚未盘点；请先录入库存数（salesops stock "
            "adjust）再入库",
        },
    }
)


def record_count(conn, product_id: int, counted: int | None, actor_name: str, reason: str = ""):
    """On `conn`'s transaction: the product's stock is `counted` (None: not counted any
    more); writes the movement and the product's figure; returns the movement or None
    when there was nothing to record (unknown stays unknown)."""
    before = locked_figure(conn, product_id)
    if counted is None and before is None:
        return None
    kind = "uncounted" if counted is None else "counted"
    return move(
        conn,
        product_id,
        kind,
        (counted or 0) - (before or 0),
        actor_name,
        reason=reason,
        counted=counted,
        before=before,
    )


def move(
    conn,
    product_id: int,
    kind: str,
    quantity: int,
    actor_name: str,
    *,
    reason: str = "",
    counted: int | None = None,
    order_id: int | None = None,
    before: int | None = None,
) -> dict:
    """On `conn`'s transaction: one movement of `quantity` (signed) and the product's new
    figure (a count sets it; `uncounted` clears it; other kinds add to it)."""
    if kind not in STOCK_KINDS:
        raise ValidationError.one("error.choice", "kind", kind, accepted=", ".join(STOCK_KINDS))
    if before is None and kind not in ("counted", "uncounted"):
        before = locked_figure(conn, product_id)
    after = {"counted": counted, "uncounted": None}.get(kind, (before or 0) + quantity)
    row = {
        "product_id": product_id,
        "kind": kind,
        "quantity": quantity,
        "counted": counted,
        "on_hand": after,
        "order_id": order_id,
        "reason": (reason or "")[:500],
        "at": now_utc(),
        "actor": actor_name,
    }
    row["id"] = conn.execute(sa.insert(stock_movements).values(row)).inserted_primary_key[0]
    conn.execute(sa.update(products).where(products.c.id == product_id).values(stock_on_hand=after))
    return row


def locked_figure(conn, product_id: int) -> int | None:
    """The product's stock on hand, its row locked until the transaction ends."""
    found = conn.execute(
        sa.select(products.c.id, products.c.stock_on_hand)
        .where(products.c.id == product_id)
        .with_for_update()
    ).first()
    if found is None:
        raise NotFoundError(f"product {product_id} not found")
    return found.stock_on_hand


def set_stock(
    db, product_id: int, counted: int | None, reason: str = "", actor: Actor | None = None
) -> dict:
    """A manager's count: the product's stock on hand is now `counted` (None: not
    counted); recorded in the ledger and the audit log even when the figure is unchanged
    (a stocktake that confirms it). Returns the movement (None: nothing to record)."""
    actor = actor or system_actor()
    actor.require("products.edit")
    counted = validate.whole_number(counted, "stock_on_hand")
    with db.write() as conn:
        before = locked_figure(conn, product_id)
        movement = record_count(conn, product_id, counted, actor.name, reason)
        if movement is not None:
            _audit(conn, actor, product_id, before, {"stock_on_hand": counted}, reason)
        return movement


def _audit(conn, actor: Actor, product_id: int, before, after: dict, reason: str) -> None:
    """The product's audit row for a change of its stock (`after`: the new values)."""
    new = {**after, "stock_reason": reason}
    audit.record(conn, actor.name, "products", product_id, "update", {"stock_on_hand": before}, new)


def _product_id(conn, key) -> int:
    """The id of the product with id or SKU `key` (NotFoundError otherwise)."""
    if key is None or key == "":
        raise ValidationError.one("error.required", "sku", key)
    column = products.c.id if isinstance(key, int) else products.c.sku
    found = conn.execute(sa.select(products.c.id).where(column == key)).scalar()
    if found is None:
        raise NotFoundError(t("error.not_found", field="sku", value=key, what="product"))
    return found


def receive(db, key, quantity, reason: str = "", actor: Actor | None = None) -> dict:
    """Goods in: `quantity` (at least 1) units of the product with id or SKU `key` added
    to its stock (`received`). A product not counted yet must be counted first (adding
    to an unknown figure would make up a number). Returns the movement."""
    actor = actor or system_actor()
    actor.require("stock.receive")
    if key is None or key == "":  # the product first: a form names what is missing in order
        raise ValidationError.one("error.required", "sku", key)
    quantity = validate.quantity(quantity)
    reason = validate.text(reason, "reason", 500)
    with db.write() as conn:
        product_id = _product_id(conn, key)
        before = locked_figure(conn, product_id)
        if before is None:
            raise ValidationError.one("stock.uncounted", "sku", key)
        row = move(conn, product_id, "received", quantity, actor.name, reason=reason, before=before)
        after = {"stock_on_hand": row["on_hand"], "stock_received": quantity}
        _audit(conn, actor, product_id, before, after, reason)
        return row


def adjust(db, key, counted, reason: str, actor: Actor | None = None) -> dict | None:
    """A stocktake: the product with id or SKU `key` has `counted` units (blank: the shop
    stops counting it); the reason is required. Returns the movement."""
    reason = validate.text(reason, "reason", 500)
    if not reason:
        raise ValidationError.one("error.reason", "reason", what="stock adjustment")
    with db.read() as conn:
        product_id = _product_id(conn, key)
    return set_stock(db, product_id, counted, reason, actor)


def low_stock(db) -> list[dict]:
    """Active counted products at or under their reorder level, emptiest first."""
    p = products.c
    with db.read() as conn:
        rows = conn.execute(
            sa.select(p.id, p.sku, p.name, p.stock_on_hand, p.reorder_level)
            .where(
                p.active,
                p.stock_on_hand.is_not(None),
                p.reorder_level.is_not(None),
                p.stock_on_hand <= p.reorder_level,
            )
            .order_by(p.stock_on_hand - p.reorder_level, p.sku)
        ).mappings()
        return [dict(r) for r in rows]


def movements(db, product_id: int, limit: int = 50) -> list[dict]:
    """A product's latest stock movements, newest first."""
    m = stock_movements.c
    with db.read() as conn:
        rows = conn.execute(
            sa.select(stock_movements)
            .where(m.product_id == product_id)
            .order_by(m.id.desc())
            .limit(limit)
        ).mappings()
        return [dict(r) for r in rows]
