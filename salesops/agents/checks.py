"""Checks that keep the reseller network on the right side of the 2005 禁止传销条例.

Four flags, each with its evidence and the rule it approximates, over a window of days
ending at `until` (default now):

- `deep_tier`: an agent at tier 3 or deeper (tier 1 has no agent above them). Deep chains
  are the shape of 团队计酬, pay on the sales of recruits' recruits (art. 7(3)).
- `stock_loading` (囤货): an agent who bought far more than they sold to end customers
  (purchases over LOADING_RATIO times sales, and at least LOADING_MIN yuan). Stock pushed
  onto recruits is how an entry fee is disguised (入门费, art. 7(2)).
- `downline_income`: an agent whose commission, by the shop's rules, would come mostly
  from the override on their recruits' sales rather than their own sales (art. 7(3)).
- `recruitment_burst`: BURST_COUNT or more new agents under one agent within BURST_DAYS
  days; pay or pressure for recruiting is 拉人头 (art. 7(1)).

Each is a prompt for a person to look, not a legal finding: the flags say so.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from .. import config
from ..messages import money
from ..schema import customers, now_utc, orders
from .commission import commission, rule_book
from .statements import order_units

DEEP_TIER = 3
LOADING_RATIO = Decimal(3)
LOADING_MIN = Decimal(1000)
BURST_COUNT = 5
BURST_DAYS = 30
WINDOW_DAYS = 90
COUNTED = ("paid", "shipped", "completed")
CHECK_COLUMNS = ["code", "name", "check", "title", "evidence", "rule", "note"]
NOTE = "A prompt for a person to look, not a legal finding. 仅提示人工核查，并非法律认定。"
RULES = {
    "deep_tier": "禁止传销条例 art. 7(3) 团队计酬: pay on the sales of recruits' recruits",
    "stock_loading": "禁止传销条例 art. 7(2) 入门费: a fee or stock purchase as the price "
    "of joining (囤货)",
    "downline_income": "禁止传销条例 art. 7(3) 团队计酬: income from the downline's sales "
    "rather than one's own",
    "recruitment_burst": "禁止传销条例 art. 7(1) 拉人头: pay or pressure for recruiting people",
}
TITLES = {
    "deep_tier": "tier ≥ 3 三级及以上",
    "stock_loading": "stock-loading 囤货",
    "downline_income": "income from downline 收入主要来自下线",
    "recruitment_burst": "recruitment burst 集中发展下线",
}


def _agents(conn) -> dict[int, dict]:
    """Live agents by id: code, name, parent, level, when they joined."""
    c = customers.c
    rows = conn.execute(
        sa.select(c.id, c.code, c.name, c.parent_agent_id, c.agent_level_id, c.created_at).where(
            c.is_agent.is_(True), c.deleted_at.is_(None)
        )
    ).mappings()
    return {r["id"]: dict(r) for r in rows}


def _chain(agents: dict, aid: int) -> list[int]:
    """The agent and everyone above them, top first."""
    chain, seen = [aid], {aid}
    while (up := agents[chain[0]]["parent_agent_id"]) in agents and up not in seen:
        chain.insert(0, up)
        seen.add(up)
    return chain


def _window_orders(conn, start: datetime, end: datetime) -> list[dict]:
    """Counted orders of the window: buyer, seller of record, goods, units."""
    o, units = orders.c, order_units()
    query = (
        sa.select(o.customer_id, o.agent_id, o.goods_amount, units.c.quantity)
        .select_from(orders.join(units, units.c.order_id == o.id))
        .where(
            o.ordered_at >= start,
            o.ordered_at < end,
            o.status.in_(COUNTED),
            o.deleted_at.is_(None),
        )
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def _flag(agent: dict, check: str, evidence: str) -> dict:
    return {
        "code": agent["code"],
        "name": agent["name"],
        "check": check,
        "title": TITLES[check],
        "evidence": evidence,
        "rule": RULES[check],
        "note": NOTE,
    }


def compliance(db, until: datetime | None = None, days: int = WINDOW_DAYS) -> list[dict]:
    """Every flag as of `until` over the `days` before it: code, name, check, title,
    evidence, rule, note; by agent code, then check."""
    end = until or now_utc()
    start = end - timedelta(days=days)
    with db.read() as conn:
        agents = _agents(conn)
        found = _window_orders(conn, start, end)
        book = rule_book(conn)
    flags = _deep(agents) + _loading(agents, found) + _income(agents, found, book)
    flags += _bursts(agents, start, end)
    return sorted(flags, key=lambda f: (f["code"], f["check"]))


def _deep(agents: dict) -> list[dict]:
    out = []
    for aid, agent in agents.items():
        chain = _chain(agents, aid)
        if len(chain) >= DEEP_TIER:
            path = " → ".join(agents[a]["code"] for a in chain)
            out.append(_flag(agent, "deep_tier", f"tier {len(chain)}: {path}"))
    return out


def _loading(agents: dict, found: list[dict]) -> list[dict]:
    bought, sold = defaultdict(Decimal), defaultdict(Decimal)
    for o in found:
        if o["customer_id"] in agents:
            bought[o["customer_id"]] += o["goods_amount"]
        if o["agent_id"] in agents and o["customer_id"] not in agents:
            sold[o["agent_id"]] += o["goods_amount"]
    out = []
    for aid, amount in bought.items():
        if amount >= LOADING_MIN and amount > LOADING_RATIO * sold[aid]:
            ratio = f"{amount / sold[aid]:.1f}×" if sold[aid] else "no sales 无销售"
            evidence = (
                f"bought {money(amount)}, sold {money(sold[aid])} to end customers "
                f"({ratio}) 进货 {money(amount)}，零售 {money(sold[aid])}"
            )
            out.append(_flag(agents[aid], "stock_loading", evidence))
    return out


def _income(agents: dict, found: list[dict], book: dict) -> list[dict]:
    own, over = defaultdict(Decimal), defaultdict(Decimal)
    for o in found:
        seller = agents.get(o["agent_id"])
        if seller is None:
            continue
        own[seller["id"]] += commission(
            book, seller["agent_level_id"], "own_sales", o["goods_amount"], o["quantity"]
        )
        up = agents.get(seller["parent_agent_id"])
        if up is not None:
            over[up["id"]] += commission(
                book, up["agent_level_id"], "downline_sales", o["goods_amount"], o["quantity"]
            )
    out = []
    for aid, amount in over.items():
        if amount > own[aid]:
            evidence = (
                f"override {money(amount)} > own-sales commission {money(own[aid])} "
                f"管理奖 {money(amount)} 高于自己销售佣金 {money(own[aid])}"
            )
            out.append(_flag(agents[aid], "downline_income", evidence))
    return out


def _bursts(agents: dict, start: datetime, end: datetime) -> list[dict]:
    joined = defaultdict(list)
    for agent in agents.values():
        if agent["parent_agent_id"] in agents and start <= agent["created_at"] < end:
            joined[agent["parent_agent_id"]].append(agent)
    out = []
    for aid, recruits in joined.items():
        recruits.sort(key=lambda a: a["created_at"])
        for i in range(len(recruits) - BURST_COUNT + 1):
            group = recruits[i : i + BURST_COUNT]
            if group[-1]["created_at"] - group[0]["created_at"] <= timedelta(days=BURST_DAYS):
                more = [
                    a
                    for a in recruits[i:]
                    if a["created_at"] - group[0]["created_at"] <= timedelta(days=BURST_DAYS)
                ]
                zone = config.business_zone()
                first, last = (more[k]["created_at"].astimezone(zone) for k in (0, -1))
                evidence = (
                    f"{len(more)} new agents {first:%Y-%m-%d} – {last:%Y-%m-%d}: "
                    + ", ".join(a["code"] for a in more)
                )
                out.append(_flag(agents[aid], "recruitment_burst", evidence))
                break
    return out
