"""The orders waiting to ship (paid, not shipped), and their pick list and packing slips.

`waiting_orders(db, channel=, community=, since=, until=)` reads them oldest first with
their ship-to and lines (queries/shipping.sql); `packing_slips(db, size=, **filters)`
makes the PDF (salesops.slips: the pick list, then one slip per order, A4 or 100 x 150
mm labels) with the shop's name from its settings. Days are business days: `since` from
its start, `until` to its end, in the business zone.

The slips print each recipient's full mobile and address (the courier needs them), so
making the PDF writes one `export` row in the change log per buyer whose contact details
are in it (table customers, new values {"file", "kind": "slips"}), right after the PDF
is made and before anyone can have it; the page and the command say the file holds them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa

from .. import audit, config, messages
from ..actors import Actor, system_actor
from ..couriers import needs_number
from ..errors import ValidationError
from ..schema import channels, communities
from .rules import courier_name

messages.add(
    {
        "en": {
            "slips.contact": "This file holds customers' full mobile numbers and addresses "
            "(for the courier): print it for packing, do not forward it, delete it once the "
            "parcels are out. Making it was written in the change log.",
        },
        "zh_CN": {
            "slips.contact": "此文件含客户的完整手机号和收货地址（供快递使用）：仅用于打印发货，"
            "请勿转发，发货后请删除。生成记录已写入修改记录。",
        },
    }
)
MAX_ORDERS = 5_000
# What a slip prints of how to reach a person (a pickup order without a ship-to has none).
CONTACT = ("ship_recipient", "ship_mobile", "ship_detail")  # orders in one pick list and one PDF
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


def slips_file_name(size: str) -> str:
    """What a downloaded PDF of slips is called."""
    return f"packing-slips-{size}.pdf"


def packing_slips(
    db, *, size: str = "a4", actor: Actor | None = None, **filters
) -> tuple[bytes, int]:
    """The pick list and packing slips of the waiting orders (filters as `waiting_orders`)
    as PDF bytes, and how many orders it holds; ValidationError when there are none. The
    buyers whose contact details it prints are logged as exported by `actor`."""
    from .. import slips

    batch, shop, buyers = _batch(db, filters)
    pdf = slips.render_pdf(batch, size=size, shop=shop)
    _log(db, actor, buyers, slips_file_name(size))
    return pdf, len(batch)


def write_packing_slips(db, path, *, size: str = "a4", actor: Actor | None = None, **filters):
    """`packing_slips` written to `path` (whole or not at all); how many orders."""
    from .. import slips

    batch, shop, buyers = _batch(db, filters)
    slips.write_pdf(path, batch, size=size, shop=shop)
    _log(db, actor, buyers, Path(path).name)
    return len(batch)


def _batch(db, filters: dict) -> tuple[list[dict], str, list[int]]:
    """The slips of the waiting orders, the shop's name to head them, and the buyers
    whose contact details they print."""
    from ..settings import get_settings

    rows = waiting_orders(db, **filters)
    buyers = [o["customer_id"] for o in rows if any(o.get(f) for f in CONTACT)]
    return [slip_of(o) for o in rows], get_settings(db).get("shop_name") or "", buyers


def _log(db, actor: Actor | None, buyers: list[int], file: str) -> None:
    """The change log's `export` rows for the buyers whose contact details are in `file`."""
    actor = actor or system_actor()
    with db.write() as conn:
        audit.record_exports(conn, actor.name, buyers, file, "slips")
