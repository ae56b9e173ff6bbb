"""Agent levels and prices: the service, an agent buyer's default prices on order entry,
the seller of record, and the migration both ways; on both databases, from empty."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from agentshop import build
from conftest import LI, WANG

from salesops import migrate, orders
from salesops.agents import levels
from salesops.db import Database
from salesops.errors import PermissionDenied, ValidationError
from salesops.schema import audit_log


def test_each_level_prices_an_agent_buyer_by_default(db):
    ids = build(db)
    lines = [{"product_id": ids["tea"], "quantity": 2}, {"product_id": ids["honey"], "quantity": 1}]
    expected = {
        "甲": [Decimal("80.00"), Decimal("47.95")],  # own price; 68.50 less 30 %, half up
        "乙": [Decimal("115.20"), Decimal("61.65")],  # 10 % off both
        "散客": [Decimal("128.00"), Decimal("68.50")],  # retail
    }
    for who, prices in expected.items():
        order = orders.create_order(db, ids[who], lines, actor=WANG)
        assert [ln["unit_price"] for ln in order["lines"]] == prices, who
    assert levels.buyer_prices(db, ids["乙"])[ids["tea"]] == Decimal("115.20")
    assert levels.buyer_prices(db, ids["散客"]) == {}


def test_a_typed_price_wins_over_the_level_price(db):
    ids = build(db)
    order = orders.create_order(
        db, ids["甲"], [{"product_id": ids["tea"], "quantity": 1, "unit_price": "75"}], actor=WANG
    )
    assert order["lines"][0]["unit_price"] == Decimal("75.00")


def test_an_agent_without_a_level_pays_retail_and_a_cleared_price_falls_back(db):
    ids = build(db)
    levels.set_agent_level(db, ids["甲"], "")
    order = orders.create_order(db, ids["甲"], [{"product_id": ids["tea"], "quantity": 1}])
    assert order["lines"][0]["unit_price"] == Decimal("128.00")
    levels.set_agent_level(db, "C000001", "一级代理")  # by customer code
    levels.set_price(db, "一级代理", "TEA-01", "")
    assert levels.buyer_prices(db, ids["甲"])[ids["tea"]] == Decimal("89.60")  # 30 % off


def test_levels_list_counts_their_agents_and_the_price_table_marks_own_prices(db):
    ids = build(db)
    found = levels.levels(db)
    assert [(lv["name"], lv["agents"], lv["discount_pct"]) for lv in found] == [
        ("一级代理", 1, Decimal("30.00")),
        ("二级代理", 1, Decimal("10.00")),
    ]
    _levels, rows = levels.price_table(db)
    tea = next(r for r in rows if r["id"] == ids["tea"])
    assert tea["一级代理"] == {"price": Decimal("80.00"), "own": True}
    assert tea["二级代理"] == {"price": Decimal("115.20"), "own": False}


def test_bad_levels_and_prices_are_refused_with_nothing_changed(db, english):
    ids = build(db)
    with pytest.raises(ValidationError, match="一级代理"):
        levels.create_level(db, {"name": "一级代理"})
    with pytest.raises(ValidationError, match="percentage"):
        levels.create_level(db, {"name": "三级", "discount_pct": "120"})
    with pytest.raises(ValidationError, match="一级代理, 二级代理"):
        levels.set_agent_level(db, ids["甲"], "五级")
    with pytest.raises(ValidationError, match="not an agent"):
        levels.set_agent_level(db, ids["散客"], "一级代理")
    with pytest.raises(ValidationError, match="NOPE"):
        levels.set_price(db, "一级代理", "NOPE", "1")
    with pytest.raises(ValidationError, match="amount"):
        levels.set_price(db, "一级代理", "TEA-01", "-1")
    with pytest.raises(PermissionDenied):
        levels.set_price(db, "一级代理", "TEA-01", "70", actor=WANG)
    assert levels.buyer_prices(db, ids["甲"])[ids["tea"]] == Decimal("80.00")
    assert len(levels.levels(db)) == 2


def test_level_changes_are_in_the_change_log(db):
    ids = build(db)
    levels.set_price(db, "二级代理", "HONEY-02", "60", actor=LI)
    with db.read() as conn:
        rows = conn.execute(
            sa.select(audit_log.c.actor, audit_log.c.action, audit_log.c.new_values).where(
                audit_log.c.table_name == "agent_levels", audit_log.c.row_id == ids["二级代理"]
            )
        ).all()
    assert ("li.lei", "price", '{"price HONEY-02": "60.00"}') in rows


def test_an_order_sold_through_an_agent_names_them_as_seller(db, english):
    ids = build(db)
    line = [{"product_id": ids["tea"], "quantity": 1}]
    order = orders.create_order(db, ids["乙客"], line, agent="C000002", actor=WANG)
    assert orders.get_order(db, order["id"])["agent_id"] == ids["乙"]
    assert order["lines"][0]["unit_price"] == Decimal("128.00")  # the end customer pays retail
    for agent, words in ((ids["散客"], "not an agent"), (ids["乙"], "buyer")):
        with pytest.raises(ValidationError, match=words):
            orders.create_order(
                db, ids["乙"] if words == "buyer" else ids["乙客"], line, agent=agent
            )


def test_the_migration_goes_down_and_up_again(empty_db_url):
    db = Database(empty_db_url)
    migrate.upgrade(db)
    migrate.downgrade(db, "0009_shipping")
    with db.read() as conn:
        assert "agent_levels" not in sa.inspect(conn).get_table_names()
        assert "agent_id" not in {c["name"] for c in sa.inspect(conn).get_columns("orders")}
    migrate.upgrade(db)
    assert migrate.pending_changes(db) == []
    db.dispose()
