"""The shipping step: how an order went out (courier and tracking number), checked once
for the status form, bulk shipping, the CLI and imports alike.

An order becomes `shipped` only with a courier from `salesops.couriers` and a tracking
number of that courier's shape; self pickup (自提) and local delivery (同城配送) need no
number. The courier is stored by its code, the number cleaned (no spaces, upper case).
A shipped order's courier and number can be corrected later (`correct_shipment`),
versioned and audited like any change.
"""

from __future__ import annotations

from .. import couriers
from ..actors import Actor, system_actor
from ..errors import ValidationError
from ..messages import add
from ..records import require_row, versioned_update
from ..schema import orders

# The statuses of an order that went out: its courier and number may still be corrected.
SENT = ("shipped", "completed")

add(
    {
        "en": {
            "ship.error.courier_required": "{field}: choose the courier (or self pickup / "
            "local delivery) to mark the order shipped",
            "ship.error.not_sent": "{field}: order {value} is {status}; only a shipped "
            "order's courier and number can be corrected",
        },
        "zh_CN": {
            "ship.error.courier_required": "{field}：标记已发货前请选择快递公司"
            "（或自提 / 同城配送）",
            "ship.error.not_sent": "{field}：订单 {value} 当前为 {status}，只有已发货的订单"
            "才能更正快递信息",
        },
    }
)


def shipment(courier, tracking_no=None, *, required: bool = False) -> dict:
    """{"courier": code, "tracking_no": cleaned number or None}, or ValidationError naming
    the field: no courier (when `required`), a courier not on the list, a number missing
    or of the wrong shape for its courier."""
    if courier is None or str(courier).strip() == "":
        if required:
            raise ValidationError.one("ship.error.courier_required", "courier", courier)
        return {"courier": None, "tracking_no": None}
    found = couriers.check_courier(courier)
    number = couriers.check_tracking(found, tracking_no) if required or tracking_no else ""
    return {"courier": found.code, "tracking_no": number or None}


def courier_choices() -> list[tuple[str, str]]:
    """(name in the page language, code) of every courier, for a dropdown."""
    return [(c.name, c.code) for c in couriers.couriers()]


def courier_name(code: str | None) -> str:
    """A stored courier code as people read it (顺丰速运); '' for none."""
    found = couriers.find_courier(code) if code else None
    return found.name if found else (code or "")


def correct_shipment(
    db, order_id: int, courier, tracking_no, expected_version: int, actor: Actor | None = None
) -> dict:
    """Correct the courier and tracking number of an order that went out (a typo, a parcel
    sent again); versioned and audited. The order keeps its status."""
    actor = actor or system_actor()
    actor.require("orders.edit")
    values = shipment(courier, tracking_no, required=True)
    with db.write() as conn:
        order = require_row(conn, orders, order_id, "order")
        if order["status"] not in SENT:
            raise ValidationError.one(
                "ship.error.not_sent", "status", order["order_no"], status=order["status"]
            )
        return versioned_update(
            conn, orders, order_id, expected_version, values, actor, "order", order["order_no"]
        )
