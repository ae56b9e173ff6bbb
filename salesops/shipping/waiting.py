"""The orders waiting to ship (paid, not shipped), and their pick list and packing slips.

`waiting_orders(db, channel=, community=, since=, until=)` reads them oldest first with
their ship-to and lines (queries/shipping.sql); `packing_slips(db, size=, **filters)`
makes the PDF (salesops.slips: the pick list, then one slip per order, A4 or 100 x 150
mm labels) with the shop's name from its settings. Days are business days: `since` from
its start, `until` to its end, in the business zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from .. import config
from ..couriers import needs_number
from ..errors import ValidationError
from ..schema import channels, communities
from .rules import courier_name

MAX_ORDERS = 5_000  # orders in one pick list and one PDF
_PAST = datetime(1900, 1, 1, tzinfo=UTC)
_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


def waiting_orders(
    db,
    *,
    channel=None,
    community=None,
    since: date | None = None,
    until: date | None = None,
    limit: int = MAX_ORDERS,
) -> list[dict]:
    """The paid orders not shipped yet, oldest first, each with its `lines`; `channel`
    (id, code or name) and `community` (id or name) narrow them, `since` and `until`
    (business days, both included) too. ValidationError for an unknown channel or
    community, or `since` after `until`."""
    from ..queries import fetch_all

    with db.read() as conn:
        params = _params(conn, channel, community, since, until, limit)
        rows = fetch_all(conn, "orders_to_ship", **params)
        lines = fetch_all(conn, "order_lines_to_ship", **params)
    by_order: dict[int, list] = {}
    for line in lines:
        by_order.setdefault(line["order_id"], []).append(line)
    return [{**r, "lines": by_order.get(r["id"], [])} for r in rows]


def _params(conn, channel, community, since, until, limit) -> dict:
    """The queries' parameters from the filters as people give them."""
    if since and until and since > until:
        raise ValidationError.one("error.choice", "since", since, accepted=f"<= {until}")
    zone = config.business_zone()
    start = datetime.combine(since, time.min, zone).astimezone(UTC) if since else _PAST
    end = (
        datetime.combine(until + timedelta(days=1), time.min, zone).astimezone(UTC)
        if until
        else _FUTURE
    )
    return {
        "since": start,
        "until": end,
        "channel_id": _channel_id(conn, channel),
        "community_id": _community_id(conn, community),
        "limit": int(limit),
    }


def _channel_id(conn, channel) -> int | None:
    """A channel by id, code or name; None for any."""
    if channel in (None, ""):
        return None
    c = channels.c
    test = (
        c.id == channel
        if isinstance(channel, int)
        else sa.or_(c.code == str(channel).strip(), c.name == str(channel).strip())
    )
    found = conn.execute(sa.select(c.id).where(test)).scalar()
    if found is None:
        raise ValidationError.one("error.not_found", "channel", channel, what="channel")
    return found


def _community_id(conn, community) -> int | None:
    """A community by id or name; None for any."""
    if community in (None, ""):
        return None
    c = communities.c
    test = c.id == community if isinstance(community, int) else c.name == str(community).strip()
    found = conn.execute(sa.select(c.id).where(test)).scalar()
    if found is None:
        raise ValidationError.one("error.not_found", "community", community, what="community")
    return found


def slip_of(order: dict) -> dict:
    """A waiting order as salesops.slips prints it (no prices)."""
    courier = order.get("courier")
    pickup = ""
    if courier and not needs_number(courier):  # self pickup, local delivery
        pickup = " ".join(x for x in (courier_name(courier), order.get("tracking_no")) if x)
    ship_to = {
        f: order.get(f"ship_{f}") or ""
        for f in ("recipient", "mobile", "province", "city", "district", "detail", "postcode")
    }
    return {
        "order_no": order["order_no"],
        "ordered_at": order["ordered_at"],
        "channel": order.get("channel_name") or "",
        "buyer": order.get("customer_name") or "",
        "note": order.get("note") or "",
        "courier": courier_name(courier) if courier and not pickup else "",
        "tracking_no": (order.get("tracking_no") or "") if not pickup else "",
        "ship_to": {**ship_to, "pickup": pickup},
        "lines": [
            {"sku": ln["sku"], "name": ln["product_name"], "quantity": ln["quantity"]}
            for ln in order["lines"]
        ],
    }


def packing_slips(db, *, size: str = "a4", **filters) -> tuple[bytes, int]:
    """The pick list and packing slips of the waiting orders (filters as `waiting_orders`)
    as PDF bytes, and how many orders it holds; ValidationError when there are none."""
    from .. import slips

    batch, shop = _batch(db, filters)
    return slips.render_pdf(batch, size=size, shop=shop), len(batch)


def write_packing_slips(db, path, *, size: str = "a4", **filters) -> int:
    """`packing_slips` written to `path` (whole or not at all); how many orders."""
    from .. import slips

    batch, shop = _batch(db, filters)
    slips.write_pdf(path, batch, size=size, shop=shop)
    return len(batch)


def _batch(db, filters: dict) -> tuple[list[dict], str]:
    """The slips of the waiting orders and the shop's name to head them."""
    from ..settings import get_settings

    batch = [slip_of(o) for o in waiting_orders(db, **filters)]
    return batch, get_settings(db).get("shop_name") or ""
