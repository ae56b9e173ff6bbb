"""What the refund panel, stock actions and the landing page's work queue may call: a part
of PageData (salesops.web.pagedata).

Every method goes through a service (salesops.refunds, salesops.stock), acting for the
person at the page, asked afresh on each call; the services refuse what the person's
role does not allow. Results are plain dicts and lists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class AfterSalesData:
    """Refunds and stock for the pages (a mixin of PageData: needs `db` and `actor`)."""

    def refund_view(self, order_id: int) -> dict:
        """An order's refund state: total, refunded, left, its lines' units left, refunds."""
        from ..refunds import refund_view

        return refund_view(self.db, order_id)

    def refund_order(
        self,
        order_id: int,
        *,
        lines: Sequence[Mapping] = (),
        amount=None,
        reason: str = "",
        restock: bool = False,
    ) -> dict:
        """Refund chosen lines and quantities, or an amount (managers: orders.cancel)."""
        from ..refunds import refund_order

        return refund_order(
            self.db,
            order_id,
            lines=lines,
            amount=amount,
            reason=reason,
            restock=restock,
            actor=self.actor,
        )

    def receive_stock(self, sku: str, quantity, reason: str = "") -> dict:
        """Goods in: units added to a counted product's stock (staff too)."""
        from ..stock import receive

        return receive(self.db, sku, quantity, reason, actor=self.actor)

    def adjust_stock(self, sku: str, counted, reason: str) -> dict | None:
        """A stocktake: the product's stock is what was counted (managers)."""
        from ..stock import adjust

        return adjust(self.db, sku, counted, reason, actor=self.actor)

    def worklist(self) -> dict:
        """Today's work queue for this person: orders to ship, follow-ups due, low stock,
        customers worth contacting (kept per day)."""
        from ..worklist import worklist

        return self._contacts_shown(worklist(self.db, self.actor))
