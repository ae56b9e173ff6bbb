"""Goods in and stocktakes on the Products page: receive units of a counted product (staff
too), or count it (managers), each with a reason, written to the stock ledger."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops.messages import add

from .common import FieldErrors, MessageArea, guard, hook, label, styled
from .tables import fit, fit_errors

FORM = "stock"

add(
    {
        "en": {
            "stock.title": "Receive goods · stocktake",
            "stock.product": "Product",
            "stock.pick": "— choose a counted product —",
            "stock.quantity": "Units",
            "stock.reason": "Reason",
            "stock.reason_hint": "supplier, delivery note; required for a count",
            "stock.receive": "Receive",
            "stock.count": "Set counted stock",
            "stock.received": "{sku}: {quantity} received, stock on hand {on_hand}.",
            "stock.counted": "{sku}: counted {on_hand}.",
            "stock.note": "Products not counted yet get their first count in the form above.",
        },
        "zh_CN": {
            "stock.title": "入库 · 盘点",
            "stock.product": "商品",
            "stock.pick": "— 选择已盘点的商品 —",
            "stock.quantity": "数量",
            "stock.reason": "原因",
            "stock.reason_hint": "供应商、送货单；盘点必填",
            "stock.receive": "入库",
            "stock.count": "按盘点数设置",
            "stock.received": "{sku}：入库 {quantity}，现有库存 {on_hand}。",
            "stock.counted": "{sku}：盘点为 {on_hand}。",
            "stock.note": "尚未盘点的商品请先在上方表单中填写库存。",
        },
    }
)


class StockPanel(ipw.VBox):
    """Pick a counted product, give units and a reason, then Receive (adds them) or, for
    managers, Set counted stock (the units are the count).

    Data functions: `products()` (rows with id, sku, name, stock_on_hand, active),
    `receive(sku, quantity, reason)` and `adjust(sku, counted, reason)` (None: no count
    button). `saved` counts the changes made, so the page can refresh its list. Hooks:
    so-stock-product, -quantity, -reason, -receive, -count, -message.
    """

    saved = traitlets.Int(0)

    def __init__(self, *, products, receive, adjust=None, **kwargs):
        self._products, self._receive, self._adjust = products, receive, adjust
        self.product = styled(ipw.Dropdown(description=label("stock.product")), FORM, "product")
        self.quantity = styled(ipw.Text(description=label("stock.quantity")), FORM, "quantity")
        self.reason = styled(
            ipw.Text(description=label("stock.reason"), placeholder=label("stock.reason_hint")),
            FORM,
            "reason",
        )
        for widget in (self.product, self.quantity, self.reason):
            fit(widget)
        self.errors = FieldErrors(
            FORM, {"sku": self.product, "quantity": self.quantity, "reason": self.reason}
        )
        fit_errors(self.errors)
        self.message = MessageArea(FORM)
        self.receive = hook(
            ipw.Button(description=label("stock.receive"), button_style="primary"), FORM, "receive"
        )
        self.receive.on_click(guard(self._on_receive, self.message, self.errors))
        buttons = [self.receive]
        if adjust is not None:
            self.count = hook(ipw.Button(description=label("stock.count")), FORM, "count")
            self.count.on_click(guard(self._on_count, self.message, self.errors))
            buttons.append(self.count)
        super().__init__(
            [
                ipw.HTML(f"<h4>{label('stock.title')}</h4>"),
                self.errors.row("sku"),
                self.errors.row("quantity"),
                self.errors.row("reason"),
                ipw.HBox(buttons, layout=ipw.Layout(flex_flow="row wrap")),
                ipw.HTML(f"<p class='so-muted'>{label('stock.note')}</p>"),
                self.message,
            ],
            **kwargs,
        )
        self.add_class("so-stock-panel")
        self.reload()

    def reload(self) -> None:
        """Offer the active products that are counted (keeping the one chosen)."""
        keep = self.product.value
        rows = [r for r in self._products() if r["active"] and r["stock_on_hand"] is not None]
        options = [(label("stock.pick"), None)]
        options += [(f"{r['sku']} {r['name']} ({r['stock_on_hand']})", r["sku"]) for r in rows]
        self.product.options = options
        self.product.value = keep if any(r["sku"] == keep for r in rows) else None

    def _on_receive(self, _button) -> None:
        """Add the units to the chosen product's stock."""
        sku = self.product.value
        row = self._receive(sku, self.quantity.value, self.reason.value)
        self._done(
            label("stock.received", sku=sku, quantity=row["quantity"], on_hand=row["on_hand"])
        )

    def _on_count(self, _button) -> None:
        """Set the chosen product's stock to the units counted."""
        sku = self.product.value
        row = self._adjust(sku, self.quantity.value, self.reason.value)
        self._done(label("stock.counted", sku=sku, on_hand=row["on_hand"] if row else "-"))

    def _done(self, text: str) -> None:
        """After a change: clear the inputs, offer fresh figures, say what happened."""
        self.quantity.value, self.reason.value = "", ""
        self.reload()
        self.message.success(text)
        self.saved += 1
