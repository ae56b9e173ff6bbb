"""A small reseller network on an empty database, built through the services (as a shop
would enter it): two levels, a top agent 甲 with a recruit 乙, each with an end customer,
and a shop customer with no agent."""

from __future__ import annotations

from salesops import customers, products
from salesops.agents import levels
from salesops.channels import add_channel


def build(db) -> dict:
    """Channel, products TEA-01 (128.00) and HONEY-02 (68.50), levels 一级代理 (own price
    for TEA-01, 30 % off the rest) and 二级代理 (10 % off), agents and customers; returns
    their ids by name."""
    channel = add_channel(db, "朋友圈", code="moments")["id"]
    tea = products.create_product(db, {"sku": "TEA-01", "name": "明前龙井 250g", "price": "128"})
    honey = products.create_product(
        db, {"sku": "HONEY-02", "name": "土蜂蜜 500g", "price": "68.50", "unit_cost": "30"}
    )
    one = levels.create_level(db, {"name": "一级代理", "discount_pct": "30"})
    two = levels.create_level(db, {"name": "二级代理", "discount_pct": "10"})
    levels.set_price(db, "一级代理", "TEA-01", "80.00")

    def person(name, mobile, agent=False, parent=None):
        data = {"name": name, "mobile": mobile, "channel_id": channel, "is_agent": agent}
        return customers.create_customer(db, {**data, "parent_agent_id": parent})["id"]

    ids = {"tea": tea["id"], "honey": honey["id"], "一级代理": one["id"], "二级代理": two["id"]}
    ids["甲"] = person("代理甲", "13900000001", agent=True)
    ids["乙"] = person("代理乙", "13900000002", agent=True, parent=ids["甲"])
    ids["甲客"] = person("甲的客户", "13900000011", parent=ids["甲"])
    ids["乙客"] = person("乙的客户", "13900000012", parent=ids["乙"])
    ids["散客"] = person("散客", "13900000020")
    levels.set_agent_level(db, ids["甲"], "一级代理")
    levels.set_agent_level(db, ids["乙"], "二级代理")
    return ids
