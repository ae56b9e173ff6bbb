"""The demo's reseller terms: three levels with a discount and a few products' own prices,
each agent at the level of their tier, and commission rules (10 % of own sales; a 2 %
override for 一级代理). Written after the orders, from what the generator remembered."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from .. import schema as s

LEVELS = [("一级代理", Decimal("30")), ("二级代理", Decimal("20")), ("三级代理", Decimal("10"))]
WHO = "demo"


def _stamps(at: datetime) -> dict:
    return {"version": 1, "created_at": at, "created_by": WHO, "updated_at": at, "updated_by": WHO}


def add_agent_terms(conn, agents: list[tuple[int, int]], products: list[dict], at) -> None:
    """Levels (a shop's own of the same name are kept), level prices, each agent's level
    (tier 1, 2, 3 and deeper) and the rules."""
    lv = s.agent_levels.c
    ids = {}
    for rank, (name, pct) in enumerate(LEVELS, 1):
        found = conn.execute(sa.select(lv.id).where(lv.name == name)).scalar()
        ids[rank] = (
            found
            or conn.execute(
                sa.insert(s.agent_levels).values(
                    name=name, discount_pct=pct, rank=rank, **_stamps(at)
                )
            ).inserted_primary_key[0]
        )
    conn.execute(
        sa.insert(s.agent_level_prices),
        [
            {
                "level_id": ids[1],
                "product_id": p["id"],
                "price": (p["price"] * Decimal("0.65")).quantize(Decimal("0.01"), ROUND_HALF_UP),
                "updated_at": at,
                "updated_by": WHO,
            }
            for p in products[:5]
        ],
    )
    by_level: dict[int, list[int]] = {}
    for agent_id, tier in agents:
        by_level.setdefault(min(tier, 3), []).append(agent_id)
    for rank, members in by_level.items():
        conn.execute(
            sa.update(s.customers)
            .where(s.customers.c.id.in_(members))
            .values(agent_level_id=ids[rank])
        )
    rules = [
        {"level_id": None, "basis": "own_sales", "kind": "rate", "value": Decimal("0.1000")},
        {"level_id": ids[1], "basis": "downline_sales", "kind": "rate", "value": Decimal("0.0200")},
    ]
    conn.execute(
        sa.insert(s.commission_rules),
        [
            {**r, "depth": int(r["basis"] == "downline_sales"), "active": True, **_stamps(at)}
            for r in rules
        ],
    )
