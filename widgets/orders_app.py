"""The orders page as one component: enter an order, then find orders and move them on."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops import messages

from .common import label
from .order_form import OrderForm
from .order_status import OrderStatus

messages.add(
    {
        "en": {
            "orders.title": "Orders",
            "orders.new": "New order",
            "orders.status": "Find an order · change its status",
        },
        "zh_CN": {
            "orders.title": "订单",
            "orders.new": "新建订单",
            "orders.status": "查找订单 · 更改状态",
        },
    }
)


class OrdersApp(ipw.VBox):
    """The order form above, the status form below; a saved order opens in the status form.

    `data` is a salesops.web.pagedata.PageData (or anything with the same methods). Cancel and
    refund are offered to people whose role allows `orders.cancel` (the service checks
    again on every move).
    """

    def __init__(self, data, **kwargs):
        actor = data.actor
        self.form = OrderForm(
            search=data.search,
            create_customer=data.create_customer,
            create_order=data.create_order,
            products=data.products(),
            channels=data.channels(),
        )
        self.status = OrderStatus(
            find_orders=data.find_orders,
            search=data.search,
            customer_orders=data.customer_orders,
            order=data.order,
            customer=data.customer,
            change_status=data.change_status,
            can_cancel=actor.can("orders.cancel"),
            history=data.order_history if actor.can("audit.view") else None,
        )
        traitlets.dlink((self.form, "order_id"), (self.status, "order_id"))
        headings = [ipw.HTML(f"<h4>{label(key)}</h4>") for key in ("orders.new", "orders.status")]
        for heading in headings:
            heading.add_class("so-section")
        super().__init__([headings[0], self.form, headings[1], self.status], **kwargs)
        self.add_class("so-orders-app")
