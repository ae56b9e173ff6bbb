"""The change log page for managers: who changed what, when, with old and new values.

`AuditViewer` filters the audit log by record (a kind of record, then a customer picked
by search, an order number, or another record's number), by person and by business day
(first and last day, in the business zone), and lists the changes newest first, a page at
a time (widgets.change_list). Looks at personal data (a staff member shown a customer's
mobile, contact details put in a file) are offered as kinds of their own, with the
customer picker. It takes data functions (PageData.audit_changes,
audit_people, search, find_orders and the page's actor), never a database. Staff are
told in plain words that the page is for managers, and nothing is read; the data layer
refuses them too (audit.view).
"""

from __future__ import annotations

import html

import ipywidgets as ipw

from salesops import messages
from salesops.config import business_zone
from salesops.errors import SalesopsError, ValidationError

from .change_list import ChangeList, kind_label
from .common import MessageArea, guard, hook, label, styled
from .customer_picker import CustomerPicker

FORM = "audit"
ACCESS = "access:"  # the kind dropdown's value for an access action (access:show_mobile)
PAGE_SIZE = 50

messages.add(
    {
        "en": {
            "audit.title": "Change log",
            "audit.kind": "Record",
            "audit.any_kind": "any kind of record",
            "audit.access.show_mobile": "customers: mobile shown (看了手机号)",
            "audit.access.export": "customers: contact details put in a file",
            "audit.access.export_data": "customers: personal data handed over",
            "audit.customer": "Customer",
            "audit.order_no": "Order no.",
            "audit.row_no": "Record no.",
            "audit.number_hint": "empty: every one",
            "audit.person": "Person",
            "audit.everyone": "everyone",
            "audit.first_day": "First day",
            "audit.last_day": "Last day",
            "audit.days": "Days",
            "audit.zone": "Days and times are in {zone}.",
            "audit.refresh": "Refresh",
            "audit.no_order": "{field}: no order numbered {value!r}",
            "audit.several_orders": "{field}: {count} orders end with {value!r}; type more "
            "of the number",
            "audit.managers_only": "This page is for managers. {who} is signed in as {role} "
            "and may not see the change log; ask a manager or the administrator.",
        },
        "zh_CN": {
            "audit.title": "修改记录",
            "audit.kind": "记录类型",
            "audit.any_kind": "全部类型",
            "audit.access.show_mobile": "客户：看了手机号",
            "audit.access.export": "客户：联系方式导出到文件",
            "audit.access.export_data": "客户：导出个人信息副本",
            "audit.customer": "客户",
            "audit.order_no": "订单号",
            "audit.row_no": "记录编号",
            "audit.number_hint": "留空：全部",
            "audit.person": "操作人",
            "audit.everyone": "所有人",
            "audit.first_day": "开始日期",
            "audit.last_day": "结束日期",
            "audit.days": "日期",
            "audit.zone": "日期和时间均按 {zone} 时间。",
            "audit.refresh": "刷新",
            "audit.no_order": "{field}：找不到订单 {value!r}",
            "audit.several_orders": "{field}：有 {count} 个订单号以 {value!r} 结尾，请多输入几位",
            "audit.managers_only": "此页面仅供经理使用。{who} 的身份是 {role}，"
            "不能查看修改记录；请联系经理或管理员。",
        },
    }
)


class AuditViewer(ipw.VBox):
    """Filters (record, person, days) over a ChangeList of the matching changes.

    `changes(**filters)` returns a salesops.audit.ChangePage (filters: table, row_id,
    person, first_day, last_day, after, limit); `people()` the names to filter by;
    `search(text, limit=)` customers for the picker; `find_orders(text)` orders by number;
    `actor()` who is looking; `kinds` the tables the log records (offered as kinds of
    record); `actions` the access actions offered after them (customers' records of that
    action only). Hooks: so-audit-kind, so-audit-customer (the picker's search
    box), so-audit-number, so-audit-person, so-audit-first-day, so-audit-last-day,
    so-audit-refresh, so-audit-changes, so-audit-count, so-audit-more, so-audit-message.
    """

    def __init__(
        self,
        *,
        changes,
        people,
        search,
        find_orders,
        actor,
        kinds: tuple[str, ...],
        actions: tuple[str, ...] = (),
        page_size: int = PAGE_SIZE,
        **kwargs,
    ):
        self._changes, self._people, self._find_orders = changes, people, find_orders
        self._kinds = tuple(kinds)
        self._actions = tuple(actions)
        self._page_size = page_size
        self.message = MessageArea(FORM)
        super().__init__(children=[self.message], **kwargs)
        self.add_class("so-audit-page")
        who = guard(actor, self.message)()
        if who is None:
            return  # a disabled or unknown account: the message says so
        if not who.can("audit.view"):
            self.message.error(label("audit.managers_only", who=who.name, role=who.role))
            return
        self._build(search)
        self.children = [self._filters(), self.list, self.message]
        self.refresh()

    @classmethod
    def for_page(cls, data, **kwargs) -> AuditViewer:
        """The viewer wired to a salesops.web.pagedata.PageData (what the page notebook does)."""
        return cls(
            changes=data.audit_changes,
            people=data.audit_people,
            search=data.search,
            find_orders=data.find_orders,
            actor=lambda: data.actor,
            kinds=data.record_kinds(),
            actions=data.access_actions(),
            **kwargs,
        )

    def _build(self, search) -> None:
        """The filter inputs and the change list."""
        kinds = [(label("audit.any_kind"), ""), *((kind_label(k), k) for k in self._kinds)]
        kinds += [(label(f"audit.access.{a}"), f"{ACCESS}{a}") for a in self._actions]
        self.kind = styled(
            ipw.Dropdown(options=kinds, value="", description=label("audit.kind")),
            FORM,
            "kind",
            width="320px",
        )
        self.picker = CustomerPicker(
            search, description=label("audit.customer"), form=FORM, field="customer", rows=5
        )
        self.number = styled(
            ipw.Text(
                description=label("audit.row_no"),
                placeholder=label("audit.number_hint"),
                continuous_update=False,
            ),
            FORM,
            "number",
            width="320px",
        )
        self.person = styled(
            ipw.Dropdown(description=label("audit.person")), FORM, "person", width="320px"
        )
        self.first_day = styled(
            ipw.DatePicker(description=label("audit.first_day")), FORM, "first-day", width="260px"
        )
        self.last_day = styled(
            ipw.DatePicker(description=label("audit.last_day")), FORM, "last-day", width="260px"
        )
        self.refresh_button = hook(
            ipw.Button(
                description=label("audit.refresh"), icon="refresh", layout=ipw.Layout(width="auto")
            ),
            FORM,
            "refresh",
        )
        self.list = ChangeList(FORM, message=self.message)
        for widget in (
            self.kind,
            self.number,
            self.person,
            self.first_day,
            self.last_day,
            self.picker,
        ):
            widget.observe(self._on_filter, names="value")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self._show_record_inputs()

    def _filters(self) -> ipw.VBox:
        """The filters laid out: record, person, days, with the zone the days are in."""
        zone = ipw.HTML(
            f"<span class='so-changes-count'>"
            f"{html.escape(label('audit.zone', zone=str(business_zone())))}</span>"
        )
        box = ipw.VBox(
            [
                self.kind,
                self.picker,
                self.number,
                self.person,
                ipw.HBox([self.first_day, self.last_day, self.refresh_button]),
                zone,
            ]
        )
        box.add_class("so-audit-filters")
        return box

    def refresh(self) -> None:
        """Read the people again and list the changes for the filters now set."""
        people = guard(self._people, self.message)()
        if people is None:
            return
        current = self.person.value if self.person.options else ""
        self.person.unobserve(self._on_filter, names="value")
        self.person.options = [(label("audit.everyone"), ""), *((p, p) for p in people)]
        self.person.value = current if current in people else ""
        self.person.observe(self._on_filter, names="value")
        self._list()

    def _on_filter(self, change) -> None:
        """A filter changed: list the changes again from the newest."""
        if change["owner"] is self.kind:
            self._show_record_inputs()
        self._list()

    def _show_record_inputs(self) -> None:
        """The picker for customers, a number box for other kinds, neither for any kind."""
        kind, _action = self._kind()
        self.picker.layout.display = "" if kind == "customers" else "none"
        self.number.layout.display = "" if kind not in ("", "customers") else "none"
        self.number.description = label("audit.order_no" if kind == "orders" else "audit.row_no")

    def _list(self) -> None:
        """List the first page of changes; a person-made error is shown in plain words."""
        self.message.clear()
        guard(self._list_changes, self.message)()

    def _list_changes(self) -> None:
        """Resolve the record and show the changes matching every filter."""
        try:
            filters = self._filter_values()
            self.list.show(
                lambda after: self._changes(after=after, limit=self._page_size, **filters)
            )
        except ValidationError as e:
            self.list.clear()
            self.message.error(self._relabel(e))

    def _filter_values(self) -> dict:
        """The filters for salesops.audit.changes, the record resolved to its id."""
        table, action = self._kind()
        return {
            "table": table,
            "row_id": self._row_id(table),
            "action": action,
            "person": self.person.value or None,
            "first_day": self.first_day.value,
            "last_day": self.last_day.value,
        }

    def _kind(self) -> tuple[str | None, str | None]:
        """The table and action chosen: an access action is one of customers' records."""
        value = self.kind.value or ""
        if value.startswith(ACCESS):
            return "customers", value[len(ACCESS) :]
        return value or None, None

    def _row_id(self, table: str | None):
        """The record's id: the picked customer, the order with the typed number, or the
        typed record number (checked by the data layer)."""
        if table == "customers":
            return self.picker.value
        text = self.number.value.strip() if table else ""
        if table == "orders" and text:
            return self._order_id(text)
        return text or None

    def _order_id(self, text: str) -> int:
        """The id of the order numbered `text` (or the only one ending with it)."""
        rows = self._find_orders(text)
        exact = [r for r in rows if r["order_no"].upper() == text.upper()]
        if exact or len(rows) == 1:
            return (exact or rows)[0]["id"]
        key = "audit.several_orders" if rows else "audit.no_order"
        raise ValidationError.one(key, label("audit.order_no"), text, count=len(rows))

    @staticmethod
    def _relabel(error: SalesopsError) -> str:
        """The message with the data layer's field names as the page's labels."""
        text = str(error)
        for name, key in (
            ("days", "audit.days"),
            ("record", "audit.row_no"),
            ("kind", "audit.kind"),
        ):
            for colon in (": ", "："):
                if text.startswith(name + colon):
                    return label(key) + colon + text[len(name) + len(colon) :]
        return text
