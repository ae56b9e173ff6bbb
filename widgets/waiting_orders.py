"""The orders waiting to ship (paid, not shipped) on a page, narrowed by channel, community
and day, with their pick list and packing slips as one PDF to download and print; the
download line says the file holds customers' contact details (its making is logged)."""

from __future__ import annotations

import base64
import html

import ipywidgets as ipw

from salesops.messages import add

from .common import MessageArea, guard, hook, label, local_time
from .tables import RowPager, cell, fit

add(
    {
        "en": {
            "waiting.channel": "Channel",
            "waiting.community": "Community",
            "waiting.any": "(any)",
            "waiting.since": "From",
            "waiting.until": "To",
            "waiting.size": "Print on",
            "waiting.a4": "A4 (two a page)",
            "waiting.label": "100×150 labels",
            "waiting.show": "Show",
            "waiting.pdf": "Pick list and packing slips (PDF)",
            "waiting.count": "{count} orders waiting to ship.",
            "waiting.none": "No paid orders are waiting to ship.",
            "waiting.ready": "{count} orders in the PDF: {name}",
            "waiting.download": "Download {name}",
            "waiting.contact": "The PDF holds the buyers' full mobile numbers and addresses "
            "for the courier: print it for packing, do not forward it, delete it once the "
            "parcels are out. Making it was written in the change log.",
            "waiting.col.order": "Order",
            "waiting.col.when": "Placed",
            "waiting.col.buyer": "Buyer",
            "waiting.col.ship_to": "Ship to",
            "waiting.col.items": "Items",
        },
        "zh_CN": {
            "waiting.channel": "渠道",
            "waiting.community": "社群",
            "waiting.any": "（全部）",
            "waiting.since": "起始日",
            "waiting.until": "截止日",
            "waiting.size": "纸张",
            "waiting.a4": "A4（每页两张）",
            "waiting.label": "100×150 热敏面单",
            "waiting.show": "查看",
            "waiting.pdf": "拣货单和发货单（PDF）",
            "waiting.count": "待发货订单 {count} 单。",
            "waiting.none": "没有待发货的已付款订单。",
            "waiting.ready": "PDF 含 {count} 单：{name}",
            "waiting.download": "下载 {name}",
            "waiting.contact": "此 PDF 含买家的完整手机号和收货地址（供快递使用）：仅用于打印发货，"
            "请勿转发，发货后请删除。生成记录已写入修改记录。",
            "waiting.col.order": "订单",
            "waiting.col.when": "下单时间",
            "waiting.col.buyer": "买家",
            "waiting.col.ship_to": "收货地址",
            "waiting.col.items": "商品",
        },
    }
)
FORM = "waiting"


class WaitingOrders(ipw.VBox):
    """Filters, the waiting orders as a table, and the PDF of their slips.

    Data functions: `waiting(channel=, community=, since=, until=)` (rows with order_no,
    ordered_at, customer_name, ship_to, items), `slips(size, **filters)` -> (name, bytes,
    count); `channels` and `communities` are [{id, name}] to filter by. Hooks:
    so-waiting-channel, -community, -since, -until, -size, -show, -pdf, -table,
    -download (the link), -message.
    """

    @classmethod
    def for_page(cls, data, **kwargs) -> WaitingOrders:
        """The list wired to a salesops.web.pagedata.PageData."""
        return cls(
            waiting=data.waiting_orders,
            slips=data.packing_slips,
            channels=data.channels(),
            communities=data.community_choices(),
            **kwargs,
        )

    def __init__(self, *, waiting, slips, channels, communities, **kwargs):
        self._waiting, self._slips = waiting, slips
        self.message = MessageArea(FORM)
        any_ = [(label("waiting.any"), 0)]  # 0, not None: a Dropdown shows None as a blank
        self.channel = self._pick("channel", any_ + [(c["name"], c["id"]) for c in channels])
        self.community = self._pick("community", any_ + [(c["name"], c["id"]) for c in communities])
        self.since = self._day("since")
        self.until = self._day("until")
        self.size = hook(
            ipw.ToggleButtons(
                options=[(label("waiting.a4"), "a4"), (label("waiting.label"), "label")],
                description=label("waiting.size"),
            ),
            FORM,
            "size",
        )
        self.show_button = hook(
            ipw.Button(description=label("waiting.show"), icon="list"), FORM, "show"
        )
        self.pdf = hook(
            ipw.Button(description=label("waiting.pdf"), icon="print", button_style="primary"),
            FORM,
            "pdf",
        )
        self.pdf.layout.width = "auto"
        self.download = hook(ipw.HTML(""), FORM, "download")
        self.table = hook(ipw.HTML(""), FORM, "table")
        self.pager = RowPager(self.table, FORM)  # 20 orders at a time
        self.show_button.on_click(guard(lambda _b: self.refresh(), self.message))
        self.pdf.on_click(guard(self._on_pdf, self.message))
        buttons = ipw.HBox([self.show_button, self.pdf], layout=ipw.Layout(flex_flow="row wrap"))
        filters = [self.channel, self.community, self.since, self.until, self.size]
        rest = [buttons, self.message, self.download, self.table, self.pager.more]
        super().__init__([*filters, *rest], **kwargs)
        self.add_class("so-waiting")

    @staticmethod
    def _pick(field: str, options) -> ipw.Dropdown:
        """A filter dropdown, '(any)' first."""
        box = ipw.Dropdown(options=options, value=0, description=label(f"waiting.{field}"))
        box.style.description_width = "110px"
        return fit(hook(box, FORM, field), "420px")

    @staticmethod
    def _day(field: str) -> ipw.DatePicker:
        """A business-day filter (empty: no bound)."""
        box = ipw.DatePicker(description=label(f"waiting.{field}"))
        box.style.description_width = "110px"
        return fit(hook(box, FORM, field), "300px")

    def filters(self) -> dict:
        """The chosen filters, as the services take them."""
        return {
            "channel": self.channel.value or None,
            "community": self.community.value or None,
            "since": self.since.value,
            "until": self.until.value,
        }

    def refresh(self) -> None:
        """List the waiting orders for the chosen filters."""
        self.download.value = ""
        rows = self._waiting(**self.filters())
        cols = ("order", "when", "buyer", "ship_to", "items")
        heads = [(label(f"waiting.col.{c}"), "") for c in cols]
        body = [
            (
                "",
                [
                    cell(r["order_no"]),
                    cell(local_time(r["ordered_at"])),
                    cell(r["customer_name"]),
                    cell(r["ship_to"]),
                    cell(r["items"]),
                ],
            )
            for r in rows
        ]
        self.pager.show(heads, body, "so-waiting-orders", label("waiting.none"))
        self.message.success(label("waiting.count", count=len(rows)) if rows else "")

    def _on_pdf(self, _button=None) -> None:
        """Make the PDF for the chosen filters and offer it as a download link."""
        self.download.value = ""
        name, data, count = self._slips(self.size.value, **self.filters())
        payload = base64.b64encode(data).decode("ascii")
        self.download.value = (
            f'<a class="so-waiting-download-link" download="{html.escape(name)}" '
            f'href="data:application/pdf;base64,{payload}" style="display:inline-block;'
            f"padding:6px 14px;background:#2e7d32;color:#fff;border-radius:3px;"
            f'text-decoration:none">⬇ {html.escape(label("waiting.download", name=name))}</a>'
            f'<div class="so-waiting-contact">{html.escape(label("waiting.contact"))}</div>'
        )
        self.message.success(label("waiting.ready", count=count, name=name))
