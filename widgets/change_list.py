"""Changes from the audit log as people read them, newest first, a page at a time.

`ChangeList(form)` is the table the audit page, the customer 360 view's history tab and
the order status form's history share: when (business zone, to the second), who, the
record as people know it (customer code and name, order number), the action, and one
`field: old → new` line per changed field; a "more" button fetches the next keyset page.
`changes_table(rows)` is the renderer on its own. Rows are those of salesops.audit
(`at`, `actor`, `table_name`, `row_id`, `action`, `record`, `changes`).
"""

from __future__ import annotations

from html import escape

import ipywidgets as ipw
import traitlets

from salesops import messages

from .common import MessageArea, guard, hook, label

ACTIONS = ("create", "update", "merge", "merged", "undo", "unmerged", "delete", "erase")
ACTIONS += ("paid", "price", "show_mobile", "export", "export_data")

messages.add(
    {
        "en": {
            "changes.col.when": "When",
            "changes.col.who": "Who",
            "changes.col.record": "Record",
            "changes.col.action": "Action",
            "changes.col.changes": "What changed (old → new)",
            "changes.more": "More (older changes)",
            "changes.none": "No changes match.",
            "changes.shown": "{count} shown, newest first.",
            "changes.shown_more": "{count} shown, newest first; older ones follow with “More”.",
            "changes.action.create": "created",
            "changes.action.update": "changed",
            "changes.action.merge": "merged in another",
            "changes.action.merged": "merged away",
            "changes.action.undo": "merge undone",
            "changes.action.unmerged": "restored from merge",
            "changes.action.delete": "deleted",
            "changes.action.erase": "personal data erased",
            "changes.action.paid": "marked paid",
            "changes.action.price": "price set",
            "changes.action.show_mobile": "showed the mobile",
            "changes.action.export": "contact details put in a file",
            "changes.action.export_data": "personal data handed over",
            "changes.kind.customers": "customer",
            "changes.kind.orders": "order",
            "changes.kind.followups": "follow-up of",
            "changes.kind.channels": "channel",
            "changes.kind.products": "product",
            "changes.kind.imports": "import",
            "changes.kind.customer_merges": "merge",
            "changes.kind.staff_users": "account",
            "changes.kind.settings": "shop settings",
            "changes.kind.customer_addresses": "address",
            "changes.kind.communities": "community",
            "changes.kind.community_members": "community stay",
            "changes.kind.reviews": "order-share (晒单)",
            "changes.kind.agent_levels": "agent level",
            "changes.kind.commission_rules": "commission rule",
            "changes.kind.agent_statements": "agent statement",
        },
        "zh_CN": {
            "changes.col.when": "时间",
            "changes.col.who": "操作人",
            "changes.col.record": "记录",
            "changes.col.action": "操作",
            "changes.col.changes": "修改内容（原值 → 新值）",
            "changes.more": "更多（更早的修改）",
            "changes.none": "没有符合条件的修改记录。",
            "changes.shown": "显示 {count} 条，最新的在前。",
            "changes.shown_more": "显示 {count} 条，最新的在前；点“更多”查看更早的。",
            "changes.action.create": "新建",
            "changes.action.update": "修改",
            "changes.action.merge": "合并了另一位",
            "changes.action.merged": "被合并",
            "changes.action.undo": "撤销合并",
            "changes.action.unmerged": "撤销合并后恢复",
            "changes.action.delete": "删除",
            "changes.action.erase": "删除个人信息",
            "changes.action.paid": "标记已付",
            "changes.action.price": "设置价格",
            "changes.action.show_mobile": "看了手机号",
            "changes.action.export": "联系方式导出到文件",
            "changes.action.export_data": "导出个人信息副本",
            "changes.kind.customers": "客户",
            "changes.kind.orders": "订单",
            "changes.kind.followups": "跟进：",
            "changes.kind.channels": "渠道",
            "changes.kind.products": "商品",
            "changes.kind.imports": "导入",
            "changes.kind.customer_merges": "合并",
            "changes.kind.staff_users": "账号",
            "changes.kind.settings": "店铺设置",
            "changes.kind.customer_addresses": "收货地址",
            "changes.kind.communities": "社群",
            "changes.kind.community_members": "社群成员",
            "changes.kind.reviews": "晒单",
            "changes.kind.agent_levels": "代理等级",
            "changes.kind.commission_rules": "佣金规则",
            "changes.kind.agent_statements": "代理对账单",
        },
    }
)

STYLE = """<style>
.so-changes-table td { vertical-align: top; }
.so-changes-table td.so-changes-when { white-space: nowrap; color: #555; }
.so-changes-table td.so-changes-lines { line-height: 1.5; word-break: break-word; }
.so-changes-field { color: #555; font-weight: 600; }
.so-changes-count { color: #666; font-size: 12px; }
</style>"""


def when_text(at) -> str:
    """An aware UTC time in the business zone, to the second ("2026-12-01 09:30:05")."""
    if at is None:
        return ""
    from salesops.config import business_zone

    return at.astimezone(business_zone()).strftime("%Y-%m-%d %H:%M:%S")


def kind_label(kind: str) -> str:
    """A table name as the kind of record people know (customer, order...); a table this
    module has no word for as it is named."""
    key = f"changes.kind.{kind}"
    return label(key) if key in messages.CATALOG["en"] else kind


def action_label(action: str) -> str:
    """An audit action in the page language (unknown actions as stored)."""
    return label(f"changes.action.{action}") if action in ACTIONS else action


def record_text(row: dict) -> str:
    """The record as people know it: `customer C000012 张伟`, `order SO00000042`."""
    known = row.get("record") or f"#{row['row_id']}"
    return f"{kind_label(row['table_name'])} {known}"


def line_html(line: str) -> str:
    """One `field: old → new` line, escaped, its field name picked out."""
    field, sep, rest = line.partition(": ")
    if not sep:
        return escape(line)
    return f"<span class='so-changes-field'>{escape(field)}</span>: {escape(rest)}"


def changes_table(rows: list[dict]) -> str:
    """The rows as an HTML table (every value escaped); a plain line when there are none."""
    if not rows:
        return f"<p class='so-empty'>{escape(label('changes.none'))}</p>"
    heads = ("when", "who", "record", "action", "changes")
    head = "".join(
        f"<th style='text-align:left'>{escape(label(f'changes.col.{h}'))}</th>" for h in heads
    )
    body = "".join(
        f"<tr class='so-changes-row'><td class='so-changes-when'>{escape(when_text(r['at']))}"
        f"</td><td class='so-changes-who'>{escape(r['actor'])}</td>"
        f"<td class='so-changes-record'>{escape(record_text(r))}</td>"
        f"<td class='so-changes-action'>{escape(action_label(r['action']))}</td>"
        f"<td class='so-changes-lines'>{'<br>'.join(line_html(x) for x in r['changes'])}</td></tr>"
        for r in rows
    )
    return (
        f"<table class='so-table so-changes-table'><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


class ChangeList(ipw.VBox):
    """A table of changes with a "more" button; `show(load)` starts a new list.

    `load(after)` returns a salesops.audit.ChangePage (rows, after: None when no more).
    `count` is the number of rows shown. Hooks: so-<form>-changes (the table),
    so-<form>-count, so-<form>-more, so-<form>-message (unless `message` is given: errors
    then go to that MessageArea).
    """

    count = traitlets.Int(0)

    def __init__(self, form: str, message: MessageArea | None = None, **kwargs):
        self._load, self._after, self._rows = None, None, []
        self.table = hook(ipw.HTML(""), form, "changes")
        self.status = hook(ipw.HTML(""), form, "count")
        self.status.add_class("so-changes-count")
        self.more = hook(
            ipw.Button(
                description=label("changes.more"),
                icon="angle-down",
                layout=ipw.Layout(width="auto", display="none"),
            ),
            form,
            "more",
        )
        own = message is None
        self.message = MessageArea(form) if own else message
        self.more.on_click(guard(self._on_more, self.message))
        parts = [
            ipw.HTML(STYLE, layout=ipw.Layout(display="none")),
            self.status,
            self.table,
            self.more,
        ]
        super().__init__(children=[*parts, self.message] if own else parts, **kwargs)
        self.add_class("so-changes")

    def show(self, load) -> None:
        """Forget what is shown and show the first page `load(None)` gives (may raise)."""
        self.clear()
        self._load = load
        self._add(load(None))

    def clear(self) -> None:
        """Show nothing (and offer no more)."""
        self._load, self._after, self._rows = None, None, []
        self.table.value = self.status.value = ""
        self.more.layout.display = "none"
        self.count = 0

    def _on_more(self, _button) -> None:
        """Append the next, older page."""
        if self._load is not None and self._after is not None:
            self._add(self._load(self._after))

    def _add(self, page) -> None:
        """Append `page`'s rows, re-render, and offer more when more follow."""
        self._rows = self._rows + list(page.rows)
        self._after = page.after
        self.table.value = changes_table(self._rows)
        key = "changes.shown_more" if page.after is not None else "changes.shown"
        self.status.value = escape(label(key, count=len(self._rows))) if self._rows else ""
        self.more.layout.display = "" if page.after is not None else "none"
        self.count = len(self._rows)
