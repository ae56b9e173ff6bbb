"""Find an order and move it along its allowed statuses; cancel or refund with a reason."""

from __future__ import annotations

import html

import ipywidgets as ipw
import traitlets

from salesops.errors import Problem, ValidationError
from salesops.messages import add

from .change_list import ChangeList
from .common import FieldErrors, MessageArea, guard, hook, label, local_time, money, styled
from .customer_picker import CustomerPicker
from .shipment_fields import ShipmentFields

add(
    {
        "en": {
            "status.find": "Order / waybill",
            "status.find_hint": "order number or tracking number",
            "status.sku": "SKU",
            "status.find_button": "Find",
            "status.or_customer": "or the customer's orders:",
            "status.results": "Orders",
            "status.none_found": "No order found for {term!r}.",
            "status.pick": "Pick an order above.",
            "status.reason": "Reason",
            "status.reason_hint": "required to cancel or refund",
            "status.reason_needed": "Reason: required to {action}",
            "status.changed": "Order {number} is now {status}.",
            "status.order": "Order {number} · {customer} · {when}",
            "status.is": "Status: {status}",
            "status.refunded": "refunded {amount}",
            "status.totals": "goods {goods} − discount {discount} + shipping {shipping} "
            "= <b>{total}</b>",
            "status.history": "{when} {who}: {old} → {new} {reason}",
            "status.final": "This order is {status}; it cannot change any more.",
            "status.history_button": "Change history",
            "status.ship_to": "Ship to: {address}",
            "status.no_ship_to": "Ship to: none given",
            "status.sent_with": "Courier: {courier} {number}",
            "status.correct": "Correct courier / number",
            "status.corrected": "Order {number}: courier and tracking number corrected.",
            "order.status.new": "new",
            "order.status.paid": "paid",
            "order.status.shipped": "shipped",
            "order.status.completed": "completed",
            "order.status.cancelled": "cancelled",
            "order.status.refunded": "refunded",
            "status.to.paid": "Mark paid",
            "status.to.shipped": "Mark shipped",
            "status.to.completed": "Mark completed",
            "status.to.cancelled": "Cancel order",
            "status.to.refunded": "Refund",
        },
        "zh_CN": {
            "status.find": "订单/快递单号",
            "status.find_hint": "订单号或快递单号",
            "status.sku": "货号",
            "status.find_button": "查找",
            "status.or_customer": "或按客户查订单：",
            "status.results": "订单",
            "status.none_found": "找不到订单 {term!r}。",
            "status.pick": "请在上方选择订单。",
            "status.reason": "原因",
            "status.reason_hint": "取消或退款时必填",
            "status.reason_needed": "原因：{action}需要填写原因",
            "status.changed": "订单 {number} 已改为{status}。",
            "status.order": "订单 {number} · {customer} · {when}",
            "status.is": "状态：{status}",
            "status.totals": "商品 {goods} − 优惠 {discount} + 运费 {shipping} = <b>{total}</b>",
            "status.refunded": "已退款 {amount}",
            "status.history": "{when} {who}：{old} → {new} {reason}",
            "status.final": "此订单已{status}，不能再更改。",
            "status.history_button": "修改记录",
            "status.ship_to": "收货地址：{address}",
            "status.no_ship_to": "收货地址：未填写",
            "status.sent_with": "快递：{courier} {number}",
            "status.correct": "更正快递信息",
            "status.corrected": "订单 {number} 的快递公司和单号已更正。",
            "order.status.new": "新建",
            "order.status.paid": "已付款",
            "order.status.shipped": "已发货",
            "order.status.completed": "已完成",
            "order.status.cancelled": "已取消",
            "order.status.refunded": "已退款",
            "status.to.paid": "标记已付款",
            "status.to.shipped": "标记已发货",
            "status.to.completed": "标记已完成",
            "status.to.cancelled": "取消订单",
            "status.to.refunded": "退款",
        },
    }
)
STYLE = """<style>
.so-status-order { max-width: 760px; }
.so-status-current { font-weight: 600; font-size: 15px; }
.so-status-order ul { margin: 6px 0; padding-left: 20px; color: #555; }
.so-status-shipment { font-weight: 600; }
</style>"""


def status_label(status: str | None) -> str:
    """An order status in the page language."""
    return label(f"order.status.{status}") if status else "-"


class OrderStatus(ipw.VBox):
    """Find an order by number or from its customer, then move it on.

    Data functions: `find_orders(text)`, `search(text)` (customers), `customer_orders(id)`,
    `order(id)` (with lines and history, its `ship_to` as one line and `courier_name`),
    `customer(id)`, `change_status(id, to, version, reason)` (for "shipped" also
    `courier=` and `tracking_no=`, from the courier list `couriers` [(name, code)], where
    `no_number` are the codes needing no number); the service's rules as values:
    `transitions` (each status -> the statuses it may move to) and `needs_reason` (the
    moves that need a reason: cancel, refund). `can_cancel` shows the cancel and refund
    buttons (managers); the service refuses them for anyone else anyway.
    `history(id, after=)` (PageData.order_history, managers only) adds a button
    (so-status-history) that shows the order's changes (so-status-history-changes,
    -more). `order_id` and `status` follow the shown order.
    """

    order_id = traitlets.Int(None, allow_none=True)
    status = traitlets.Unicode("")

    @classmethod
    def for_page(cls, data, **kwargs) -> OrderStatus:
        """The form wired to a salesops.web.pagedata.PageData: cancel and refund for those
        who may (orders.cancel), the order's change history for those who may read the
        change log (audit.view)."""
        actor = data.actor
        return cls(
            find_orders=data.find_orders,
            search=data.search,
            customer_orders=data.customer_orders,
            order=data.order,
            customer=data.customer,
            change_status=data.change_status,
            transitions=data.order_transitions(),
            needs_reason=data.statuses_needing_reason(),
            can_cancel=actor.can("orders.cancel"),
            history=data.order_history if actor.can("audit.view") else None,
            couriers=data.courier_choices(),
            no_number=data.couriers_without_number(),
            correct_shipment=data.correct_shipment,
            **kwargs,
        )

    def __init__(
        self,
        *,
        find_orders,
        search,
        customer_orders,
        order,
        customer,
        change_status,
        transitions: dict[str, tuple[str, ...]],
        needs_reason: tuple[str, ...],
        can_cancel: bool,
        history=None,
        couriers=(),
        no_number=(),
        correct_shipment=None,
        **kwargs,
    ):
        self._transitions, self._needs_reason = dict(transitions), tuple(needs_reason)
        self._find, self._customer_orders = find_orders, customer_orders
        self._order, self._customer, self._change = order, customer, change_status
        self._can_cancel = can_cancel
        self._version, self._number = None, ""
        self.message = MessageArea("status")
        self.number = styled(
            ipw.Text(description=label("status.find"), placeholder=label("status.find_hint")),
            "status",
            "number",
            width="300px",
        )
        self.find = hook(
            ipw.Button(description=label("status.find_button"), icon="search"), "status", "find"
        )
        self.picker = CustomerPicker(search, form="status", field="customer-search")
        self.results = hook(
            ipw.Select(options=[], rows=5, description=label("status.results")), "status", "results"
        )
        self.results.layout.width = "520px"
        self.results.layout.display = "none"  # shown when there is something to pick
        self.card = hook(ipw.HTML(label("status.pick")), "status", "order")
        self.reason = styled(
            ipw.Text(description=label("status.reason"), placeholder=label("status.reason_hint")),
            "status",
            "reason",
        )
        self.shipment = ShipmentFields(couriers, no_number, layout=ipw.Layout(display="none"))
        self.errors = FieldErrors(
            "status",
            {
                "reason": self.reason,
                "courier": self.shipment.courier_box,
                "tracking_no": self.shipment.number_box,
            },
        )
        self._correct = correct_shipment
        self.correct = hook(
            ipw.Button(
                description=label("status.correct"), layout=ipw.Layout(width="auto", display="none")
            ),
            "status",
            "correct",
        )
        self.correct.on_click(
            guard(self._on_correct, self.message, self.errors, on_reload=self.reload)
        )
        self.shipment.children = [
            self.errors.row("courier"),
            self.errors.row("tracking_no"),
            self.correct,
        ]
        self.buttons = {s: self._button(s) for s in self._transitions if s != "new"}
        self._history = history
        self.history_button = hook(
            ipw.Button(
                description=label("status.history_button"),
                icon="history",
                layout=ipw.Layout(width="auto", display="none"),
            ),
            "status",
            "history",
        )
        self.history = ChangeList(
            "status-history", message=self.message, layout=ipw.Layout(display="none")
        )
        self.history_button.on_click(guard(self._on_history, self.message))
        self.find.on_click(guard(self._on_find, self.message))
        self.number.continuous_update = False  # Enter (or leaving the box) searches too
        self.number.observe(guard(self._on_find, self.message), names="value")
        self.picker.observe(guard(self._on_customer, self.message), names="value")
        self.results.observe(guard(self._on_pick, self.message), names="value")
        self.observe(guard(self._on_order_id, self.message), names="order_id")
        self._show_actions()
        super().__init__(self._layout(), **kwargs)
        self.add_class("so-status-form")

    def _button(self, status: str) -> ipw.Button:
        """The button that moves the order to `status`."""
        style = "danger" if status in self._needs_reason else "primary"
        button = hook(
            ipw.Button(description=label(f"status.to.{status}"), button_style=style),
            "status",
            f"to-{status}",
        )
        button.on_click(
            guard(
                lambda _b: self._on_move(status), self.message, self.errors, on_reload=self.reload
            )
        )
        return button

    def _layout(self) -> list[ipw.Widget]:
        """Search on top, the order in the middle, the actions under it."""
        return [
            ipw.HTML(STYLE, layout=ipw.Layout(display="none")),
            ipw.HBox([self.number, self.find]),
            ipw.HTML(label("status.or_customer")),
            self.picker,
            self.results,
            self.card,
            self.shipment,
            ipw.HBox(list(self.buttons.values())),
            self.errors.row("reason"),
            self.message,
            self.history_button,
            self.history,
        ]

    def _on_find(self, _widget=None):
        """List the orders whose number matches; open it straight away when only one does."""
        if not self.number.value.strip():
            return
        rows = self._find(self.number.value)
        self._list(rows)
        if not rows:
            self.message.error(label("status.none_found", term=self.number.value))

    def _on_customer(self, change):
        """List the chosen customer's orders."""
        if change["new"] is not None:
            self._list(self._customer_orders(change["new"]))

    def _list(self, rows: list[dict]) -> None:
        """Offer `rows` (orders) to pick from; open the order if there is only one."""
        self.message.clear()
        self.results.options = [
            (
                f"{r['order_no']}  {local_time(r['ordered_at'])}  {status_label(r['status'])}  "
                f"{money(r['total'])}  {r.get('tracking_no') or ''}".rstrip(),
                r["id"],
            )
            for r in rows
        ]
        self.results.layout.display = "" if rows else "none"
        self.results.value = rows[0]["id"] if len(rows) == 1 else None
        if len(rows) != 1:
            self.show(None)

    def _on_pick(self, change):
        """Open the picked order."""
        self.show(change["new"])

    def show(self, order_id: int | None) -> None:
        """Show order `order_id` (read afresh) with the moves it allows."""
        if order_id == self.order_id:
            self.reload()
        self.order_id = order_id  # `_on_order_id` reads and shows it

    def _on_order_id(self, change):
        """Another order is to be shown (picked here, or linked from elsewhere)."""
        self.reload()

    def reload(self) -> None:
        """Read the current order afresh and show it (also after a conflict)."""
        self.errors.clear()
        order = self._order(self.order_id) if self.order_id is not None else None
        self._version = order["version"] if order else None
        self._number = order["order_no"] if order else ""
        self.status = order["status"] if order else ""
        self.card.value = self._card(order) if order else label("status.pick")
        self._show_actions()
        if self.status in SENT:  # what went out, ready to be corrected
            self.shipment.courier_box.value = order.get("courier") or ""
            self.shipment.number_box.value = order.get("tracking_no") or ""
        self.history.clear()
        self.history.layout.display = "none"
        shown = order is not None and self._history is not None
        self.history_button.layout.display = "" if shown else "none"

    def _on_history(self, _button) -> None:
        """Show the shown order's changes (or hide them again)."""
        if self.history.layout.display != "none" or self.order_id is None:
            self.history.layout.display = "none"
            return
        order_id = self.order_id
        self.history.show(lambda after: self._history(order_id, after=after))
        self.history.layout.display = ""

    def _card(self, order: dict) -> str:
        """The order as HTML: head, status, lines, totals and status history."""
        who = self._customer(order["customer_id"]) or {"code": "", "name": ""}
        esc = html.escape
        head = label(
            "status.order",
            number=order["order_no"],
            customer=f"{who['code']} {who['name']}",
            when=local_time(order["ordered_at"]),
        )
        titles = "".join(
            f"<th>{esc(label(k))}</th>"
            for k in ("status.sku", "line.product", "line.quantity", "line.price", "line.amount")
        )
        lines = f"<tr>{titles}</tr>" + "".join(
            f"<tr><td>{esc(ln['sku'])}</td><td>{esc(ln['product_name'])}</td>"
            f"<td>{ln['quantity']}</td><td>{money(ln['unit_price'])}</td>"
            f"<td>{money(ln['amount'])}</td></tr>"
            for ln in order["lines"]
        )
        history = "".join(
            "<li>"
            + esc(
                label(
                    "status.history",
                    when=local_time(h["changed_at"]),
                    who=h["changed_by"],
                    old=status_label(h["from_status"]),
                    new=status_label(h["to_status"]),
                    reason=h["reason"] or "",
                )
            )
            + "</li>"
            for h in order["history"]
        )
        totals = label(
            "status.totals",
            goods=money(order["goods_amount"]),
            discount=money(order["discount"]),
            shipping=money(order["shipping"]),
            total=money(order["total"]),
        )
        if order.get("refunded"):  # partly refunded: the status stays, the amount shows
            refunded = esc(label("status.refunded", amount=money(order["refunded"])))
            totals += f"<div class='so-status-refunded'>{refunded}</div>"
        status = (
            f"<span class='so-status-current'>"
            f"{esc(label('status.is', status=status_label(order['status'])))}</span>"
        )
        return (
            f"<div><b>{esc(head)}</b><br>{status}{_shipping(order)}"
            f"<table class='so-table so-status-lines'>"
            f"{lines}</table><div>{totals}</div><ul>{history}</ul></div>"
        )

    def _show_actions(self) -> None:
        """Show the buttons for the moves the order allows (cancel/refund: managers only)."""
        allowed, needs_reason = self._transitions.get(self.status, ()), self._needs_reason
        for status, button in self.buttons.items():
            shown = status in allowed and (self._can_cancel or status not in needs_reason)
            button.layout.display = "" if shown else "none"
        needs = any(s in needs_reason for s in allowed) and self._can_cancel
        self.reason.layout.display = "" if needs else "none"
        fixable = self.status in SENT and self._correct is not None
        self.shipment.layout.display = "" if "shipped" in allowed or fixable else "none"
        self.correct.layout.display = "" if fixable else "none"
        if self.order_id is not None and not allowed:
            self.message.success(label("status.final", status=status_label(self.status)))

    def _on_move(self, to_status: str) -> None:
        """Move the shown order to `to_status` (the version read guards against stale moves)."""
        if self.order_id is None:
            raise ValidationError([Problem("order", None, label("status.pick"))])
        if to_status in self._needs_reason and not self.reason.value.strip():
            action = label(f"status.to.{to_status}")
            raise ValidationError(
                [Problem("reason", "", label("status.reason_needed", action=action))]
            )
        shipping = self.shipment.values if to_status == "shipped" else {}
        self._change(self.order_id, to_status, self._version, self.reason.value, **shipping)
        number = self._number
        self.reason.value = ""
        self.shipment.clear()
        self.show(self.order_id)
        self.message.success(label("status.changed", number=number, status=status_label(to_status)))

    def _on_correct(self, _button=None) -> None:
        """Save a corrected courier and tracking number of an order that went out."""
        number = self._number
        values = self.shipment.values
        self._correct(self.order_id, values["courier"], values["tracking_no"], self._version)
        self.show(self.order_id)
        self.message.success(label("status.corrected", number=number))


SENT = ("shipped", "completed")  # statuses whose courier and number can be corrected


def _shipping(order: dict) -> str:
    """Where the order goes (its ship-to) and, once sent, with which courier and number."""
    esc = html.escape
    where = order.get("ship_to") or ""
    text = label("status.ship_to", address=where) if where else label("status.no_ship_to")
    out = f"<div class='so-status-ship-to'>{esc(text)}</div>"
    if order.get("courier_name"):
        sent = label("status.sent_with", courier=order["courier_name"], number="")
        number = esc(order.get("tracking_no") or "")
        out += (
            f"<div class='so-status-shipment'>{esc(sent.strip())} "
            f"<span class='so-status-tracking'>{number}</span></div>"
        )
    return out
