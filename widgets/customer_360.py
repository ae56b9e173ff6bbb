"""Everything about one customer at a glance; the customer shown is `value`."""

from __future__ import annotations

from html import escape

import ipywidgets as ipw
import traitlets

from salesops import messages

from .change_list import ChangeList
from .common import MessageArea, guard, hook, label, local_time, money
from .mobile_reveal import MobileReveal, tel_html

FORM = "c360"

messages.add(
    {
        "en": {
            "c360.empty": "Choose a customer to see their history.",
            "c360.code": "Code",
            "c360.mobile": "Mobile",
            "c360.wechat": "WeChat ID",
            "c360.region": "Region",
            "c360.channel": "Channel",
            "c360.referrer": "Referred by",
            "c360.parent": "Parent agent",
            "c360.agent": "Agent",
            "c360.tags": "Tags",
            "c360.notes": "Notes",
            "c360.since": "Customer since",
            "c360.revenue": "Lifetime revenue",
            "c360.orders": "Orders",
            "c360.aov": "AOV",
            "c360.first": "First order",
            "c360.last": "Last order",
            "c360.margin": "Gross margin",
            "c360.tab_orders": "Orders ({count})",
            "c360.tab_followups": "Follow-ups ({count})",
            "c360.tab_referrals": "Referrals ({count})",
            "c360.tab_history": "Change history",
            "c360.none": "None yet.",
            "c360.col.order_no": "Order",
            "c360.col.ordered_at": "Placed",
            "c360.col.status": "Status",
            "c360.col.channel": "Channel",
            "c360.col.lines": "Lines",
            "c360.col.total": "Total",
            "c360.col.shipment": "Shipped with",
            "c360.col.due": "Due",
            "c360.col.done": "Done",
            "c360.col.staff": "Staff",
            "c360.col.kind": "How",
            "c360.col.note": "Note / outcome",
            "c360.col.customer": "Customer",
            "c360.col.joined": "Joined",
            "c360.col.orders": "Orders",
            "c360.col.revenue": "Revenue",
            "c360.yes": "yes",
            "c360.no": "no",
            "order.status.new": "new",
            "order.status.paid": "paid",
            "order.status.shipped": "shipped",
            "order.status.completed": "completed",
            "order.status.cancelled": "cancelled",
            "order.status.refunded": "refunded",
            "followup.kind.call": "call",
            "followup.kind.wechat": "WeChat",
            "followup.kind.visit": "visit",
            "followup.kind.message": "message",
            "followup.kind.other": "other",
        },
        "zh_CN": {
            "c360.empty": "选择一位客户，查看其全部记录。",
            "c360.code": "编号",
            "c360.mobile": "手机号",
            "c360.wechat": "微信号",
            "c360.region": "地区",
            "c360.channel": "来源渠道",
            "c360.referrer": "介绍人",
            "c360.parent": "上级代理",
            "c360.agent": "代理",
            "c360.tags": "标签",
            "c360.notes": "备注",
            "c360.since": "建档时间",
            "c360.revenue": "累计消费",
            "c360.orders": "订单数",
            "c360.aov": "客单价",
            "c360.first": "首次下单",
            "c360.last": "最近下单",
            "c360.margin": "毛利率",
            "c360.tab_orders": "订单（{count}）",
            "c360.tab_followups": "跟进（{count}）",
            "c360.tab_referrals": "转介绍（{count}）",
            "c360.tab_history": "修改记录",
            "c360.none": "暂无。",
            "c360.col.order_no": "订单号",
            "c360.col.ordered_at": "下单时间",
            "c360.col.status": "状态",
            "c360.col.channel": "渠道",
            "c360.col.lines": "行数",
            "c360.col.total": "金额",
            "c360.col.shipment": "快递",
            "c360.col.due": "计划时间",
            "c360.col.done": "完成时间",
            "c360.col.staff": "跟进人",
            "c360.col.kind": "方式",
            "c360.col.note": "内容 / 结果",
            "c360.col.customer": "客户",
            "c360.col.joined": "建档时间",
            "c360.col.orders": "订单数",
            "c360.col.revenue": "消费额",
            "c360.yes": "是",
            "c360.no": "否",
            "order.status.new": "新建",
            "order.status.paid": "已付款",
            "order.status.shipped": "已发货",
            "order.status.completed": "已完成",
            "order.status.cancelled": "已取消",
            "order.status.refunded": "已退款",
            "followup.kind.call": "电话",
            "followup.kind.wechat": "微信",
            "followup.kind.visit": "拜访",
            "followup.kind.message": "短信",
            "followup.kind.other": "其他",
        },
    }
)


def table(columns: list[str], rows: list[list[str]], numeric=()) -> str:
    """An HTML table of already-escaped cells; `numeric` columns are right-aligned."""
    if not rows:
        return f"<p class='so-empty'>{escape(label('c360.none'))}</p>"
    head = "".join(
        f"<th style='text-align:{'right' if i in numeric else 'left'}'>{escape(c)}</th>"
        for i, c in enumerate(columns)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td style='text-align:{'right' if i in numeric else 'left'}'>{cell}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table class='so-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def percent(ratio) -> str:
    """A ratio as a percentage with one decimal (blank when unknown)."""
    return "" if ratio is None else f"{ratio * 100:.1f}%"


class Customer360(ipw.VBox):
    """Profile, lifetime numbers, orders, follow-ups and referrals of customer `value`.

    `load(id)` returns {profile, totals, orders, followups, referrals} (one snapshot) or
    None. Set `value` to show a customer; bump `stamp` (or call `refresh()`) to re-read.
    With `history(id, after=)` (PageData.customer_history; pass it to managers only) a
    fourth tab lists the changes to the customer, its orders and follow-ups, read when the
    tab is opened. With `reveal(id)` (PageData.reveal_mobile) a masked mobile (staff) has
    a "show" button (so-c360-show-mobile) that puts the whole number in its place, logged.
    Hooks: so-c360-profile, so-c360-totals, so-c360-orders, so-c360-followups,
    so-c360-referrals, so-c360-message, and so-c360-history-changes, -count, -more in the
    history tab.
    """

    value = traitlets.Int(None, allow_none=True)
    stamp = traitlets.Int(0)

    @classmethod
    def for_page(cls, data, **kwargs) -> Customer360:
        """The view wired to a salesops.web.pagedata.PageData; the "Change history" tab for
        those who may read the change log (managers, admins)."""
        history = data.customer_history if data.actor.can("audit.view") else None
        return cls(data.customer_360, history=history, reveal=data.reveal_mobile, **kwargs)

    def __init__(self, load, history=None, reveal=None, **kwargs):
        self._load, self._history = load, history
        self._profile: dict | None = None
        self.profile = hook(ipw.HTML(), FORM, "profile")
        self.reveal = MobileReveal(reveal or (lambda _id: ""), FORM)
        self.reveal.layout.display = "" if reveal else "none"
        self.reveal.observe(self._on_revealed, names="shown")
        self.totals = hook(ipw.HTML(), FORM, "totals")
        self.orders = hook(ipw.HTML(), FORM, "orders")
        self.followups = hook(ipw.HTML(), FORM, "followups")
        self.referrals = hook(ipw.HTML(), FORM, "referrals")
        self.tabs = ipw.Tab(children=[self.orders, self.followups, self.referrals])
        self.message = MessageArea(FORM)
        self.history = None
        if history is not None:
            self.history = ChangeList(f"{FORM}-history", message=self.message)
            self.tabs.children = [*self.tabs.children, self.history]
            self.tabs.observe(self._on_tab, names="selected_index")
        self.observe(self._on_value, names=["value", "stamp"])
        parts = [self.profile, self.reveal, self.totals, self.tabs, self.message]
        super().__init__(children=parts, **kwargs)
        self.add_class("so-c360")
        self._show(None)

    def _on_value(self, change):
        """A customer was chosen (or saved): show their current numbers."""
        self.refresh()

    def refresh(self) -> None:
        """Read the customer again and show everything."""
        self.message.clear()
        guard(lambda: self._show(self._load(self.value) if self.value else None), self.message)()

    def _show(self, data: dict | None) -> None:
        """Render the whole view (a hint when nobody is chosen)."""
        self.tabs.layout.display = "none" if data is None else ""
        self._profile = data["profile"] if data else None
        self.reveal.customer_id = self.value if data else None
        self.reveal.masked = (data["profile"]["mobile"] or "") if data else ""
        if data is None:
            self.profile.value = f"<p class='so-empty'>{escape(label('c360.empty'))}</p>"
            self.totals.value = ""
            return
        shown = self.reveal.shown  # a number shown in full stays so when the view is read again
        profile = {**data["profile"], "mobile": shown} if shown else data["profile"]
        self.profile.value = self._profile_html(profile)
        self.totals.value = self._totals_html(data["totals"])
        self.orders.value = self._orders_html(data["orders"])
        self.followups.value = self._followups_html(data["followups"])
        self.referrals.value = self._referrals_html(data["referrals"])
        self.tabs.titles = [
            label("c360.tab_orders", count=len(data["orders"])),
            label("c360.tab_followups", count=len(data["followups"])),
            label("c360.tab_referrals", count=len(data["referrals"])),
            *([label("c360.tab_history")] if self.history else []),
        ]
        if self.history is not None:
            self._on_tab()

    def _on_revealed(self, change) -> None:
        """The whole number was asked for: show it in the profile in place of the mask."""
        if change["new"] and self._profile is not None:
            self.profile.value = self._profile_html({**self._profile, "mobile": change["new"]})

    def _on_tab(self, _change=None) -> None:
        """Read the customer's change history when its tab is the one open."""
        if self.tabs.selected_index == 3 and self.value:
            guard(
                lambda: self.history.show(lambda after: self._history(self.value, after=after)),
                self.message,
            )()
        else:
            self.history.clear()  # read afresh the next time the tab opens

    @staticmethod
    def _profile_html(p: dict) -> str:
        """Who the customer is: contacts, source, chain, tags, notes."""
        agent = label("c360.yes") if p["is_agent"] else label("c360.no")
        pairs = [
            ("c360.code", p["code"]),
            ("c360.mobile", p["mobile"]),
            ("c360.wechat", p["wechat_id"]),
            ("c360.region", p["region"]),
            ("c360.channel", p["channel_name"]),
            ("c360.referrer", p["referrer_name"]),
            ("c360.agent", agent),
            ("c360.parent", p["parent_agent_name"]),
            ("c360.tags", p["tags"]),
            ("c360.since", local_time(p["created_at"], False)),
            ("c360.notes", p["notes"]),
        ]
        shown = {
            k: tel_html(v) if k == "c360.mobile" else escape(str(v)) if v not in (None, "") else "—"
            for k, v in pairs
        }
        cells = "".join(
            f"<div class='so-kv'><span class='so-k'>{escape(label(k))}</span>"
            f"<span class='so-v'>{shown[k]}</span></div>"
            for k, _v in pairs
        )
        return f"<h3>{escape(p['name'])}</h3><div class='so-profile'>{cells}</div>"

    @staticmethod
    def _totals_html(t: dict) -> str:
        """Lifetime revenue, orders, AOV, first/last order, gross margin (when given) as
        number tiles."""
        tiles = [
            ("c360.revenue", money(t["revenue"])),
            ("c360.orders", str(t["orders"])),
            ("c360.aov", money(t["aov"]) or "—"),
            ("c360.first", local_time(t["first_order_at"], False) or "—"),
            ("c360.last", local_time(t["last_order_at"], False) or "—"),
        ]
        if "gross_margin" in t:  # only those who may see costs get it
            tiles.append(("c360.margin", percent(t["gross_margin"]) or "—"))
        return (
            "<div class='so-numbers'>"
            + "".join(
                f"<div class='so-number'><div class='so-number-value'>{escape(v)}</div>"
                f"<div class='so-number-label'>{escape(label(k))}</div></div>"
                for k, v in tiles
            )
            + "</div>"
        )

    @staticmethod
    def _orders_html(rows: list[dict]) -> str:
        """The customer's orders, newest first."""
        cols = ["order_no", "ordered_at", "status", "channel", "lines", "total", "shipment"]
        body = [
            [
                escape(r["order_no"]),
                local_time(r["ordered_at"]),
                escape(label(f"order.status.{r['status']}")),
                escape(r["channel_name"]),
                str(r["lines"]),
                money(r["total"]),
                _shipment(r),
            ]
            for r in rows
        ]
        return table([label(f"c360.col.{c}") for c in cols], body, numeric=(4, 5))

    @staticmethod
    def _followups_html(rows: list[dict]) -> str:
        """Planned and done contacts, newest first."""
        cols = ["due", "done", "staff", "kind", "note"]
        body = [
            [
                local_time(r["due_at"]),
                local_time(r["done_at"]),
                escape(r["staff"]),
                escape(label(f"followup.kind.{r['kind']}")),
                escape(" / ".join(x for x in (r["note"], r["outcome"]) if x)),
            ]
            for r in rows
        ]
        return table([label(f"c360.col.{c}") for c in cols], body)

    @staticmethod
    def _referrals_html(rows: list[dict]) -> str:
        """Customers this one brought in and what they bought."""
        cols = ["customer", "joined", "orders", "revenue"]
        body = [
            [
                escape(f"{r['code']} {r['name']}"),
                local_time(r["created_at"], False),
                str(r["orders"]),
                money(r["revenue"]),
            ]
            for r in rows
        ]
        return table([label(f"c360.col.{c}") for c in cols], body, numeric=(2, 3))


def _shipment(order: dict) -> str:
    """The courier and tracking number an order went with (so-c360-tracking), and the city
    and recipient it went to."""
    courier, number = order.get("courier_name") or "", order.get("tracking_no") or ""
    where = " ".join(filter(None, [order.get("ship_city"), order.get("ship_recipient")]))
    out = escape(courier)
    if number:
        out += f" <span class='so-c360-tracking'>{escape(number)}</span>"
    if where:
        out += f"<br><span style='color:#888'>{escape(where)}</span>"
    return out
