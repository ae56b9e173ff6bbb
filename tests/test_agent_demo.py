"""The demo's agents: levels, rules and agent sales, and a month's statements against an
independent pandas computation on the demo data (both databases)."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa

from salesops import schema as s
from salesops.agents import levels, statements

SHANGHAI = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")


def frame(db, query) -> pd.DataFrame:
    with db.read() as conn:
        return pd.DataFrame([dict(r) for r in conn.execute(query).mappings()])


def expected(db, month: str) -> dict[str, tuple]:
    """{agent code: (own sales, commission, lines)} worked out with pandas from the tables."""
    year, number = map(int, month.split("-"))
    start = datetime(year, number, 1, tzinfo=SHANGHAI)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=SHANGHAI)
    o = frame(db, sa.select(s.orders))
    units = frame(db, sa.select(s.order_lines.c.order_id, s.order_lines.c.quantity))
    people = frame(db, sa.select(s.customers)).set_index("id")
    rules = frame(db, sa.select(s.commission_rules).where(s.commission_rules.c.active))
    o = o[o["agent_id"].notna() & o["deleted_at"].isna()]
    o = o[o["status"].isin(["paid", "shipped", "completed"])]
    o = o[(o["ordered_at"] >= start) & (o["ordered_at"] < end)]
    qty = units.groupby("order_id")["quantity"].sum()

    def pay(level, basis, goods, quantity):
        mine = rules[(rules["basis"] == basis) & (rules["level_id"] == level)]
        every = rules[(rules["basis"] == basis) & rules["level_id"].isna()]
        rule = (mine if len(mine) else every).to_dict("records")
        if not rule:
            return Decimal("0.00")
        r = rule[0]
        raw = goods * r["value"] if r["kind"] == "rate" else r["value"] * quantity
        return raw.quantize(CENT, ROUND_HALF_UP)

    got: dict[str, list] = {}
    for order in o.itertuples():
        seller = people.loc[int(order.agent_id)]
        earned = pay(seller["agent_level_id"], "own_sales", order.goods_amount, qty[order.id])
        row = got.setdefault(seller["code"], [Decimal(0), Decimal(0), 0])
        row[0] += order.goods_amount
        row[1] += earned
        row[2] += 1
        up = seller["parent_agent_id"]
        if up == up and up is not None and people.loc[int(up), "is_agent"]:
            boss = people.loc[int(up)]
            over = pay(boss["agent_level_id"], "downline_sales", order.goods_amount, qty[order.id])
            row = got.setdefault(boss["code"], [Decimal(0), Decimal(0), 0])
            row[1] += over
            row[2] += 1
    return {code: tuple(v) for code, v in got.items()}


def test_a_months_statements_match_pandas_on_the_demo_data(demo_db):
    for month in ("2026-09", "2026-10"):
        found = {
            st.code: (st.sales, st.commission, len(st.lines))
            for st in statements.statements(demo_db, month)
        }
        assert found == expected(demo_db, month)
        assert len(found) > 10 and sum(v[1] for v in found.values()) > 0


def test_the_demo_has_levels_rules_and_agents_at_their_levels(demo_db):
    assert [lv["name"] for lv in levels.levels(demo_db)] == ["一级代理", "二级代理", "三级代理"]
    assert all(lv["agents"] > 0 for lv in levels.levels(demo_db))
    with demo_db.read() as conn:
        sold = conn.execute(
            sa.select(sa.func.count()).select_from(s.orders).where(s.orders.c.agent_id.is_not(None))
        ).scalar()
    assert sold > 500
