"""Today's work on the landing page: orders to ship, follow-ups due, low stock and customers
worth contacting, each a count; a click shows its list. The follow-ups and the customers
worth contacting show each customer's mobile (masked for staff, with "show" under the list:
widgets.list_reveal; a tel: link once whole)."""

from __future__ import annotations

from html import escape

import ipywidgets as ipw

from salesops.messages import add

from .common import MessageArea, guard, hook, label, local_time
from .list_reveal import ListReveal, mobile_cell
from .tables import cell, table

FORM = "work"
KINDS = ("to_ship", "followups", "low_stock", "contacts")
WITH_MOBILES = ("followups", "contacts")  # the lists of whom to contact

add(
    {
        "en": {
            "work.title": "Today's work",
            "work.to_ship": "Orders to ship: {count}",
            "work.followups": "Follow-ups due: {count} ({overdue} overdue)",
            "work.low_stock": "Low stock: {count}",
            "work.contacts": "Worth contacting: {count}",
            "work.more": "{shown} of {count} shown; the rest on their page.",
            "work.none": "Nothing here today.",
            "work.contacts_note": "Repeat buyers of high past value whose chance of still "
            "buying (BG/NBD) fell over the last 4 weeks; worked out on {day}.",
            "work.order": "Order",
            "work.customer": "Customer",
            "work.ordered": "Ordered",
            "work.ship_to": "Ship to",
            "work.due": "Due",
            "work.overdue": "overdue",
            "work.note": "Note",
            "work.staff": "Staff",
            "work.sku": "SKU",
            "work.product": "Product",
            "work.stock": "Stock",
            "work.reorder": "Reorder at",
            "work.mobile": "Mobile",
            "work.alive": "Still active (was)",
            "work.value": "Past value",
            "work.last": "Last bought",
        },
        "zh_CN": {
            "work.title": "今日待办",
            "work.to_ship": "待发货：{count}",
            "work.followups": "待跟进：{count}（逾期 {overdue}）",
            "work.low_stock": "库存不足：{count}",
            "work.contacts": "值得联系：{count}",
            "work.more": "显示 {shown} / {count}，其余见对应页面。",
            "work.none": "今天这里没有待办。",
            "work.contacts_note": "过去消费高、近 4 周仍活跃概率（BG/NBD）下降的回头客；"
            "计算于 {day}。",
            "work.order": "订单",
            "work.customer": "客户",
            "work.ordered": "下单时间",
            "work.ship_to": "收货人",
            "work.due": "到期",
            "work.overdue": "已逾期",
            "work.note": "备注",
            "work.staff": "负责人",
            "work.sku": "商品编码",
            "work.product": "商品",
            "work.stock": "库存",
            "work.reorder": "补货点",
            "work.mobile": "手机",
            "work.alive": "活跃概率（原）",
            "work.value": "累计消费",
            "work.last": "最近购买",
        },
    }
)


class WorkQueue(ipw.VBox):
    """Four counts as buttons; the chosen one's list under them.

    `load()` returns salesops.worklist.worklist's dict (each kind {count, rows}, follow-ups
    also `overdue`, and `contacts_day`). With `reveal(customer_id)` (PageData.reveal_mobile)
    a list of whom to contact whose mobiles are masked (staff) has "show" under it
    (widgets.list_reveal). Hooks: so-work-to_ship, -followups, -low_stock, -contacts (the
    buttons), so-work-list (the shown list), so-work-reveal-pick, -show-mobile,
    -shown-mobile, so-work-message.
    """

    def __init__(self, load, reveal=None, **kwargs):
        self._load, self._work, self._shown = load, None, None
        self.reveal = ListReveal(reveal, FORM)
        self.reveal.observe(lambda _c: self._draw(), names="shown")
        self.buttons = {}
        for kind in KINDS:
            button = hook(ipw.Button(layout=ipw.Layout(width="auto")), FORM, kind)
            button.on_click(lambda _b, kind=kind: self.show(kind))
            self.buttons[kind] = button
        self.list = hook(ipw.HTML(), FORM, "list")
        self.message = MessageArea(FORM)
        head = ipw.HTML(f"<h4>{escape(label('work.title'))}</h4>")
        row = ipw.HBox(list(self.buttons.values()), layout=ipw.Layout(flex_flow="row wrap"))
        super().__init__([head, row, self.list, self.reveal, self.message], **kwargs)
        self.add_class("so-work-queue")

    def refresh(self) -> None:
        """Read today's queue again (the shown list too)."""
        guard(self._refresh, self.message)()

    def _refresh(self) -> None:
        """Fill the counts; show the open list afresh."""
        self._work = self._load()
        for kind, button in self.buttons.items():
            part = self._work[kind]
            button.description = label(f"work.{kind}", **part)
            button.button_style = "warning" if part["count"] and kind != "contacts" else ""
        if self._shown:
            self._open(self._shown)  # kept open (show() would close it)

    def show(self, kind: str) -> None:
        """Show the list of `kind` (a second click on the same one hides it)."""
        if self._work is None:
            return
        if self._shown == kind and self.list.value:
            self._shown, self.list.value = None, ""
            self.reveal.offer([])
            return
        self._open(kind)

    def _open(self, kind: str) -> None:
        """Draw the list of `kind`, and offer "show" for its masked mobiles."""
        self._shown = kind
        self._draw()
        self.reveal.offer(self._work[kind]["rows"] if kind in WITH_MOBILES else [])

    def _draw(self) -> None:
        """Draw the shown list, with the mobiles shown in full where "show" was pressed."""
        if self._work is None or self._shown is None:
            return
        kind, part, whole = self._shown, self._work[self._shown], self.reveal.shown
        rows = [
            {**r, "mobile": whole[r["customer_id"]]} if r.get("customer_id") in whole else r
            for r in part["rows"]
        ]
        headers, rows = RENDER[kind](rows)
        more = ""
        if part["count"] > len(rows):
            text = label("work.more", shown=len(rows), count=part["count"])
            more = f"<p class='so-muted'>{escape(text)}</p>"
        note = ""
        if kind == "contacts":
            text = label("work.contacts_note", day=self._work.get("contacts_day") or "")
            note = f"<p class='so-muted'>{escape(text)}</p>"
        self.list.value = note + table(headers, rows, f"so-work-{kind}", label("work.none")) + more


def _heads(*keys: str) -> list[tuple[str, str]]:
    """Column headers with their CSS classes."""
    return [(label(f"work.{k}"), f"so-work-{k}") for k in keys]


def _to_ship(rows):
    """Orders to ship, oldest first."""
    return _heads("order", "customer", "ordered", "ship_to"), [
        (
            "so-work-row",
            [
                cell(r["order_no"]),
                cell(r["customer_name"], r["customer_code"]),
                cell(local_time(r["ordered_at"])),
                cell(r.get("ship_recipient") or "", r.get("ship_city") or ""),
            ],
        )
        for r in rows
    ]


def _followups(rows):
    """Follow-ups due, overdue ones marked."""
    return _heads("customer", "mobile", "due", "note", "staff"), [
        (
            "so-work-row",
            [
                cell(r["name"], r["code"]),
                mobile_cell(r.get("mobile")),
                cell(local_time(r["due_at"]), label("work.overdue") if r["overdue"] else ""),
                cell(r["note"]),
                cell(r["staff"]),
            ],
        )
        for r in rows
    ]


def _low_stock(rows):
    """Products at or under their reorder level."""
    return _heads("sku", "product", "stock", "reorder"), [
        (
            "so-work-row",
            [cell(r["sku"]), cell(r["name"]), cell(r["stock_on_hand"]), cell(r["reorder_level"])],
        )
        for r in rows
    ]


def _contacts(rows):
    """Customers worth contacting, most value at risk first."""
    return _heads("customer", "mobile", "alive", "value", "last"), [
        (
            "so-work-row",
            [
                cell(r["name"], r["code"]),
                mobile_cell(r["mobile"]),
                cell(f"{r['p_alive']:.0%}", f"{r['p_alive_before']:.0%}"),
                cell(r["past_value"]),
                cell(r["last_day"]),
            ],
        )
        for r in rows
    ]


RENDER = {
    "to_ship": _to_ship,
    "followups": _followups,
    "low_stock": _low_stock,
    "contacts": _contacts,
}
