"""The 晒单 (order-shares and reviews) of one order, on the orders page, and a form to
record one; the order shown is `value`."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops import messages

from .common import MessageArea, guard, hook, label
from .customer_social import ReviewForm, review_rows
from .tables import table

FORM = "order-reviews"

messages.add(
    {
        "en": {"order_reviews.title": "晒单 of this order"},
        "zh_CN": {"order_reviews.title": "此订单的晒单"},
    }
)


class OrderReviews(ipw.VBox):
    """Order `value`'s 晒单 and the form to record one (hidden while no order is open).

    Data functions: `reviews(order_id)`, `order(order_id)` (for its number), `record(order_id,
    data)`, and `platforms` (label, code). Hooks: so-order-reviews-list and the review
    form's so-social-* fields."""

    value = traitlets.Int(None, allow_none=True)

    @classmethod
    def for_page(cls, data, **kwargs) -> OrderReviews:
        """The part wired to a salesops.web.pagedata.PageData."""
        return cls(
            reviews=data.order_reviews,
            order=data.order,
            record=data.record_review,
            platforms=data.review_platforms(),
            **kwargs,
        )

    def __init__(self, *, reviews, order, record, platforms, **kwargs):
        self._reviews, self._order = reviews, order
        self.message = MessageArea(FORM)
        self.list = hook(ipw.HTML(), FORM, "list")
        self.form = ReviewForm(record=record, platforms=platforms, message=self.message)
        self.form.observe(lambda _c: self.refresh(), names="recorded")
        title = ipw.HTML(f"<div class='so-subhead'>{label('order_reviews.title')}</div>")
        super().__init__(children=[title, self.list, self.form, self.message], **kwargs)
        self.add_class("so-order-reviews")
        self.observe(lambda _c: self._on_value(), names="value")
        self._on_value()

    def _on_value(self) -> None:
        """Another order: clear the last one's message, show this one's 晒单."""
        self.message.clear()
        self.refresh()

    def refresh(self) -> None:
        """Read the order's 晒单 again."""
        self.layout.display = "none" if self.value is None else ""
        if self.value is not None:
            guard(self._show, self.message)()

    def _show(self) -> None:
        order = self._order(self.value)
        self.form.offer([(order["order_no"], self.value)] if order else [])
        self.list.value = table(
            [
                (label(f"social.col.{c}"), "")
                for c in ("order", "platform", "posted", "rating", "note")
            ],
            review_rows(self._reviews(self.value)),
            "so-reviews",
            label("social.no_reviews"),
        )
