"""The orders page's 接龙 tab: paste a WeChat group's order list, choose its community and
channel, see what each entry becomes, settle its problems, confirm."""

from __future__ import annotations

import html

import ipywidgets as ipw

from salesops.messages import add

from .common import MessageArea, guard, hook, label, money
from .tables import cell, fit, style, table

add(
    {
        "en": {
            "gb.paste": "Paste the list (接龙) as copied from the group",
            "gb.community": "Community",
            "gb.channel": "Channel",
            "gb.none": "(none)",
            "gb.default": "(the shop's default)",
            "gb.check": "Check",
            "gb.confirm": "Create the orders",
            "gb.col.entry": "No.",
            "gb.col.buyer": "Buyer → customer",
            "gb.col.items": "Items",
            "gb.col.note": "Note",
            "gb.col.state": "Problems",
            "gb.new": "new customer",
            "gb.state.new": "ready",
            "gb.state.present": "already written: {order_no}",
            "gb.state.skipped": "left out",
            "gb.state.written": "created: {order_no}",
            "gb.empty": "Paste a list, then check it.",
            "gb.fixes": "Settle the problems",
            "gb.entry": "Entry {entry}: {buyer}",
            "gb.customer": "Customer",
            "gb.customer.new": "a new customer: {buyer}",
            "gb.product": "'{written}' is",
            "gb.drop": "(leave this item out)",
            "gb.pick": "(choose)",
            "gb.quantity": "Quantity of {name}",
            "gb.checked": "Checked, write it as it is",
            "gb.skip": "Leave this entry out",
            "gb.checked_list": "I have checked the notes about the list",
            "gb.settle": "{n} entries to settle below before the orders can be created",
            "gb.ready": "Ready: {n} new orders",
            "gb.nothing_new": "Nothing new: every entry is written already",
        },
        "zh_CN": {
            "gb.paste": "粘贴群里复制的接龙",
            "gb.community": "社群",
            "gb.channel": "渠道",
            "gb.none": "（无）",
            "gb.default": "（店铺默认渠道）",
            "gb.check": "检查",
            "gb.confirm": "生成订单",
            "gb.col.entry": "序号",
            "gb.col.buyer": "买家 → 客户",
            "gb.col.items": "商品",
            "gb.col.note": "备注",
            "gb.col.state": "问题",
            "gb.new": "新客户",
            "gb.state.new": "可生成",
            "gb.state.present": "已写入：{order_no}",
            "gb.state.skipped": "不导入",
            "gb.state.written": "已生成：{order_no}",
            "gb.empty": "请粘贴接龙，然后检查。",
            "gb.fixes": "处理问题",
            "gb.entry": "第 {entry} 条：{buyer}",
            "gb.customer": "客户",
            "gb.customer.new": "新客户：{buyer}",
            "gb.product": "'{written}' 是",
            "gb.drop": "（去掉这件商品）",
            "gb.pick": "（请选择）",
            "gb.quantity": "{name} 的数量",
            "gb.checked": "已核对，照此生成",
            "gb.skip": "这一条不导入",
            "gb.checked_list": "已核对上面关于接龙的提示",
            "gb.settle": "还有 {n} 条待处理，请在下面处理后再生成订单",
            "gb.ready": "可以生成 {n} 个订单",
            "gb.nothing_new": "没有新内容：各条都已写入",
        },
    }
)
FORM = "groupbuy"
CSS = """<style>
.so-gb-table tr.so-bad td { background: #ffebee; }
.so-gb-table tr.so-ok td { background: #f1f8e9; }
.so-gb-table tr.so-old td { color: #888; }
.so-groupbuy-text textarea { font-size: 14px; }
.so-gb-fix { border: 1px solid #f0c0c0; border-radius: 6px; padding: 4px 8px; margin: 4px 0; }
.so-gb-fix .widget-dropdown, .so-gb-fix .widget-inline-hbox { max-width: 100%; }
</style>"""


class GroupBuyPanel(ipw.VBox):
    """Paste, check, settle, confirm. `created` counts the orders this tab created.

    Data functions (PageData.group_buy_choices / group_buy_check / group_buy_confirm):
    `choices()` -> {communities, channels [{code, name}], products [{sku, name, price}]};
    `check(text, community=, channel=, fixes=, checked_list=)` and `confirm(...)` -> the
    service's GroupBuy.as_dict(). Hooks: so-groupbuy-text, -community, -channel, -check,
    -confirm, -preview (rows so-ok / so-bad / so-old), -fixes, -fix (one box per entry,
    also so-groupbuy-fix-<entry>), -fix-customer, -fix-product, -fix-quantity,
    -fix-checked, -fix-skip, -checked-list, -summary, -message.
    """

    @classmethod
    def for_page(cls, data, **kwargs) -> GroupBuyPanel:
        """The tab wired to a salesops.web.pagedata.PageData."""
        return cls(
            choices=data.group_buy_choices,
            check=data.group_buy_check,
            confirm=data.group_buy_confirm,
            **kwargs,
        )

    def __init__(self, *, choices, check, confirm, **kwargs):
        self._choices, self._check, self._confirm = choices, check, confirm
        self.created = 0
        self._fixes: dict[int, dict] = {}
        self._products: list[dict] = []
        self.message = MessageArea(FORM)
        self.text = fit(hook(ipw.Textarea(rows=8), FORM, "text"), "640px")
        self.text.placeholder = "#接龙\n1. 李梅 草莓2盒\n2. 王芳 车厘子1斤"
        self.community = fit(
            hook(ipw.Dropdown(description=label("gb.community")), FORM, "community")
        )
        self.channel = fit(hook(ipw.Dropdown(description=label("gb.channel")), FORM, "channel"))
        self.check = hook(ipw.Button(description=label("gb.check"), icon="search"), FORM, "check")
        self.confirm = hook(
            ipw.Button(description=label("gb.confirm"), button_style="primary", icon="check"),
            FORM,
            "confirm",
        )
        self.confirm.disabled = True
        self.checked_list = hook(
            ipw.Checkbox(description=label("gb.checked_list"), indent=False), FORM, "checked-list"
        )
        self.checked_list.layout.display = "none"
        self.summary = hook(ipw.HTML(""), FORM, "summary")
        self.preview = hook(
            ipw.HTML(f"<p class='so-empty'>{label('gb.empty')}</p>"), FORM, "preview"
        )
        self.fixes = hook(ipw.VBox([]), FORM, "fixes")
        self._fill_choices()
        self._wire()
        super().__init__(self._layout(), **kwargs)
        self.add_class("so-groupbuy")

    def _fill_choices(self) -> None:
        """Communities, channels and products from the data function."""
        got = self._choices()
        self.community.options = [(label("gb.none"), "")] + [(n, n) for n in got["communities"]]
        self.channel.options = [(label("gb.default"), "")] + [
            (c["name"], c["code"]) for c in got["channels"]
        ]
        self._products = got["products"]
        self.community.value = self.channel.value = ""

    def _wire(self) -> None:
        """Inputs and buttons to their handlers."""
        self.check.on_click(guard(self._on_check, self.message))
        self.confirm.on_click(guard(self._on_confirm, self.message))
        for widget in (self.text, self.community, self.channel):
            widget.observe(self._on_source, names="value")
        self.checked_list.observe(guard(self._recheck, self.message), names="value")

    def _layout(self) -> list[ipw.Widget]:
        """Paste box, choices and buttons on top; the preview and the fixes under them."""
        return [
            style(),
            ipw.HTML(CSS, layout=ipw.Layout(display="none")),
            ipw.HTML(f"<div>{html.escape(label('gb.paste'))}</div>"),
            self.text,
            self.community,
            self.channel,
            ipw.HBox([self.check, self.confirm], layout=ipw.Layout(flex_flow="row wrap")),
            self.message,
            self.summary,
            self.preview,
            self.fixes,
            self.checked_list,
        ]

    def _options(self) -> dict:
        """What the data functions take besides the text."""
        return {
            "community": self.community.value,
            "channel": self.channel.value,
            "fixes": self._fixes,
            "checked_list": self.checked_list.value,
        }

    def _on_source(self, _change=None) -> None:
        """A new text, community or channel: check again before confirming; fixes go."""
        self.confirm.disabled = True
        self._fixes = {}
        self.fixes.children = []

    def _on_check(self, _button=None) -> None:
        """Check the list and offer a fix for every entry with problems."""
        self._fixes = {}
        result = self._check(self.text.value, **self._options())
        self.fixes.children = [
            self._fix_box(row)
            for row in result["rows"]
            if row["needs"].get("problems") and row["state"] != "present"
        ]
        self._show(result)

    def _recheck(self, _change=None) -> None:
        """A fix changed: check again with every fix so far."""
        if self.text.value.strip():
            self._show(self._check(self.text.value, **self._options()))

    def _on_confirm(self, _button=None) -> None:
        """Create the orders (checked again by the service, all or nothing)."""
        result = self._confirm(self.text.value, **self._options())
        self._show(result)
        if result["written"]:
            self.created += sum(1 for r in result["rows"] if r["state"] == "new")
            self.confirm.disabled = True
            self.fixes.children = []

    def _show(self, result: dict) -> None:
        """The preview table, the summary, the list's notes; Confirm when all is settled."""
        self.preview.value = self._table(result)
        notes = "".join(f"<li>{html.escape(p)}</li>" for p in result["problems"])
        self.summary.value = html.escape(result["summary"]) + (f"<ul>{notes}</ul>" if notes else "")
        listed = bool(result["problems"]) or self.checked_list.value
        self.checked_list.layout.display = "" if listed else "none"
        new = any(r["state"] == "new" for r in result["rows"])
        self.confirm.disabled = result["written"] or not (result["ok"] and new)
        count = sum(1 for r in result["rows"] if r["state"] == "new")
        if result["written"]:
            orders = [r["order_no"] for r in result["rows"] if r["state"] == "new"]
            self.message.success(label("gb.state.written", order_no=", ".join(orders)))
        elif not result["ok"]:
            settle = sum(1 for r in result["rows"] if r["state"] == "problem")
            self.message.error(label("gb.settle", n=settle or len(result["problems"])))
        elif count:
            self.message.success(label("gb.ready", n=count))
        else:
            self.message.success(label("gb.nothing_new"))

    def _table(self, result: dict) -> str:
        """One row per entry: number, buyer -> customer, items, note, problems or state."""
        heads = [
            (label(f"gb.col.{c}"), "so-num" if c == "entry" else "")
            for c in ("entry", "buyer", "items", "note", "state")
        ]
        rows = []
        for r in result["rows"]:
            css = {"problem": "so-bad", "present": "so-old", "skipped": "so-old"}.get(
                r["state"], "so-ok"
            )
            rows.append(
                (
                    css,
                    [
                        cell(r["entry"]),
                        _buyer(r),
                        _items(r),
                        cell(r["note"]),
                        _state(r, result["written"]),
                    ],
                )
            )
        return table(heads, rows, "so-gb-table", label("gb.empty"))

    def _fix_box(self, row: dict) -> ipw.VBox:
        """The choices that settle one entry's problems."""
        entry, needs = row["entry"], row["needs"]
        fix = self._fixes.setdefault(entry, {"products": {}, "quantities": {}})
        parts: list[ipw.Widget] = [
            ipw.HTML(
                f"<b>{html.escape(label('gb.entry', entry=entry, buyer=row['buyer'] or '—'))}</b>"
            )
        ]
        if needs["customer"]:
            options = [(label("gb.pick"), "")] + [
                (" ".join(x for x in (c["code"], c["name"], c.get("mobile") or "") if x), c["code"])
                for c in row["candidates"]
            ]
            if row["buyer"] or row["mobile"]:
                options.append(
                    (label("gb.customer.new", buyer=row["buyer"] or row["mobile"]), "new")
                )
            pick = fit(
                hook(
                    ipw.Dropdown(options=options, description=label("gb.customer")),
                    FORM,
                    "fix-customer",
                )
            )
            pick.observe(self._setter(fix, "customer"), names="value")
            parts.append(pick)
        for item in row["items"]:
            i = item["index"]
            if i in needs["products"]:
                parts.append(self._product_pick(fix, item))
            if i in needs["quantities"]:
                qty = ipw.BoundedIntText(
                    value=0, min=0, max=9999, description=label("gb.quantity", name=item["name"])
                )
                qty = fit(hook(qty, FORM, "fix-quantity"))
                qty.style.description_width = "initial"
                qty.observe(self._setter(fix["quantities"], i, unset=0), names="value")
                parts.append(qty)
        if needs["check"]:
            ok = hook(
                ipw.Checkbox(description=label("gb.checked"), indent=False), FORM, "fix-checked"
            )
            ok.observe(self._setter(fix, "checked"), names="value")
            parts.append(ok)
        skip = hook(ipw.Checkbox(description=label("gb.skip"), indent=False), FORM, "fix-skip")
        skip.observe(self._setter(fix, "skip"), names="value")
        parts.append(skip)
        box = ipw.VBox(parts)
        box.add_class("so-gb-fix")
        return hook(hook(box, FORM, "fix"), FORM, f"fix-{entry}")

    def _product_pick(self, fix: dict, item: dict) -> ipw.Dropdown:
        """A product for an item the list named unclearly: its candidates first."""
        first = [p for p in self._products if p["sku"] in item["candidates"]]
        rest = [p for p in self._products if p["sku"] not in item["candidates"]]
        options = [(label("gb.pick"), None), (label("gb.drop"), "")] + [
            (f"{p['sku']} {p['name']} {money(p['price'])}", p["sku"]) for p in first + rest
        ]
        pick = fit(
            hook(
                ipw.Dropdown(
                    options=options,
                    description=label("gb.product", written=item["written"] or item["name"]),
                ),
                FORM,
                "fix-product",
            )
        )
        pick.style.description_width = "initial"
        pick.observe(self._setter(fix["products"], item["index"]), names="value")
        return pick

    def _setter(self, target: dict, key, unset=None):
        """A handler that keeps a fix's value (`unset`: none chosen) and checks again."""

        def changed(change):
            if change["new"] is None or change["new"] == unset:
                target.pop(key, None)
            else:
                target[key] = change["new"]
            self._recheck()

        return guard(changed, self.message)


def _buyer(row: dict) -> str:
    """Buyer as written (and mobile) -> the customer's code and name, or "new"."""
    written = row["buyer"] + (f" {row['mobile']}" if row["mobile"] else "")
    if row["customer"]:
        return cell(written, f"→ {row['customer']} {row['customer_name'] or ''}")
    if row["state"] == "problem" and row["needs"]["customer"]:
        return cell(written, "→ ?")
    return cell(written, f"→ {label('gb.new')}")


def _items(row: dict) -> str:
    """Each item: name x quantity @ price = amount, one to a line."""
    lines = []
    for item in row["items"]:
        qty = "?" if item["quantity"] is None else item["quantity"]
        price = money(item["unit_price"]) if item["unit_price"] else "?"
        amount = money(item["amount"]) if item["amount"] else "?"
        name = item["name"] if item["sku"] else f"{item['name']}?"
        lines.append(html.escape(f"{name} × {qty} @ {price} = {amount}"))
    return "<span class='so-v'>" + "<br>".join(lines or ["—"]) + "</span>"


def _state(row: dict, written: bool) -> str:
    """The entry's problems, or what happens to it."""
    if row["problems"]:
        return (
            "<span class='so-v'>" + "<br>".join(html.escape(p) for p in row["problems"]) + "</span>"
        )
    state = "written" if written and row["state"] == "new" else row["state"]
    if state == "problem":
        state = "new"
    said = label(f"gb.state.{state}", order_no=row["order_no"] or "")
    notices = "<br>".join(html.escape(n) for n in row["notices"])
    return cell(said) + (f"<br><span class='so-muted'>{notices}</span>" if notices else "")
