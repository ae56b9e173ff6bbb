"""The Shipping page as one component: the orders waiting to ship with their pick list and
packing slips, and bulk shipping from pasted or uploaded waybill lines."""

from __future__ import annotations

import ipywidgets as ipw

from salesops import messages

from .bulk_ship import BulkShip
from .common import label
from .tables import style
from .waiting_orders import WaitingOrders

messages.add(
    {
        "en": {
            "shipping.waiting": "Waiting to ship · pick list and packing slips",
            "shipping.bulk": "Ship in bulk",
            "shipping.title": "Shipping",
        },
        "zh_CN": {
            "shipping.waiting": "待发货 · 拣货单和发货单",
            "shipping.bulk": "批量发货",
            "shipping.title": "发货",
        },
    }
)


class ShippingApp(ipw.VBox):
    """The waiting orders above, bulk shipping below; a bulk shipment refreshes the list.

    Built from its parts (`for_page` builds them from a PageData)."""

    @classmethod
    def for_page(cls, data, **kwargs) -> ShippingApp:
        """The Shipping page wired to a salesops.web.pagedata.PageData."""
        return cls(waiting=WaitingOrders.for_page(data), bulk=BulkShip.for_page(data), **kwargs)

    def __init__(self, *, waiting: WaitingOrders, bulk: BulkShip, **kwargs):
        self.waiting, self.bulk = waiting, bulk
        self.bulk.observe(lambda _c: self.waiting.refresh(), names="shipped")
        headings = [
            ipw.HTML(f"<h4>{label(key)}</h4>") for key in ("shipping.waiting", "shipping.bulk")
        ]
        for heading in headings:
            heading.add_class("so-section")
        title = ipw.HTML(f"<h2>{label('shipping.title')}</h2>")
        parts = [style(), title, headings[0], self.waiting, headings[1], self.bulk]
        super().__init__(parts, **kwargs)
        self.add_class("so-shipping-app")
        self.waiting.refresh()
