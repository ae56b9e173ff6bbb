"""A tiny hand-made shop for the analysis tests: customers and orders at Shanghai times."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from salesops import customers, orders

SHANGHAI = ZoneInfo("Asia/Shanghai")
PRICE = {"TEA-01": 128.00, "HONEY-02": 68.50, "GIFT-03": 9.90}
COST = {"TEA-01": 51.20, "HONEY-02": 30.10}


def at(text: str) -> datetime:
    """'2024-03-01 10:00' read as Shanghai wall-clock time."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def person(db, basics, code: str, channel: str = "wechat_moments", **fields) -> int:
    """A customer with this code (and name) from `channel`; returns the id."""
    data = {"code": code, "name": code, "channel_id": basics[channel], **fields}
    return customers.create_customer(db, data)["id"]


def buy(db, customer_id: int, when: str, items: dict, channel=None, status="new") -> dict:
    """An order of {sku: quantity} at Shanghai time `when`."""
    lines = [{"sku": sku, "quantity": q} for sku, q in items.items()]
    return orders.create_order(
        db, customer_id, lines, channel=channel, ordered_at=at(when), status=status
    )
