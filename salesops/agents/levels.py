"""Agent levels (代理等级) and their prices (代理价): what an agent pays for each product.

A level is the shop's own (一级代理, 二级代理, 零售...): a name, a rank for ordering, and
optionally a percentage off the retail price. A product may have its own price at a level,
which wins over the percentage; with neither, the agent pays retail. An agent's level is
`customers.agent_level_id`, kept apart from their depth in the reseller tree (a tier-3
agent may well buy at 一级 prices). Managers and admins change levels, prices and an
agent's level (`agents.edit`); every change is versioned where it has a version and in the
change log.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa

from .. import audit, validate
from ..actors import Actor, system_actor
from ..errors import NotFoundError, ValidationError
from ..messages import add
from ..records import require_row, stamp_new, versioned_update
from ..schema import agent_level_prices, agent_levels, customers, now_utc, products

CENT = Decimal("0.01")
add(
    {
        "en": {
            "agents.level_taken": "{field}: there is already a level named {value!r}",
            "agents.pct": "{field}: {value!r} is not a percentage off retail (accepted: 0 to "
            "100, at most 2 decimals; blank for none)",
            "agents.no_level": "{field}: no agent level named {value!r} (levels: {accepted})",
            "agents.no_product": "{field}: no product with SKU {value!r}",
            "agents.no_customer": "{field}: no customer with code {value!r}",
        },
        "zh_CN": {
            "agents.level_taken": "{field}：已有名为 {value!r} 的等级",
            "agents.pct": "{field}：{value!r} 不是有效折扣（0 到 100，最多两位小数；不打折留空）",
            "agents.no_level": "{field}：没有名为 {value!r} 的代理等级（现有：{accepted}）",
            "agents.no_product": "{field}：没有商品编码为 {value!r} 的商品",
            "agents.no_customer": "{field}：没有客户编号为 {value!r} 的客户",
        },
    }
)


def _pct(value, field: str = "discount_pct") -> Decimal | None:
    """A percentage off retail, 0-100 with two decimals; None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        pct = Decimal(str(value).strip().rstrip("%").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError.one("agents.pct", field, value) from None
    if not pct.is_finite() or not 0 <= pct <= 100 or pct != pct.quantize(CENT):
        raise ValidationError.one("agents.pct", field, value)
    return pct.quantize(CENT)


def level_price(retail: Decimal, own: Decimal | None, pct: Decimal | None) -> Decimal:
    """An agent's price: the level's own price, else retail less `pct` per cent (to the
    cent, half up), else retail."""
    if own is not None:
        return own
    if pct is not None:
        return (retail * (100 - pct) / 100).quantize(CENT, ROUND_HALF_UP)
    return retail


def clean_level(data: Mapping, partial: bool = False) -> dict:
    """A level's fields checked: name (required when new), discount_pct, rank."""
    checks = {}
    if not partial or "name" in data:
        checks["name"] = lambda: validate.text(data.get("name"), "name", 64, required=True)
    if "discount_pct" in data:
        checks["discount_pct"] = lambda: _pct(data.get("discount_pct"))
    if "rank" in data:
        checks["rank"] = lambda: validate.whole_number(data.get("rank"), "rank") or 0
    return validate.collect(checks)


def _name_free(conn, name: str, self_id: int | None = None) -> None:
    """ValidationError when another level has this name."""
    found = conn.execute(sa.select(agent_levels.c.id).where(agent_levels.c.name == name)).scalar()
    if found is not None and found != self_id:
        raise ValidationError.one("agents.level_taken", "name", name)


def create_level(db, data: Mapping, actor: Actor | None = None) -> dict:
    """Add a level: `name`, optional `discount_pct` (per cent off retail) and `rank`."""
    actor = actor or system_actor()
    actor.require("agents.edit")
    values = clean_level(data)
    with db.write() as conn:
        _name_free(conn, values["name"])
        if "rank" not in values:
            top = conn.execute(sa.select(sa.func.max(agent_levels.c.rank))).scalar()
            values["rank"] = (top or 0) + 1
        level_id = conn.execute(
            sa.insert(agent_levels).values(**values, **stamp_new(actor))
        ).inserted_primary_key[0]
        audit.record(conn, actor.name, "agent_levels", level_id, "create", None, values)
        return {**values, "id": level_id, "version": 1}


def update_level(db, level_id: int, changes: Mapping, version: int, actor=None) -> dict:
    """Rename a level or change its percentage or rank (versioned and audited)."""
    actor = actor or system_actor()
    actor.require("agents.edit")
    values = clean_level(changes, partial=True)
    with db.write() as conn:
        if "name" in values:
            _name_free(conn, values["name"], level_id)
        return versioned_update(
            conn, agent_levels, level_id, version, values, actor, "agent level", level_id
        )


def level_id(conn, level) -> int:
    """A level's id from its id or name; ValidationError naming the levels there are."""
    if isinstance(level, int):
        column, key = agent_levels.c.id, level
    else:
        column, key = agent_levels.c.name, str(level).strip()
    found = conn.execute(sa.select(agent_levels.c.id).where(column == key)).scalar()
    if found is None:
        names = conn.execute(sa.select(agent_levels.c.name).order_by(agent_levels.c.rank))
        accepted = ", ".join(n for (n,) in names) or "-"
        raise ValidationError.one("agents.no_level", "level", level, accepted=accepted)
    return found


def product_id(conn, sku) -> int:
    """A product's id from its SKU (or id)."""
    column = products.c.id if isinstance(sku, int) else products.c.sku
    found = conn.execute(sa.select(products.c.id).where(column == sku)).scalar()
    if found is None:
        raise ValidationError.one("agents.no_product", "sku", sku)
    return found


def write_price(conn, level: int, product: int, price: Decimal | None, actor: Actor) -> bool:
    """Set (or with None clear) a level's own price for a product on `conn`; audited under
    the level. True when something changed."""
    key = (agent_level_prices.c.level_id == level) & (agent_level_prices.c.product_id == product)
    old = conn.execute(sa.select(agent_level_prices.c.price).where(key)).scalar()
    if old == price:
        return False
    conn.execute(sa.delete(agent_level_prices).where(key))
    if price is not None:
        conn.execute(
            sa.insert(agent_level_prices).values(
                level_id=level,
                product_id=product,
                price=price,
                updated_at=now_utc(),
                updated_by=actor.name,
            )
        )
    sku = conn.execute(sa.select(products.c.sku).where(products.c.id == product)).scalar()
    audit.record(
        conn,
        actor.name,
        "agent_levels",
        level,
        "price",
        {f"price {sku}": old},
        {f"price {sku}": price},
    )
    return True


def set_price(db, level, sku, price, actor: Actor | None = None) -> dict:
    """A level's own price for one product (blank or None: back to the level's percentage
    or retail). `level` by id or name, `sku` by SKU or product id."""
    actor = actor or system_actor()
    actor.require("agents.edit")
    amount = validate.money(price, "price", allow_none=True)
    with db.write() as conn:
        lid, pid = level_id(conn, level), product_id(conn, sku)
        write_price(conn, lid, pid, amount, actor)
    return {"level_id": lid, "product_id": pid, "price": amount}


def set_agent_level(db, customer, level, actor: Actor | None = None) -> dict:
    """Put an agent (by id or customer code) at a level (by id or name; None or "": none,
    retail prices). Refused for a customer who is not an agent."""
    actor = actor or system_actor()
    actor.require("agents.edit")
    with db.write() as conn:
        cid = _customer_id(conn, customer)
        row = require_row(conn, customers, cid, "customer")
        if not row["is_agent"]:
            raise ValidationError.one("error.not_agent", "customer", row["code"])
        lid = None if level is None or level == "" else level_id(conn, level)
        return versioned_update(
            conn,
            customers,
            cid,
            row["version"],
            {"agent_level_id": lid},
            actor,
            "customer",
            row["code"],
        )


def _customer_id(conn, customer) -> int:
    """A live customer's id from an id or a customer code."""
    if isinstance(customer, int):
        return customer
    c = customers.c
    found = conn.execute(
        sa.select(c.id).where(c.code == str(customer).strip(), c.deleted_at.is_(None))
    ).scalar()
    if found is None:
        raise ValidationError.one("agents.no_customer", "customer", customer)
    return found


# -- reading ----------------------------------------------------------------------------


def levels(db) -> list[dict]:
    """Every level in rank order: id, name, discount_pct, rank, active, version, agents
    (how many live agents are at it)."""
    c = customers.c
    agents = (
        sa.select(c.agent_level_id, sa.func.count().label("agents"))
        .where(c.is_agent.is_(True), c.deleted_at.is_(None))
        .group_by(c.agent_level_id)
        .subquery()
    )
    query = (
        sa.select(agent_levels, sa.func.coalesce(agents.c.agents, 0).label("agents"))
        .select_from(agent_levels.outerjoin(agents, agents.c.agent_level_id == agent_levels.c.id))
        .order_by(agent_levels.c.rank, agent_levels.c.id)
    )
    with db.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def buyer_level(conn, customer_id: int) -> int | None:
    """The level a buyer is priced at: theirs when they are a live agent, else None."""
    c = customers.c
    row = conn.execute(sa.select(c.is_agent, c.agent_level_id).where(c.id == customer_id)).first()
    return row.agent_level_id if row is not None and row.is_agent else None


def prices_at(conn, level: int | None, product_ids=None) -> dict[int, Decimal]:
    """{product id: price} at `level` for the given products (default: all); retail when
    `level` is None."""
    p = products.c
    query = sa.select(p.id, p.price)
    if product_ids is not None:
        query = query.where(p.id.in_(list(product_ids)))
    retail = {r.id: r.price for r in conn.execute(query)}
    if level is None:
        return retail
    pct = conn.execute(
        sa.select(agent_levels.c.discount_pct).where(agent_levels.c.id == level)
    ).scalar()
    lp = agent_level_prices.c
    own = dict(conn.execute(sa.select(lp.product_id, lp.price).where(lp.level_id == level)).all())
    return {pid: level_price(price, own.get(pid), pct) for pid, price in retail.items()}


def buyer_prices(db, customer_id: int | None) -> dict[int, Decimal]:
    """{product id: price} a buyer pays by default: their level's prices for an agent with a
    level, nothing for anyone else (they pay retail)."""
    if customer_id is None:
        return {}
    with db.read() as conn:
        level = buyer_level(conn, customer_id)
        return prices_at(conn, level) if level is not None else {}


def price_table(db) -> tuple[list[dict], list[dict]]:
    """(levels, rows): one row per product with sku, name, price (retail), active and, per
    level name, {"price": what an agent pays, "own": True when the level's own price}."""
    found = levels(db)
    p, lp = products.c, agent_level_prices.c
    with db.read() as conn:
        items = conn.execute(sa.select(p.id, p.sku, p.name, p.price, p.active).order_by(p.sku))
        own = {(r.level_id, r.product_id): r.price for r in conn.execute(sa.select(lp))}
        rows = []
        for item in items:
            row = {k: getattr(item, k) for k in ("id", "sku", "name", "price", "active")}
            for lvl in found:
                mine = own.get((lvl["id"], item.id))
                row[lvl["name"]] = {
                    "price": level_price(item.price, mine, lvl["discount_pct"]),
                    "own": mine is not None,
                }
            rows.append(row)
    return found, rows


def require_level(db, level_id_: int) -> dict:
    """One level row, or NotFoundError."""
    with db.read() as conn:
        row = conn.execute(sa.select(agent_levels).where(agent_levels.c.id == level_id_))
        found = row.mappings().first()
    if found is None:
        raise NotFoundError(f"agent level {level_id_} not found")
    return dict(found)
