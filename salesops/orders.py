"""Orders: create with lines, move along the allowed statuses, cancel or refund.

How lines are priced and which moves are allowed is salesops.order_rules (an order-level
discount is spread over the lines in proportion to their value, so revenue per product
adds up exactly to revenue per order); this module reads and writes a statement at a
time, and hands PostgreSQL's new orders and simple moves to salesops.order_saves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa

from . import audit, order_saves, refunds, stock_orders, validate
from .actors import Actor, system_actor
from .address_book import DEFAULT, ship_to_columns
from .agents.levels import buyer_level, prices_at
from .agents.sales import seller_of_record
from .errors import ValidationError
from .order_rules import (  # the rules, kept here under their old names too
    NEEDS_REASON,
    TRANSITIONS,
    check_transition,
    kept_costs,
    line_of,
    new_values,
    price_lines,
    stale,
)
from .products import require_on_sale
from .records import log_status, next_number, require_row, stamp_new, versioned_update
from .schema import (
    ZERO,
    channels,
    customers,
    now_utc,
    order_lines,
    order_status_history,
    orders,
    products,
)
from .settings import default_channel_code
from .shipping.rules import shipment


def create_order(db, customer_id: int, lines: Sequence[Mapping], **options) -> dict:
    """Record an order; lines give `product_id` or `sku`, `quantity`, optional `unit_price`
    (default: the product's price, or for an agent buyer their level's price) and
    `discount`. Returns the order with its number. The keyword `options` are
    write_order's (channel, discount, shipping, ordered_at, note, status, order_no,
    ship_to, courier, agent, actor; `actor` defaults to the system). `agent` (id or code)
    is the seller of record when an agent sold it to their own customer
    (salesops.agents.sales).

    `ship_to` is copied onto the order (salesops.address_book.ship_to_columns): DEFAULT,
    the customer's default address; an address id of theirs; a dict of a new address
    (`save` true adds it to their book); None, no address. `courier` may name how it
    will go out already (self pickup, say)."""
    actor = options.pop("actor", None) or system_actor()
    actor.require("orders.edit")
    validate.choice(options.get("status", "new"), "status", tuple(TRANSITIONS))
    in_one_go = order_saves.applies(
        db.dialect,
        customer_id,
        lines,
        options.get("channel"),
        options.get("agent"),
        options.get("ship_to", DEFAULT),
    )  # one read and one all-or-nothing write statement: no transaction around them
    with db.statements() if in_one_go else db.write() as conn:
        return write_order(conn, customer_id, lines, actor=actor, **options)


def write_order(
    conn,
    customer_id: int,
    lines: Sequence[Mapping],
    *,
    channel=None,
    discount=ZERO,
    shipping=ZERO,
    ordered_at: datetime | None = None,
    note: str = "",
    status: str = "new",
    order_no: str | None = None,
    ship_to=DEFAULT,
    courier: str | None = None,
    agent=None,
    actor: Actor,
) -> dict:
    """create_order's work on the caller's transaction (an order with its lines, status
    history and audit row), for a service that writes several orders all or nothing
    (salesops.groupbuy); the caller has checked `orders.edit`. On PostgreSQL it is one
    read and one write statement (salesops.order_saves), on SQLite a statement at a time;
    the checks are the same."""
    validate.choice(status, "status", tuple(TRANSITIONS))
    note = validate.text(note, "note", 2000)
    if order_saves.applies(conn.dialect.name, customer_id, lines, channel, agent, ship_to):
        return order_saves.save(  # PostgreSQL: one read, one write (salesops.order_saves)
            conn,
            customer_id,
            lines,
            channel=channel,
            discount=discount,
            shipping=shipping,
            ordered_at=ordered_at,
            note=note,
            status=status,
            order_no=order_no,
            ship_to=ship_to,
            courier=courier,
            agent=agent,
            actor=actor,
        )
    customer = require_row(conn, customers, customer_id, "customer")
    channel_id = _channel_id(conn, channel, customer)
    agent_id = seller_of_record(conn, agent, customer)
    level = buyer_level(conn, customer_id)
    priced = price_lines([_with_product(conn, ln, level) for ln in lines], discount, shipping)
    number = order_no or f"SO{next_number(conn, 'order_no'):08d}"
    when = ordered_at or now_utc()
    head = {
        "order_no": number,
        "customer_id": customer_id,
        "channel_id": channel_id,
        "status": status,
        "ordered_at": when,
        "note": note,
        **{k: priced[k] for k in ("goods_amount", "discount", "shipping", "total")},
        **ship_to_columns(conn, customer_id, ship_to, actor),
        **({"courier": shipment(courier)["courier"]} if courier else {}),
        **({"agent_id": agent_id} if agent_id else {}),
    }
    order_id = conn.execute(
        sa.insert(orders).values(**head, **kept_costs(priced["lines"]), **stamp_new(actor))
    ).inserted_primary_key[0]
    conn.execute(
        sa.insert(order_lines),
        [_line_row(order_id, i, ln) for i, ln in enumerate(priced["lines"], 1)],
    )
    _history(conn, order_id, None, status, actor, "")
    stock_orders.follow_status(conn, order_id, None, status, actor.name)
    audit.record(conn, actor.name, "orders", order_id, "create", None, head)
    return {**head, "id": order_id, "version": 1, "lines": priced["lines"]}


def _channel_id(conn, channel, customer: dict) -> int:
    """The channel by id or code; without one, the customer's own source channel, else the
    shop's default channel (salesops.settings.default_channel_code), else "channel
    required"."""
    if channel is None or channel == "":
        if customer["channel_id"] is not None:
            return customer["channel_id"]
        channel = default_channel_code(conn)
        if channel is None:
            raise ValidationError.one("error.required", "channel")
    column = channels.c.id if isinstance(channel, int) else channels.c.code
    found = conn.execute(sa.select(channels.c.id).where(column == channel)).scalar()
    if found is None:
        raise ValidationError.one("error.not_found", "channel", channel, what="channel")
    return found


def _with_product(conn, line: Mapping, level: int | None = None) -> dict:
    """The line with its product's id, SKU, name, cost and default price filled in (the
    price at agent level `level` when given)."""
    column = products.c.id if line.get("product_id") else products.c.sku
    key = line.get("product_id") or line.get("sku")
    product = conn.execute(sa.select(products).where(column == key)).mappings().first()
    if product is None:
        raise ValidationError.one("error.not_found", "product", key, what="product")
    require_on_sale(product)
    price = line.get("unit_price")
    if price is None or price == "":
        price = prices_at(conn, level, [product["id"]])[product["id"]] if level else None
    return line_of(product, line, price)


def _line_row(order_id: int, number: int, ln: dict) -> dict:
    """An order_lines row from a priced line."""
    keys = (
        "product_id",
        "sku",
        "product_name",
        "quantity",
        "unit_price",
        "unit_cost",
        "discount",
        "amount",
    )
    return {"order_id": order_id, "line_no": number, **{k: ln[k] for k in keys}}


def _history(conn, order_id: int, old: str | None, new: str, actor: Actor, reason: str):
    """One row of the order's status history."""
    log_status(conn, order_id, old, new, actor.name, reason)


def change_status(
    db,
    order_id: int,
    to_status: str,
    expected_version: int,
    *,
    reason: str = "",
    courier: str | None = None,
    tracking_no: str | None = None,
    restock: bool = False,
    actor: Actor | None = None,
) -> dict:
    """Move an order along an allowed transition; cancel and refund need a reason, and
    shipping a courier with its tracking number (none for self pickup or local delivery).
    Stock follows (salesops.stock_orders): paying takes it, cancelling gives it back.
    Refunding records what was not refunded yet as one refund (salesops.refunds), and a
    shipped order's goods go back into stock only with `restock` (they came back)."""
    actor = actor or system_actor()
    actor.require("orders.cancel" if to_status in NEEDS_REASON else "orders.edit")
    reason = validate.text(reason, "reason", 500)
    if to_status in NEEDS_REASON and not reason:
        raise ValidationError.one("error.reason", "reason", what=to_status)
    if db.dialect == "postgresql" and to_status in order_saves.MOVES:
        with db.statements() as conn:  # one read and one all-or-nothing write statement
            return order_saves.move(
                conn,
                order_id,
                to_status,
                expected_version,
                actor,
                courier=courier,
                tracking_no=tracking_no,
                reason=reason,
            )
    with db.write() as conn:
        order = require_row(conn, orders, order_id, "order")
        if order["version"] != expected_version:
            raise stale(order)
        check_transition(order["status"], to_status)
        row = versioned_update(
            conn,
            orders,
            order_id,
            expected_version,
            new_values(to_status, courier, tracking_no),
            actor,
            "order",
            order["order_no"],
        )
        _history(conn, order_id, order["status"], to_status, actor, reason)
        if to_status == "refunded":  # what was not refunded yet, as one refund
            refunds.refund_rest(conn, order, reason, restock, actor)
        stock_orders.follow_status(conn, order_id, order["status"], to_status, actor.name)
        return row


def get_order(db, order_id: int) -> dict:
    """One order with its `lines` and status `history`."""
    with db.read() as conn:
        order = require_row(conn, orders, order_id, "order")
        order["lines"] = [
            dict(r)
            for r in conn.execute(
                sa.select(order_lines)
                .where(order_lines.c.order_id == order_id)
                .order_by(order_lines.c.line_no)
            ).mappings()
        ]
        order["history"] = [
            dict(r)
            for r in conn.execute(
                sa.select(order_status_history)
                .where(order_status_history.c.order_id == order_id)
                .order_by(order_status_history.c.id)
            ).mappings()
        ]
        order["refunded"] = refunds.refunded_total(conn, order_id)
        return order


def delete_order(db, order_id: int, expected_version: int, actor: Actor | None = None) -> None:
    """Soft-delete an order entered by mistake (cancel or refund real ones instead); the
    stock it holds goes back."""
    actor = actor or system_actor()
    actor.require("orders.cancel")
    with db.write() as conn:
        order = require_row(conn, orders, order_id, "order")
        versioned_update(
            conn,
            orders,
            order_id,
            expected_version,
            {"deleted_at": now_utc()},
            actor,
            "order",
            order["order_no"],
        )
        stock_orders.give_back(conn, order_id, "released", actor.name, "deleted")
