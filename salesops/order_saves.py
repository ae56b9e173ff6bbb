"""Order saves on PostgreSQL in two round trips (BENCHMARKS.md, benchmark 10).

salesops.orders checks and prices an order the same way on both databases. On SQLite it
reads and writes a statement at a time, which costs nothing there; against a PostgreSQL
server across a network every statement is a round trip, so there a save is two:

1. one SELECT reading what the checks need: for a new order (`gather`) the customer, the
   channels it may name, the agent it is sold through, the buyer's level and its prices,
   the lines' products, the ship-to address; for a move (`move`) the order and its lines;
2. one statement of data-modifying CTEs writing every row (`write`, `move`): the
   order-number counter, the order, its lines, its status history and audit rows, and
   the stock a paid order takes (the products locked first, as salesops.stock.move
   does). It writes nothing when a product is short and the shop does not sell into
   backorder, or when the order moved on since it was read.

A new order's save (`create_order`) and a move to paid, shipped or completed run each
statement as a transaction of its own (Database.statements: no BEGIN, no COMMIT): the
write is one statement, all or nothing, and the read before it takes no locks, as the
statement-at-a-time path's reads at READ COMMITTED take none. Inside a caller's
transaction (salesops.groupbuy) the same two statements run on it. Saves this path does
not cover take the statement-at-a-time path: an address typed with the order and saved
to the book, and moves that give stock back or refund.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from decimal import Decimal

import sqlalchemy as sa

from . import audit, order_rules  # order_rules: checked and priced as on every path
from .address_book import DEFAULT, FIELDS, _columns, clean
from .agents.levels import level_price
from .errors import NotFoundError, ValidationError
from .products import require_on_sale
from .records import fetch_row, stamp_new
from .schema import UTCDateTime, now_utc, order_lines, orders
from .shipping.rules import shipment
from .stock_orders import HOLDING, short_problem

MOVES = ("paid", "shipped", "completed")  # moves that take stock or move none


def applies(dialect: str, customer_id, lines, channel, agent, ship_to) -> bool:
    """Whether a new order's save takes this path: PostgreSQL, and inputs of the kinds it
    looks up in one statement (ids as ints, codes and SKUs as text)."""
    if dialect != "postgresql" or not _id(customer_id):
        return False
    if isinstance(ship_to, Mapping) and ship_to.get("save"):
        return False  # adds the address to the book first: salesops.address_book
    keys = ((ln.get("product_id"), ln.get("sku")) for ln in lines)
    return (
        all(_id(pid) if pid else isinstance(sku, str | None) for pid, sku in keys)
        and isinstance(channel, int | str | None)
        and isinstance(agent, int | str | None)
    )


def _id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


GATHER = """
select c.id,
       c.deleted_at,
       c.channel_id,
       c.is_agent,
       c.agent_level_id,
       (select ch.id from channels as ch where ch.id = %(channel_id)s) as channel_by_id,
       (select ch.id from channels as ch where ch.code = %(channel_code)s) as channel_by_code,
       (select ch.code
          from channels as ch
          join settings as s
            on s.default_channel_id = ch.id
         where s.id = 1) as default_code,
       (select ch.id
          from channels as ch
          join settings as s
            on s.default_channel_id = ch.id
         where s.id = 1) as default_channel_id,
       (select json_build_object('id', a.id, 'code', a.code, 'is_agent', a.is_agent)::text
          from customers as a
         where (a.id = %(agent_id)s or a.code = %(agent_code)s)
           and a.deleted_at is null
         limit 1) as agent,
       (select lv.discount_pct from agent_levels as lv where lv.id = c.agent_level_id) as pct,
       (select json_object_agg(lp.product_id, lp.price)::text
          from agent_level_prices as lp
          join products as p
            on p.id = lp.product_id
         where lp.level_id = c.agent_level_id
           and (p.id = any(cast(%(product_ids)s as integer[]))
                or p.sku = any(cast(%(skus)s as text[])))) as level_prices,
       (select json_agg(json_build_object('id', p.id, 'sku', p.sku, 'name', p.name,
                                          'price', p.price, 'unit_cost', p.unit_cost,
                                          'active', p.active))::text
          from products as p
         where p.id = any(cast(%(product_ids)s as integer[]))
            or p.sku = any(cast(%(skus)s as text[]))) as products,
       (select row_to_json(a)::text
          from customer_addresses as a
         where a.customer_id = c.id
           and a.deleted_at is null
           and %(default_address)s
         order by a.is_default desc, a.updated_at desc, a.id desc
         limit 1) as default_address,
       (select row_to_json(a)::text
          from customer_addresses as a
         where a.id = %(address_id)s
           and a.deleted_at is null) as address
  from (select 1) as one
  left join customers as c
    on c.id = %(customer_id)s
"""


def gather(conn, customer_id: int, lines, channel, agent, ship_to) -> dict:
    """The one SELECT of a new order's save (see GATHER), as a dict."""
    keys = [(ln.get("product_id"), ln.get("sku")) for ln in lines]
    params = {
        "customer_id": customer_id,
        "channel_id": channel if isinstance(channel, int) else None,
        "channel_code": channel if isinstance(channel, str) and channel else None,
        "agent_id": agent if isinstance(agent, int) else None,
        "agent_code": agent if isinstance(agent, str) and agent else None,
        "product_ids": [pid for pid, _ in keys if pid],
        "skus": [sku for pid, sku in keys if not pid and sku is not None],
        "default_address": ship_to == DEFAULT,
        "address_id": _address_id(ship_to),
    }
    if params["channel_code"] is None and channel in (None, ""):
        params["channel_code"] = os.environ.get("SALESOPS_DEFAULT_CHANNEL") or None
    row = dict(conn.exec_driver_sql(GATHER, params).mappings().one())
    for key in ("agent", "level_prices", "products", "default_address", "address"):
        row[key] = json.loads(row[key], parse_float=Decimal) if row[key] else None
    return row


def _address_id(ship_to) -> int | None:
    """The address id `ship_to` names, if it names one (salesops.address_book._theirs)."""
    if ship_to is None or ship_to == DEFAULT or isinstance(ship_to, Mapping):
        return None
    try:
        return int(ship_to)
    except (TypeError, ValueError):
        return None


def save(conn, customer_id: int, lines, *, actor, **options) -> dict:
    """salesops.orders.write_order on this path: the same checks, in the same order, on
    what `gather` read; the same rows, written by `write`."""
    channel, agent, ship_to = options["channel"], options["agent"], options["ship_to"]
    got = gather(conn, customer_id, lines, channel, agent, ship_to)
    if got["id"] is None or got["deleted_at"] is not None:
        raise NotFoundError(f"customer {customer_id} not found")
    channel_id = _channel(got, channel)
    agent_id = _seller(got, agent, customer_id)
    level = got["agent_level_id"] if got["is_agent"] else None
    priced = order_rules.price_lines(
        [_product_line(got, ln, level) for ln in lines], options["discount"], options["shipping"]
    )
    courier = options["courier"]
    head = {
        "order_no": options["order_no"] or None,
        "customer_id": customer_id,
        "channel_id": channel_id,
        "status": options["status"],
        "ordered_at": options["ordered_at"] or now_utc(),
        "note": options["note"],
        **{k: priced[k] for k in ("goods_amount", "discount", "shipping", "total")},
        **_ship_to(got, customer_id, ship_to),
        **({"courier": shipment(courier)["courier"]} if courier else {}),
        **({"agent_id": agent_id} if agent_id else {}),
    }
    take: dict[int, int] = {}
    if options["status"] in HOLDING:
        for ln in priced["lines"]:
            take[ln["product_id"]] = take.get(ln["product_id"], 0) + ln["quantity"]
    extra = {**order_rules.kept_costs(priced["lines"]), **stamp_new(actor)}
    written = write(conn, head, extra, priced["lines"], take, actor.name)
    if written.id is None:  # short of stock, nothing written
        raise _short(written.held, {ln["product_id"]: ln["sku"] for ln in priced["lines"]})
    head["order_no"] = written.order_no
    return {**head, "id": written.id, "version": 1, "lines": priced["lines"]}


def _short(held: str, skus: dict[int, str]) -> ValidationError:
    """The refusal naming every product short (salesops.stock_orders.take)."""
    return ValidationError(
        [
            short_problem(skus[pid], before, units)
            for pid, before, units in json.loads(held)
            if before < units
        ]
    )


def _channel(got: dict, channel) -> int:
    """salesops.orders._channel_id on the gathered row."""
    if channel is None or channel == "":
        if got["channel_id"] is not None:
            return got["channel_id"]
        from_env = os.environ.get("SALESOPS_DEFAULT_CHANNEL")
        channel = from_env or got["default_code"]
        if channel is None:
            raise ValidationError.one("error.required", "channel")
        found = got["channel_by_code"] if from_env else got["default_channel_id"]
    else:
        found = got["channel_by_id"] if isinstance(channel, int) else got["channel_by_code"]
    if found is None:
        raise ValidationError.one("error.not_found", "channel", channel, what="channel")
    return found


def _seller(got: dict, agent, customer_id: int) -> int | None:
    """salesops.agents.sales.seller_of_record on the gathered row."""
    if agent is None or agent == "":
        return None
    found = got["agent"]
    if found is None:
        raise ValidationError.one("error.not_found", "agent", agent, what="agent")
    if not found["is_agent"]:
        raise ValidationError.one("error.not_agent", "agent", found["code"])
    if found["id"] == customer_id:
        raise ValidationError.one("agents.own_buyer", "agent", found["code"])
    return found["id"]


def _product_line(got: dict, line: Mapping, level: int | None) -> dict:
    """salesops.orders._with_product on the gathered products and level prices."""
    by_id = bool(line.get("product_id"))
    key = line.get("product_id") or line.get("sku")
    product = next(
        (p for p in got["products"] or [] if (p["id"] if by_id else p["sku"]) == key), None
    )
    if product is None:
        raise ValidationError.one("error.not_found", "product", key, what="product")
    require_on_sale(product)
    price = line.get("unit_price")
    if price is None or price == "":
        own = (got["level_prices"] or {}).get(str(product["id"]))
        price = level_price(product["price"], own, got["pct"]) if level else None
    return order_rules.line_of(product, line, price)


def _ship_to(got: dict, customer_id: int, ship_to) -> dict:
    """salesops.address_book.ship_to_columns on the gathered addresses (an address to
    save to the book does not come here)."""
    if ship_to is None:
        return {}
    if ship_to == DEFAULT:
        found = got["default_address"]
        return _columns(found) if found and found["is_default"] else {}
    if isinstance(ship_to, Mapping):
        return _columns(clean({k: v for k, v in ship_to.items() if k in FIELDS}))
    found = got["address"]
    if found is None or found["customer_id"] != customer_id:
        raise ValidationError.one("address.error.not_theirs", "ship_to", ship_to)
    return _columns(found)


# The stock an order takes, for the statements below. LOCK: `held`, the counted products
# it takes, locked in one order (no deadlocks), and `ok` unless one is short and the shop
# does not sell into backorder. TAKE (after the order's CTE, `{order}`): the units taken
# and their movements.
LOCK = """
held as (
    select p.id, p.stock_on_hand as before, t.units
      from products as p
      join unnest(cast(:take_id as integer[]), cast(:take_units as integer[])) as t(id, units)
        on t.id = p.id
     where p.stock_on_hand is not null
     order by p.id
       for update of p
),
ok as (
    select not exists (select 1 from held where held.before < held.units)
           or coalesce((select s.allow_backorder from settings as s where s.id = 1), false)
           as ok
),"""
TAKE = """
s as (
    update products as p
       set stock_on_hand = p.stock_on_hand - held.units
      from held
     cross join {order} as x
     where p.id = held.id
    returning p.id, p.stock_on_hand as after, held.units, x.id as order_id
),
m as (
    insert into stock_movements (product_id, kind, quantity, counted, on_hand, order_id,
                                 reason, at, actor)
    select s.id, 'sold', -s.units, null, s.after, s.order_id, '', :changed_at, :actor
      from s
     order by s.id
),"""
HELD = "(select json_agg(json_build_array(id, before, units) order by id)::text from held)"


def _take(take: dict[int, int]) -> dict:
    """The bound values of LOCK for `take` ({product id: units})."""
    return {"take_id": sorted(take), "take_units": [take[k] for k in sorted(take)]}


def write(conn, head: dict, extra: dict, lines: list[dict], take: dict, actor: str):
    """The order (`head`, audited, and `extra`: its stamps and kept costs), its lines,
    history, audit row and the stock it takes (`take`: {product id: units}), in one
    statement; returns (id, order_no, held): id None when a product is short (nothing
    written). Without an order number in `head` the counter gives the next one."""
    marker = uuid.uuid4().hex  # where the order number goes in the audit row's text
    numbered = head["order_no"] is None
    row = {**head, **extra}
    columns = [c for c in row if c != "order_no"]
    binds = [sa.bindparam(f"o_{c}", row[c], type_=orders.c[c].type) for c in columns]
    number = (
        "case when length(n.value::text) >= 8 then 'SO' || n.value"
        " else 'SO' || lpad(n.value::text, 8, '0') end"
        if numbered
        else ":order_no"
    )
    counter = (
        "n as (insert into counters as c (name, value) select 'order_no', 1 from ok"
        " where ok.ok on conflict (name) do update set value = c.value + 1 returning value),"
    )
    audit_row = audit.row(actor, "orders", 0, "create", None, {**head, "order_no": marker})
    sql = f"""
with {LOCK}
{counter if numbered else ""}
o as (
    insert into orders (order_no, {", ".join(columns)})
    select {number}, {", ".join(f":o_{c}" for c in columns)}
      from ok {"cross join n" if numbered else ""}
     where ok.ok
    returning id, order_no
),{TAKE.format(order="o")}
l as (
    insert into order_lines (order_id, line_no, product_id, sku, product_name, quantity,
                             unit_price, unit_cost, discount, amount)
    select o.id, v.*
      from o
     cross join unnest(cast(:line_no as integer[]), cast(:product_id as integer[]),
                       cast(:sku as text[]), cast(:product_name as text[]),
                       cast(:quantity as integer[]), cast(:unit_price as numeric[]),
                       cast(:unit_cost as numeric[]), cast(:discount as numeric[]),
                       cast(:amount as numeric[])) as v
),
h as (
    insert into order_status_history (order_id, from_status, to_status, changed_at,
                                      changed_by, reason)
    select o.id, null, :status, :changed_at, :actor, '' from o
),
a as (
    insert into audit_log (at, actor, table_name, row_id, action, old_values, new_values)
    select :audit_at, :actor, 'orders', o.id, 'create', null,
           replace(:audit_new, :marker, substr(to_json(o.order_no)::text, 2,
                                               length(to_json(o.order_no)::text) - 2))
      from o
)
select (select o.id from o) as id, (select o.order_no from o) as order_no, {HELD} as held
"""
    values = {
        "line_no": list(range(1, len(lines) + 1)),
        **{k: [ln[k] for ln in lines] for k in ("product_id", "sku", "product_name")},
        "quantity": [ln["quantity"] for ln in lines],
        **{k: [ln[k] for ln in lines] for k in ("unit_price", "unit_cost", "discount")},
        "amount": [ln["amount"] for ln in lines],
        "status": head["status"],
        "actor": actor,
        "marker": marker,
        "audit_new": audit_row["new_values"],
        **_take(take),
        **({} if numbered else {"order_no": head["order_no"]}),
    }
    stmt = sa.text(sql).bindparams(
        *binds,
        sa.bindparam("changed_at", extra["created_at"], type_=UTCDateTime),
        sa.bindparam("audit_at", audit_row["at"], type_=UTCDateTime),
    )
    return conn.execute(stmt, values).one()


def move(conn, order_id: int, to_status: str, expected_version: int, actor, **options) -> dict:
    """salesops.orders.change_status on this path, for MOVES (`options`: courier,
    tracking_no, reason): the order and its lines read in one statement, checked
    (version, transition, shipment), then moved in one statement with its history, audit
    row and the stock a move to paid takes."""
    lines_of = order_lines.c
    lines_json = (
        sa.select(
            sa.cast(
                sa.func.json_agg(
                    sa.func.json_build_array(lines_of.product_id, lines_of.quantity, lines_of.sku)
                ),
                sa.Text,
            )
        )
        .where(lines_of.order_id == orders.c.id)
        .scalar_subquery()
    )
    query = sa.select(orders, lines_json.label("lines_json")).where(orders.c.id == order_id)
    found = conn.execute(query).mappings().first()
    if found is None or found["deleted_at"] is not None:
        raise NotFoundError(f"order {order_id} not found")
    order = {k: v for k, v in found.items() if k != "lines_json"}
    lines = json.loads(found["lines_json"] or "[]")
    if order["version"] != expected_version:
        raise order_rules.stale(order)
    order_rules.check_transition(order["status"], to_status)
    values = order_rules.new_values(to_status, options["courier"], options["tracking_no"])
    before, after = audit.changed(order, values)
    stamp = {"version": order["version"] + 1, "updated_at": now_utc(), "updated_by": actor.name}
    take: dict[int, int] = {}
    if order["status"] not in HOLDING and to_status in HOLDING:
        for product_id, quantity, _sku in lines:
            take[product_id] = take.get(product_id, 0) + quantity
    sets = {**after, **stamp}
    binds = [sa.bindparam(f"u_{c}", v, type_=orders.c[c].type) for c, v in sets.items()]
    sql = f"""
with {LOCK}
u as (
    update orders
       set {", ".join(f"{c} = :u_{c}" for c in sets)}
      from ok
     where ok.ok
       and orders.id = :order_id
       and orders.version = :expected_version
    returning orders.id
),{TAKE.format(order="u")}
h as (
    insert into order_status_history (order_id, from_status, to_status, changed_at,
                                      changed_by, reason)
    select u.id, :from_status, :to_status, :changed_at, :actor, :reason from u
),
a as (
    insert into audit_log (at, actor, table_name, row_id, action, old_values, new_values)
    select :changed_at, :actor, 'orders', u.id, 'update', :audit_old, :audit_new from u
)
select (select u.id from u) as id,
       (select o.version from orders as o where o.id = :order_id) as version,
       {HELD} as held
"""
    stmt = sa.text(sql).bindparams(
        *binds, sa.bindparam("changed_at", stamp["updated_at"], type_=UTCDateTime)
    )
    params = {
        "order_id": order_id,
        "expected_version": expected_version,
        "from_status": order["status"],
        "to_status": to_status,
        "actor": actor.name,
        "reason": options["reason"],
        "audit_old": audit.dump(before),
        "audit_new": audit.dump(after),
        **_take(take),
    }
    written = conn.execute(stmt, params).one()
    if written.id is None and written.version == expected_version:  # short of stock
        raise _short(written.held, {pid: sku for pid, _q, sku in lines})
    if written.id is None:  # moved on since it was read
        raise order_rules.stale(fetch_row(conn, orders, order_id) or order)
    return {**order, **after, **stamp}
