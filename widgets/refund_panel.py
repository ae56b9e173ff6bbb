"""Refund part of an order (售后): chosen lines and quantities, or an amount, with a reason;
the goods back into stock when they came back (managers)."""

from __future__ import annotations

import html

import ipywidgets as ipw
import traitlets

from salesops.messages import add

from .common import FieldErrors, MessageArea, guard, hook, label, local_time, money, styled
from .tables import cell, fit, fit_errors, table

FORM = "refund"

add(
    {
        "en": {
            "refund.title": "Refund part of the order",
            "refund.pick": "Find an order above to refund it.",
            "refund.not_refundable": "Order {number} is {status}: only a paid order can be "
            "refunded.",
            "refund.summary": "Total {total} · refunded {refunded} · left {left}",
            "refund.units": "{sku} {name}: {left} of {quantity} left",
            "refund.amount": "Amount",
            "refund.amount_hint": "empty: the value of the units chosen",
            "refund.reason": "Reason",
            "refund.reason_hint": "required, e.g. one box arrived broken",
            "refund.restock": "The goods came back: put them into stock",
            "refund.restock_note": "Units of an order not shipped yet always go back into stock.",
            "refund.submit": "Refund",
            "refund.done": "Refunded {amount} on {number}; {refunded} refunded in all.",
            "refund.done_full": "Refunded {amount}: order {number} is now refunded.",
            "refund.when": "When",
            "refund.who": "Who",
            "refund.money": "Amount",
            "refund.why": "Reason",
            "refund.none": "No refunds yet.",
        },
        "zh_CN": {
            "refund.title": "部分退款",
            "refund.pick": "请先在上方查找订单。",
            "refund.not_refundable": "订单 {number} 当前为 {status}：只有已付款的订单才能退款。",
            "refund.summary": "实付 {total} · 已退 {refunded} · 可退 {left}",
            "refund.units": "{sku} {name}：可退 {left} / {quantity}",
            "refund.amount": "退款金额",
            "refund.amount_hint": "留空：按所选商品计算",
            "refund.reason": "原因",
            "refund.reason_hint": "必填，如 一盒破损",
            "refund.restock": "货已退回：放回库存",
            "refund.restock_note": "未发货订单退的商品总会放回库存。",
            "refund.submit": "退款",
            "refund.done": "已为 {number} 退款 {amount}；累计已退 {refunded}。",
            "refund.done_full": "已退款 {amount}：订单 {number} 已全部退款。",
            "refund.when": "时间",
            "refund.who": "经办人",
            "refund.money": "金额",
            "refund.why": "原因",
            "refund.none": "暂无退款。",
        },
    }
)


class RefundPanel(ipw.VBox):
    """The refund form of the order `order_id`: a quantity per line, an amount, a reason,
    "goods back into stock", and the order's refunds so far.

    Data functions: `view(order_id)` (salesops.refunds.refund_view: status, total,
    refunded, left, lines with `left` units, refunds) and `refund(order_id, lines=,
    amount=, reason=, restock=)`. `done` counts the refunds made here, so the page can
    reload the order. Hooks: so-refund-summary, -qty (one per line, with
    so-refund-qty-<line_no>), -amount, -reason, -restock, -submit, -message, -list.
    """

    order_id = traitlets.Int(None, allow_none=True)
    done = traitlets.Int(0)

    @classmethod
    def for_page(cls, data, **kwargs) -> RefundPanel:
        """The panel wired to a PageData (refunds: managers and admins)."""
        return cls(view=data.refund_view, refund=data.refund_order, **kwargs)

    def __init__(self, *, view, refund, **kwargs):
        self._view, self._refund = view, refund
        self._lines: list[tuple[int, ipw.BoundedIntText]] = []
        self.summary = hook(ipw.HTML(label("refund.pick")), FORM, "summary")
        self.quantities = ipw.VBox()
        self.amount = styled(
            ipw.Text(description=label("refund.amount"), placeholder=label("refund.amount_hint")),
            FORM,
            "amount",
        )
        self.reason = styled(
            ipw.Text(description=label("refund.reason"), placeholder=label("refund.reason_hint")),
            FORM,
            "reason",
        )
        self.restock = hook(
            ipw.Checkbox(description=label("refund.restock"), indent=False), FORM, "restock"
        )
        self.note = ipw.HTML()
        self.submit = hook(
            ipw.Button(description=label("refund.submit"), button_style="warning"), FORM, "submit"
        )
        self.message = MessageArea(FORM)
        self.errors = FieldErrors(FORM, {"amount": self.amount, "reason": self.reason})
        for widget in (self.amount, self.reason, self.restock):
            fit(widget)
        fit_errors(self.errors)
        self.refunds = hook(ipw.HTML(), FORM, "list")
        self.form = ipw.VBox(
            [
                self.quantities,
                self.errors.row("amount"),
                self.errors.row("reason"),
                self.restock,
                self.note,
                self.submit,
            ]
        )
        self.submit.on_click(guard(self._on_submit, self.message, self.errors))
        super().__init__(
            [
                ipw.HTML(f"<h4>{html.escape(label('refund.title'))}</h4>"),
                self.summary,
                self.form,
                self.message,
                self.refunds,
            ],
            **kwargs,
        )
        self.add_class("so-refund-panel")
        self.reload()

    @traitlets.observe("order_id")
    def _on_order_id(self, _change) -> None:
        """Show the newly chosen order."""
        self.message.clear()
        self.reload()

    def reload(self) -> None:
        """Read the order's refund state again and rebuild the form."""
        self.form.layout.display = "none"
        self.refunds.value = ""
        if self.order_id is None:
            self.summary.value = html.escape(label("refund.pick"))
            return
        view = self._view(self.order_id)
        self.refunds.value = _refund_table(view["refunds"])
        if not view["refundable"]:
            text = label("refund.not_refundable", number=view["order_no"], status=view["status"])
            self.summary.value = html.escape(text)
            return
        self.summary.value = html.escape(
            label(
                "refund.summary",
                total=money(view["total"]),
                refunded=money(view["refunded"]),
                left=money(view["left"]),
            )
        )
        self._lines = [(ln["line_no"], self._quantity(ln)) for ln in view["lines"]]
        self.quantities.children = [box for _n, box in self._lines]
        self.amount.value, self.reason.value, self.restock.value = "", "", False
        self.restock.layout.display = "" if view["sent"] else "none"
        self.note.value = (
            "" if view["sent"] else f"<span class='so-muted'>{label('refund.restock_note')}</span>"
        )
        self.form.layout.display = ""

    def _quantity(self, line: dict) -> ipw.BoundedIntText:
        """The units-to-refund box of one line (0 to what is left)."""
        text = label(
            "refund.units",
            sku=line["sku"],
            name=line["product_name"],
            left=line["left"],
            quantity=line["quantity"],
        )
        box = ipw.BoundedIntText(value=0, min=0, max=line["left"], description=text)
        box.style.description_width = "initial"
        box.disabled = line["left"] == 0
        hook(box, FORM, "qty")
        return fit(hook(box, FORM, f"qty-{line['line_no']}"), "520px")

    def _on_submit(self, _button) -> None:
        """Refund what the form says; show the outcome and the order again."""
        lines = [{"line_no": n, "quantity": box.value} for n, box in self._lines if box.value]
        out = self._refund(
            self.order_id,
            lines=lines,
            amount=self.amount.value,
            reason=self.reason.value,
            restock=self.restock.value,
        )
        view_number = self._view(self.order_id)["order_no"]
        amount = money(out["refund"]["amount"])
        self.reload()
        if out["status"] == "refunded":
            self.message.success(label("refund.done_full", amount=amount, number=view_number))
        else:
            text = label(
                "refund.done", amount=amount, number=view_number, refunded=money(out["refunded"])
            )
            self.message.success(text)
        self.done += 1


def _refund_table(rows: list[dict]) -> str:
    """The order's refunds so far, oldest first."""
    headers = [
        (label("refund.when"), "so-refund-when"),
        (label("refund.money"), "so-refund-money"),
        (label("refund.why"), "so-refund-why"),
        (label("refund.who"), "so-refund-who"),
    ]
    body = [
        (
            "so-refund-row",
            [
                cell(local_time(r["refunded_at"])),
                cell(money(r["amount"])),
                cell(r["reason"]),
                cell(r["refunded_by"]),
            ],
        )
        for r in rows
    ]
    return table(headers, body, "so-refund-table", label("refund.none"))
