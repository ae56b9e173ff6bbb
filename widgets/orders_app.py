"""The orders page as one component: enter an order, then find orders and move them on;
in a second tab, turn a pasted group-buy list (接龙) into orders."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops import messages

from .common import label
from .group_buy import GroupBuyPanel
from .order_form import OrderForm
from .order_reviews import OrderReviews
from .order_status import OrderStatus
from .refund_panel import RefundPanel

messages.add(
    {
        "en": {
            "orders.title": "Orders",
            "orders.new": "New order",
            "orders.status": "Find an order · change its status",
            "orders.tab.orders": "Orders",
            "orders.tab.groupbuy": "接龙 (group-buy list)",
        },
        "zh_CN": {
            "orders.title": "订单",
            "orders.new": "新建订单",
            "orders.status": "查找订单 · 更改状态",
            "orders.tab.orders": "订单",
            "orders.tab.groupbuy": "接龙",
        },
    }
)


class OrdersApp(ipw.VBox):
    """The order form above, the status form below; a saved order opens in the status form.

    Built from its parts (`for_page` builds them from a PageData). Cancel and refund, and
    the refund panel under the status form (partial refunds), are offered to people whose
    role allows `orders.cancel` (the service checks again on every move).
    """

    @classmethod
    def for_page(cls, data, **kwargs) -> OrdersApp:
        """The orders page wired to a salesops.web.pagedata.PageData."""
        refund = RefundPanel.for_page(data) if data.actor.can("orders.cancel") else None
        return cls(
            form=OrderForm.for_page(data),
            status=OrderStatus.for_page(data),
            group_buy=GroupBuyPanel.for_page(data),
            refund=refund,
            reviews=OrderReviews.for_page(data),
            **kwargs,
        )

    def __init__(
        self,
        *,
        form: OrderForm,
        status: OrderStatus,
        group_buy: GroupBuyPanel | None = None,
        refund: RefundPanel | None = None,
        reviews: OrderReviews | None = None,
        **kwargs,
    ):
        self.form, self.status, self.group_buy, self.refund = form, status, group_buy, refund
        self.reviews = reviews
        traitlets.dlink((self.form, "order_id"), (self.status, "order_id"))
        more = []
        if reviews is not None:  # the open order's 晒单, under its status
            traitlets.dlink((self.status, "order_id"), (reviews, "value"))
            more = [reviews]
        headings = [ipw.HTML(f"<h4>{label(key)}</h4>") for key in ("orders.new", "orders.status")]
        for heading in headings:
            heading.add_class("so-section")
        orders = [headings[0], self.form, headings[1], self.status]
        if refund is not None:
            traitlets.dlink((self.status, "order_id"), (refund, "order_id"))
            refund.observe(self._on_refund, names="done")
            self.status.observe(self._on_status, names="status")
            refund.add_class("so-section")
            orders.append(refund)
        orders += more
        if group_buy is None:
            super().__init__(orders, **kwargs)
        else:  # tabs: the order form and status, and the 接龙 tab (so-orders-tabs)
            self.tabs = ipw.Tab([ipw.VBox(orders), group_buy])
            self.tabs.titles = (label("orders.tab.orders"), label("orders.tab.groupbuy"))
            self.tabs.add_class("so-orders-tabs")
            super().__init__([self.tabs], **kwargs)
        self.add_class("so-orders-app")

    def _on_refund(self, _change) -> None:
        """A refund was made: show the order again (its status, its refunded amount)."""
        self.status.reload()

    def _on_status(self, _change) -> None:
        """The order moved on (cancelled, refunded in full...): read its refunds again."""
        self.refund.reload()
