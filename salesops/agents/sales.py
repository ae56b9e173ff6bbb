"""Whose sale an order is: the shop's, or an agent's sold to one of their own customers.

`orders.agent_id` is the seller of record: the agent who sold the order to its buyer, the
end customer (NULL: the shop sold it directly, including to an agent buying stock). The
retail customers an agent brings are recorded in the existing `customers.parent_agent_id`
("their agent"): it already means "the agent above this person" for agents, is checked to
be an agent and never to loop, and the reseller tree hangs everyone from it; the referrer
(`referrer_id`) stays the acquaintance who introduced someone, who need not be an agent.
So an order entered for a customer whose agent is X is offered as "sold through X".
"""

from __future__ import annotations

import sqlalchemy as sa

from ..errors import ValidationError
from ..messages import add
from ..schema import customers

add(
    {
        "en": {
            "agents.own_buyer": "{field}: {value} is the buyer; an agent's own purchase is "
            "sold by the shop (leave the agent empty)",
        },
        "zh_CN": {
            "agents.own_buyer": "{field}：{value} 是买家本人；代理自己进货由店铺销售（代理留空）",
        },
    }
)


def seller_of_record(conn, agent, buyer: dict) -> int | None:
    """The agent id an order is sold through (by id or customer code), checked: a live agent
    who is not the buyer. None or "": the shop."""
    if agent is None or agent == "":
        return None
    c = customers.c
    column = c.id if isinstance(agent, int) else c.code
    row = conn.execute(
        sa.select(c.id, c.code, c.is_agent).where(column == agent, c.deleted_at.is_(None))
    ).first()
    if row is None:
        raise ValidationError.one("error.not_found", "agent", agent, what="agent")
    if not row.is_agent:
        raise ValidationError.one("error.not_agent", "agent", row.code)
    if row.id == buyer["id"]:
        raise ValidationError.one("agents.own_buyer", "agent", row.code)
    return row.id


def agent_of(conn, customer_id: int) -> int | None:
    """The agent a customer belongs to (their parent agent), or None."""
    c = customers.c
    return conn.execute(sa.select(c.parent_agent_id).where(c.id == customer_id)).scalar()


def agent_list(db) -> list[dict]:
    """The live agents to sell through: id, code, name, level (name or None), by code."""
    from ..schema import agent_levels

    c = customers.c
    query = (
        sa.select(c.id, c.code, c.name, agent_levels.c.name.label("level"))
        .select_from(customers.outerjoin(agent_levels, agent_levels.c.id == c.agent_level_id))
        .where(c.is_agent.is_(True), c.deleted_at.is_(None))
        .order_by(c.code)
    )
    with db.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def buyer_terms(db, customer_id: int) -> dict:
    """How an order for this buyer starts: `agent_id`, the agent it is sold through by
    default (a retail customer's own agent; None for an agent buying stock, or a customer of
    the shop), `level` (an agent buyer's level name) and `prices` ({product id: price}
    at that level; empty: retail)."""
    from ..schema import agent_levels
    from .levels import buyer_prices

    c = customers.c
    with db.read() as conn:
        row = conn.execute(
            sa.select(c.is_agent, c.parent_agent_id, agent_levels.c.name)
            .select_from(customers.outerjoin(agent_levels, agent_levels.c.id == c.agent_level_id))
            .where(c.id == customer_id)
        ).first()
        parent = None
        if row is not None and not row.is_agent and row.parent_agent_id is not None:
            parent = conn.execute(
                sa.select(c.id).where(
                    c.id == row.parent_agent_id, c.is_agent.is_(True), c.deleted_at.is_(None)
                )
            ).scalar()
    if row is None:
        return {"agent_id": None, "level": None, "prices": {}}
    level = row.name if row.is_agent else None
    return {"agent_id": parent, "level": level, "prices": buyer_prices(db, customer_id)}
