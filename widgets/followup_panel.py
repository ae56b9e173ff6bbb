"""Follow-ups due today and overdue; log a contact, plan the next; the customer's history."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, time

import ipywidgets as ipw
import traitlets

from salesops.config import business_zone
from salesops.errors import Problem, ValidationError
from salesops.messages import add

from .common import FieldErrors, MessageArea, guard, hook, label, local_time, money, styled
from .customer_picker import CustomerPicker
from .mobile_reveal import MobileReveal, tel_html
from .order_status import status_label

add(
    {
        "en": {
            "followups.title": "Follow-ups",
            "fu.due": "Due today and overdue",
            "fu.everyone": "Everyone's",
            "fu.nothing_due": "Nothing due. Pick a customer below to log a contact.",
            "fu.other": "Or log a contact with any customer:",
            "fu.overdue": "overdue",
            "fu.choose": "Pick a follow-up or a customer.",
            "fu.plan": "Planned: {kind} {when} — {note}",
            "fu.kind": "How",
            "fu.note": "What happened",
            "fu.next_date": "Next on",
            "fu.next_kind": "Next how",
            "fu.next_note": "Next: what for",
            "fu.save": "Log contact",
            "fu.logged": "Contact with {name} logged.",
            "fu.logged_next": "Contact with {name} logged; next follow-up on {day} ({kind}).",
            "fu.past": "{field}: {value} is in the past",
            "fu.history": "Recent history",
            "fu.planned": "planned",
            "fu.done": "done",
            "fu.orders": "Recent orders",
            "fu.no_history": "No contacts yet.",
            "fu.kind.call": "call",
            "fu.kind.wechat": "WeChat",
            "fu.kind.visit": "visit",
            "fu.kind.message": "message",
            "fu.kind.other": "other",
        },
        "zh_CN": {
            "followups.title": "跟进",
            "fu.due": "今天到期和已逾期的跟进",
            "fu.everyone": "所有人的",
            "fu.nothing_due": "没有到期的跟进。可以在下面选择客户记录联系。",
            "fu.other": "或记录与任一客户的联系：",
            "fu.overdue": "已逾期",
            "fu.choose": "请选择一条跟进或一位客户。",
            "fu.plan": "计划：{kind} {when} — {note}",
            "fu.kind": "方式",
            "fu.note": "联系结果",
            "fu.next_date": "下次日期",
            "fu.next_kind": "下次方式",
            "fu.next_note": "下次事项",
            "fu.save": "记录联系",
            "fu.logged": "已记录与 {name} 的联系。",
            "fu.logged_next": "已记录与 {name} 的联系；下次跟进：{day}（{kind}）。",
            "fu.past": "{field}：{value} 已经过去",
            "fu.history": "最近记录",
            "fu.planned": "计划",
            "fu.done": "已联系",
            "fu.orders": "最近订单",
            "fu.no_history": "还没有联系记录。",
            "fu.kind.call": "电话",
            "fu.kind.wechat": "微信",
            "fu.kind.visit": "拜访",
            "fu.kind.message": "短信",
            "fu.kind.other": "其他",
        },
    }
)
NEXT_HOUR = time(10, 0)  # a next follow-up planned for a day falls due at 10:00 local time
STYLE = """<style>
.so-followup-history td { white-space: nowrap; }
.so-followup-history td.so-wrap { white-space: normal; }
.so-followup-customer .so-plan { color: #555; }
</style>"""
HISTORY_ROWS = 8
# The follow-up service's field names, as this form shows them.
ALIASES = {"outcome": "note", "next_due_at": "next_date"}
ORDER_ROWS = 5


def kind_label(kind: str) -> str:
    """A follow-up kind in the page language."""
    return label(f"fu.kind.{kind}")


class FollowupPanel(ipw.VBox):
    """My follow-ups due by tonight (everyone's for managers who ask), a form to log a
    contact and plan the next, and the chosen customer's recent history beside it.

    Data functions: `due(everyone=)`, `search(text)`, `customer(id)`, `followups(id)`,
    `customer_orders(id)`, `log_contact(customer_id, **details)`; `kinds` the kinds of
    contact the service accepts. `can_see_all` offers the everyone's switch.
    `customer_id` and `followup_id` follow what is being worked on.
    """

    customer_id = traitlets.Int(None, allow_none=True)
    followup_id = traitlets.Int(None, allow_none=True)

    def __init__(
        self,
        *,
        due,
        search,
        customer,
        followups,
        customer_orders,
        log_contact,
        kinds: tuple[str, ...],
        can_see_all: bool,
        reveal=None,
        **kwargs,
    ):
        self._kinds = tuple(kinds)
        # staff see the customer's mobile masked; "show" gives it for the call (logged)
        self.reveal = MobileReveal(reveal or (lambda _id: ""), "followup")
        self.reveal.layout.display = "" if reveal else "none"
        self.reveal.observe(lambda _c: self._on_customer(), names="shown")
        self._due, self._customer, self._followups = due, customer, followups
        self._orders, self._log = customer_orders, log_contact
        self._rows: dict[int, dict] = {}
        self.message = MessageArea("followup")
        self.everyone = hook(
            ipw.Checkbox(False, description=label("fu.everyone"), indent=False),
            "followup",
            "everyone",
        )
        self.everyone.layout.display = "" if can_see_all else "none"
        self.due_list = hook(ipw.Select(options=[], rows=10), "followup", "due")
        self.due_list.layout.width = "95%"
        self.nothing = hook(ipw.HTML(""), "followup", "nothing-due")
        self.picker = CustomerPicker(search, form="followup", field="customer-search")
        self._build_form()
        self.history = hook(ipw.HTML(""), "followup", "history")
        self.everyone.observe(guard(self.refresh, self.message), names="value")
        self.due_list.observe(guard(self._on_pick_due, self.message), names="value")
        self.picker.observe(guard(self._on_pick_customer, self.message), names="value")
        self.save.on_click(
            guard(self._on_save, self.message, self.errors, on_reload=self.refresh, aliases=ALIASES)
        )
        super().__init__(self._layout(), **kwargs)
        self.add_class("so-followup-panel")
        self.refresh()

    @classmethod
    def for_page(cls, data, **kwargs) -> FollowupPanel:
        """The panel wired to a salesops.web.pagedata.PageData (what the page notebook does)."""
        return cls(
            due=data.followups_due,
            search=data.search,
            customer=data.customer,
            followups=data.customer_followups,
            customer_orders=data.customer_orders,
            log_contact=data.log_contact,
            kinds=data.followup_kinds(),
            can_see_all=data.actor.can("followups.all"),
            reveal=data.reveal_mobile,
            **kwargs,
        )

    def _build_form(self) -> None:
        """The log form: kind, what happened, and the next contact's day, kind and note."""
        kinds = [(kind_label(k), k) for k in self._kinds]
        self.chosen = hook(ipw.HTML(label("fu.choose")), "followup", "customer")
        self.kind = styled(
            ipw.Dropdown(options=kinds, value="wechat", description=label("fu.kind")),
            "followup",
            "kind",
        )
        self.note = styled(ipw.Textarea(description=label("fu.note"), rows=3), "followup", "note")
        self.next_date = styled(
            ipw.DatePicker(description=label("fu.next_date")),
            "followup",
            "next-date",
            width="300px",
        )
        self.next_kind = styled(
            ipw.Dropdown(options=kinds, value="wechat", description=label("fu.next_kind")),
            "followup",
            "next-kind",
            width="300px",
        )
        self.next_note = styled(
            ipw.Text(description=label("fu.next_note")), "followup", "next-note"
        )
        self.save = hook(
            ipw.Button(description=label("fu.save"), button_style="primary", icon="check"),
            "followup",
            "save",
        )
        self.errors = FieldErrors(
            "followup",
            {
                "customer": self.chosen,
                "kind": self.kind,
                "note": self.note,
                "next_date": self.next_date,
                "next_kind": self.next_kind,
                "next_note": self.next_note,
            },
        )

    def _layout(self) -> list[ipw.Widget]:
        """Two rows of two: what is due | any customer; the log form | their history."""
        row = self.errors.row
        half = {"width": "50%", "padding": "0 16px 0 0"}
        due = ipw.VBox(
            [ipw.HTML(f"<b>{label('fu.due')}</b>"), self.everyone, self.due_list, self.nothing],
            layout=ipw.Layout(**half),
        )
        other = ipw.VBox(
            [ipw.HTML(f"<b>{label('fu.other')}</b>"), self.picker], layout=ipw.Layout(**half)
        )
        form = ipw.VBox(
            [
                row("customer"),
                self.reveal,
                row("kind"),
                row("note"),
                row("next_date"),
                row("next_kind"),
                row("next_note"),
                self.save,
                self.message,
            ],
            layout=ipw.Layout(**half),
        )
        history = ipw.VBox(
            [ipw.HTML(f"<b>{label('fu.history')}</b>"), self.history], layout=ipw.Layout(**half)
        )
        lower = ipw.HBox([form, history])
        lower.add_class("so-section")
        return [ipw.HTML(STYLE, layout=ipw.Layout(display="none")), ipw.HBox([due, other]), lower]

    # -- what is due -------------------------------------------------------------------

    def refresh(self, _change=None) -> None:
        """Read the due list afresh (mine, or everyone's when asked and allowed)."""
        rows = self._due(everyone=self.everyone.value)
        self._rows = {r["id"]: r for r in rows}
        tonight = datetime.now(UTC)
        self.due_list.options = [(self._due_label(r, tonight), r["id"]) for r in rows]
        self.due_list.value = None
        self.due_list.layout.display = "" if rows else "none"
        self.nothing.value = "" if rows else html.escape(label("fu.nothing_due"))

    def _due_label(self, row: dict, now: datetime) -> str:
        """One due follow-up as a line of the list: when (overdue flagged), who, how, why."""
        today = now.astimezone(business_zone()).date()
        overdue = row["due_at"].astimezone(business_zone()).date() < today
        flag = f"⚠ {label('fu.overdue')} " if overdue else ""
        staff = f" [{row['staff']}]" if self.everyone.value else ""
        return (
            f"{flag}{local_time(row['due_at'])} {row['name']} "
            f"{kind_label(row['kind'])} {row['note'] or ''}{staff}"
        ).strip()

    def _on_pick_due(self, change):
        """Work on the picked follow-up: its customer, its plan."""
        if change["new"] is None:
            return
        self.followup_id = change["new"]
        self.customer_id = self._rows[change["new"]]["customer_id"]
        self.kind.value = self._rows[change["new"]]["kind"]
        self._on_customer()

    def _on_pick_customer(self, change):
        """Log an unplanned contact with the picked customer."""
        if change["new"] is None:
            return
        self.due_list.value = None
        self.followup_id = None
        self.customer_id = change["new"]
        self._on_customer()

    # -- the customer ------------------------------------------------------------------

    def _on_customer(self, _change=None):
        """Show who is being contacted, the plan being answered, and their history."""
        row = self._customer(self.customer_id) if self.customer_id is not None else None
        self.reveal.customer_id = row["id"] if row else None
        self.reveal.masked = (row["mobile"] or "") if row else ""
        if row is None:
            self.chosen.value, self.history.value = label("fu.choose"), ""
            return
        mobile = self.reveal.shown or row["mobile"]
        contacts = [html.escape(row["code"]), mobile and tel_html(mobile)]
        contacts.append(html.escape(row["wechat_id"] or ""))
        text = f"<b>{html.escape(row['name'])}</b> " + " · ".join(x for x in contacts if x)
        plan = self._rows.get(self.followup_id)
        if plan:
            text += (
                "<br><span class='so-plan'>"
                + html.escape(
                    label(
                        "fu.plan",
                        kind=kind_label(plan["kind"]),
                        when=local_time(plan["due_at"]),
                        note=plan["note"] or "",
                    )
                )
                + "</span>"
            )
        self.chosen.value = text
        self.history.value = self._history_html(self.customer_id)

    def _history_html(self, customer_id: int) -> str:
        """Recent follow-ups (planned and done) and orders of a customer, as HTML tables."""
        esc = html.escape
        contacts = "".join(
            f"<tr><td>{local_time(f['done_at'] or f['due_at'], with_time=False)}</td>"
            f"<td>{esc(label('fu.done') if f['done_at'] else label('fu.planned'))}</td>"
            f"<td>{esc(kind_label(f['kind']))}</td><td>{esc(f['staff'])}</td>"
            f"<td class='so-wrap'>{esc(' → '.join(x for x in (f['note'], f['outcome']) if x))}"
            "</td></tr>"
            for f in self._followups(customer_id)[:HISTORY_ROWS]
        )
        orders = "".join(
            f"<tr><td>{local_time(o['ordered_at'], with_time=False)}</td>"
            f"<td>{esc(o['order_no'])}</td>"
            f"<td>{esc(status_label(o['status']))}</td><td>{money(o['total'])}</td></tr>"
            for o in self._orders(customer_id)[:ORDER_ROWS]
        )
        empty = f"<p class='so-empty'>{esc(label('fu.no_history'))}</p>"
        return (
            f"<table class='so-table so-followup-contacts'>{contacts}</table>"
            if contacts
            else empty
        ) + (
            f"<p><b>{esc(label('fu.orders'))}</b></p>"
            f"<table class='so-table so-followup-orders'>{orders}</table>"
            if orders
            else ""
        )

    # -- logging -----------------------------------------------------------------------

    def _next_due(self) -> datetime | None:
        """The next contact's due time (10:00 local on the chosen day), or None."""
        day: date | None = self.next_date.value
        if day is None:
            return None
        if day < datetime.now(business_zone()).date():
            raise ValidationError(
                [
                    Problem(
                        "next_date",
                        day,
                        label("fu.past", field=label("fu.next_date"), value=day.isoformat()),
                    )
                ]
            )
        return datetime.combine(day, NEXT_HOUR, business_zone()).astimezone(UTC)

    def _on_save(self, _button=None):
        """Log the contact (closing the picked plan) and plan the next one if a day is set."""
        if self.customer_id is None:
            raise ValidationError([Problem("customer", None, label("fu.choose"))])
        plan = self._rows.get(self.followup_id) if self.followup_id else None
        next_due = self._next_due()
        self._log(
            self.customer_id,
            kind=self.kind.value,
            note=plan["note"] if plan else "",
            outcome=self.note.value,
            followup_id=plan["id"] if plan else None,
            expected_version=plan["version"] if plan else None,
            next_due_at=next_due,
            next_kind=self.next_kind.value,
            next_note=self.next_note.value,
        )
        self._after_save(next_due)

    def _after_save(self, next_due: datetime | None) -> None:
        """Say what was logged and planned, clear the form, refresh the list and history."""
        name = (self._customer(self.customer_id) or {"name": ""})["name"]
        text = (
            label(
                "fu.logged_next",
                name=name,
                day=local_time(next_due, with_time=False),
                kind=kind_label(self.next_kind.value),
            )
            if next_due
            else label("fu.logged", name=name)
        )
        self.note.value = self.next_note.value = ""
        self.next_date.value = None
        self.followup_id = None
        self.refresh()
        self._on_customer()
        self.message.success(text)
