"""The Agents page (managers and admins): levels and prices, commission rules, the monthly
statements (close a month, mark paid, download Excel) and the compliance checks.
Hooks `so-rules-*`, `so-statements-*`, `so-checks-*` (and `so-levels-*`)."""

from __future__ import annotations

import base64
import html
from datetime import date

import ipywidgets as ipw

from salesops.messages import add, money

from .agent_levels_panel import AgentLevelsPanel
from .common import MessageArea, choose, guard, hook, label
from .tables import RowPager, cell, fit, style, subhead, table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
add(
    {
        "en": {
            "agentsapp.levels": "Levels & prices",
            "agentsapp.rules": "Commission",
            "agentsapp.statements": "Statements",
            "agentsapp.checks": "Checks",
            "rules.none": "No commission rules: nothing is paid.",
            "rules.level": "Level",
            "rules.every": "(every level)",
            "rules.basis": "Paid on",
            "rules.own_sales": "own sales to end customers",
            "rules.downline_sales": "direct recruits' sales (override, 1 level)",
            "rules.kind": "As",
            "rules.rate": "% of goods",
            "rules.per_unit": "yuan per unit",
            "rules.value": "Value",
            "rules.save": "Save rule",
            "rules.saved": "Rule saved.",
            "rules.law": "Never paid: recruiting people, entry fees, first stock purchases, "
            "or sales two or more levels down (禁止传销条例 2005).",
            "st.month": "Month",
            "st.show": "Show",
            "st.close": "Close month",
            "st.closed": "{month} closed: {n} statements stored.",
            "st.none": "No agent sales in {month}.",
            "st.agent": "Agent",
            "st.sales": "Own sales",
            "st.commission": "Commission",
            "st.adjustments": "Adjustments",
            "st.total": "Total",
            "st.state": "State",
            "st.owed": "Unpaid (closed months)",
            "st.open": "open",
            "st.unpaid": "unpaid",
            "st.paid": "paid {when} {who}",
            "st.pay": "Mark paid",
            "st.pay_pick": "Choose whose statement was paid…",
            "st.pay_first": "Choose whose statement was paid first; nothing was marked.",
            "st.paid_done": "Statement of {agent} for {month} marked paid.",
            "st.download": "Download Excel: {name}",
            "st.lines": "{code}: {orders}",
            "checks.none": "No flags.",
            "checks.agent": "Agent",
            "checks.check": "Check",
            "checks.evidence": "Evidence",
            "checks.rule": "Rule it approximates",
            "checks.note": "Each flag is a prompt for a person to look, not a legal finding.",
        },
        "zh_CN": {
            "agentsapp.levels": "等级与价格",
            "agentsapp.rules": "佣金规则",
            "agentsapp.statements": "对账单",
            "agentsapp.checks": "合规检查",
            "rules.none": "没有佣金规则：不支付佣金。",
            "rules.level": "等级",
            "rules.every": "（所有等级）",
            "rules.basis": "计佣依据",
            "rules.own_sales": "本人对终端客户的销售",
            "rules.downline_sales": "直接发展代理的销售（管理奖，一层）",
            "rules.kind": "方式",
            "rules.rate": "商品金额的 %",
            "rules.per_unit": "每件（元）",
            "rules.value": "数值",
            "rules.save": "保存规则",
            "rules.saved": "规则已保存。",
            "rules.law": "绝不支付：发展人员、入门费、首次进货或两层及以下的销售"
            "（《禁止传销条例》2005）。",
            "st.month": "月份",
            "st.show": "查看",
            "st.close": "结算本月",
            "st.closed": "{month} 已结算：保存了 {n} 张对账单。",
            "st.none": "{month} 没有代理销售。",
            "st.agent": "代理",
            "st.sales": "本人销售",
            "st.commission": "佣金",
            "st.adjustments": "调整",
            "st.total": "合计",
            "st.state": "状态",
            "st.owed": "未付（已结算月份）",
            "st.open": "未结算",
            "st.unpaid": "未付",
            "st.paid": "已付 {when} {who}",
            "st.pay": "标记已付",
            "st.pay_pick": "请选择已付款的对账单……",
            "st.pay_first": "请先选择已付款的对账单；未做任何标记。",
            "st.paid_done": "{agent} {month} 的对账单已标记已付。",
            "st.download": "下载 Excel：{name}",
            "st.lines": "{code}：{orders}",
            "checks.none": "没有提示。",
            "checks.agent": "代理",
            "checks.check": "检查",
            "checks.evidence": "依据",
            "checks.rule": "对应条款",
            "checks.note": "每条提示仅供人工核查，并非法律认定。",
        },
    }
)


def last_month(today: date | None = None) -> str:
    """The month before `today`'s, 'YYYY-MM'."""
    today = today or date.today()
    return f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"


class AgentsApp(ipw.VBox):
    """Tabs: levels and prices, commission rules, statements, checks. Takes a PageData's
    agent methods as plain functions (see `for_page`)."""

    @classmethod
    def for_page(cls, data, **kwargs) -> AgentsApp:
        """The page wired to a salesops.web.pagedata.PageData."""
        levels = AgentLevelsPanel(
            levels=data.agent_levels,
            price_table=data.agent_price_table,
            agents=data.agents,
            set_price=data.set_agent_price,
            set_level=data.set_agent_level,
            add_level=data.add_agent_level,
            import_prices=data.import_agent_prices,
        )
        return cls(levels_panel=levels, data=data, **kwargs)

    def __init__(self, *, levels_panel: AgentLevelsPanel, data, **kwargs):
        self.data, self.levels_panel = data, levels_panel
        self.rules, self.statements, self.checks = self._rules(), self._statements(), self._checks()
        self.tabs = ipw.Tab(children=[levels_panel, self.rules, self.statements, self.checks])
        for i, key in enumerate(("levels", "rules", "statements", "checks")):
            self.tabs.set_title(i, label(f"agentsapp.{key}"))
        self.tabs.observe(self._on_tab, names="selected_index")
        super().__init__([style(), self.tabs], **kwargs)
        self.add_class("so-agents-app")
        self._show_rules()

    def _on_tab(self, change):
        """Read a tab's figures afresh when it is opened."""
        shown = {1: self._show_rules, 2: self._show_statements, 3: self._show_checks}
        action = shown.get(change["new"])
        if action is not None:
            guard(action, self.rules_message)()

    # -- commission rules ----------------------------------------------------------------------

    def _rules(self) -> ipw.VBox:
        self.rules_list = hook(ipw.HTML(""), "rules", "list")
        self.rules_message = MessageArea("rules")
        self.rule_level = fit(
            hook(ipw.Dropdown(description=label("rules.level")), "rules", "level")
        )
        self.rule_basis = fit(
            hook(
                ipw.Dropdown(
                    description=label("rules.basis"),
                    options=[(label(f"rules.{b}"), b) for b in ("own_sales", "downline_sales")],
                ),
                "rules",
                "basis",
            )
        )
        self.rule_kind = fit(
            hook(
                ipw.Dropdown(
                    description=label("rules.kind"),
                    options=[(label(f"rules.{k}"), k) for k in ("rate", "per_unit")],
                ),
                "rules",
                "kind",
            )
        )
        self.rule_value = fit(
            hook(ipw.Text(description=label("rules.value"), placeholder="10"), "rules", "value")
        )
        self.rule_save = hook(
            ipw.Button(description=label("rules.save"), button_style="primary"), "rules", "save"
        )
        self.rule_save.on_click(guard(self._on_save_rule, self.rules_message))
        law = ipw.HTML(f"<p class='so-muted'>{html.escape(label('rules.law'))}</p>")
        parts = [self.rules_list, law, self.rule_level, self.rule_basis, self.rule_kind]
        return ipw.VBox([*parts, self.rule_value, self.rule_save, self.rules_message])

    def _show_rules(self) -> None:
        """List the active rules and offer the levels."""
        rules = self.data.commission_rules()
        rows = [
            (
                "",
                [
                    cell(r["level"] or label("rules.every")),
                    cell(label(f"rules.{r['basis']}")),
                    cell(
                        f"{r['value'] * 100:.2f}%"
                        if r["kind"] == "rate"
                        else f"{money(r['value'])} / 1"
                    ),
                ],
            )
            for r in rules
        ]
        headers = [
            (label("rules.level"), ""),
            (label("rules.basis"), ""),
            (label("rules.value"), "so-num"),
        ]
        self.rules_list.value = table(headers, rows, "so-rules-table", label("rules.none"))
        keep = self.rule_level.value
        self.rule_level.options = [(label("rules.every"), "")] + [
            (lv["name"], lv["name"]) for lv in self.data.agent_levels()
        ]
        choose(self.rule_level, keep)

    def _on_save_rule(self, _button=None):
        """Save a rule; the service refuses forbidden ones citing why."""
        self.data.set_commission_rule(
            {
                "level": self.rule_level.value,
                "basis": self.rule_basis.value,
                "kind": self.rule_kind.value,
                "value": self.rule_value.value,
            }
        )
        self._show_rules()
        self.rules_message.success(label("rules.saved"))

    # -- statements ----------------------------------------------------------------------------

    def _statements(self) -> ipw.VBox:
        self.month = fit(
            hook(ipw.Text(last_month(), description=label("st.month")), "statements", "month"),
            "260px",
        )
        self.show = hook(ipw.Button(description=label("st.show")), "statements", "show")
        self.close = hook(ipw.Button(description=label("st.close")), "statements", "close")
        self.statement_list = hook(ipw.HTML(""), "statements", "list")
        self.st_pager = RowPager(self.statement_list, "statements")
        self.pay_pick = fit(
            hook(ipw.Dropdown(description=label("st.agent")), "statements", "pay-pick")
        )
        self.pay = hook(
            ipw.Button(description=label("st.pay"), button_style="primary"), "statements", "pay"
        )
        self.download = hook(ipw.HTML(""), "statements", "download")
        self.st_message = MessageArea("statements")
        self.show.on_click(guard(self._show_statements, self.st_message))
        self.close.on_click(guard(self._on_close, self.st_message))
        self.pay.on_click(guard(self._on_pay, self.st_message))
        self.pay_pick.observe(self._on_pay_pick, names="value")
        buttons = ipw.HBox([self.show, self.close])
        buttons.add_class("so-row")
        self.pay_box = pay = ipw.VBox([self.pay_pick, self.pay], layout=ipw.Layout(display="none"))
        return ipw.VBox(
            [
                self.month,
                buttons,
                self.statement_list,
                self.st_pager.more,
                pay,
                self.download,
                self.st_message,
            ]
        )

    def _show_statements(self, _button=None) -> None:
        """The month's statements, what can be paid, and the workbook."""
        month = self.month.value.strip()
        found = self.data.agent_statements(month)
        self._found = {st["id"]: st for st in found if st["id"] is not None}
        self.st_pager.show(*self._statement_table(found, month))
        payable = [
            (f"{st['code']} {st['name']} {money(st['total'])}", st["id"])
            for st in found
            if st["closed"] and not st["paid_at"]
        ]
        keep = self.pay_pick.value
        self.pay_pick.options = [(label("st.pay_pick"), None), *payable]
        choose(self.pay_pick, keep)  # never one the manager did not choose
        self._on_pay_pick()
        self.pay_box.layout.display = "" if payable else "none"  # no blank box to pick from
        name, data = self.data.agent_workbook(month)
        payload = base64.b64encode(data).decode("ascii")
        text = html.escape(label("st.download", name=name))
        self.download.value = (
            f'<a class="so-statements-download-link" download="{html.escape(name)}" '
            f'href="data:{XLSX};base64,{payload}">⬇ {text}</a>'
        )

    @staticmethod
    def _statement_table(found: list[dict], month: str) -> tuple:
        """The statements as a table (headers, rows, class, empty text): each agent's
        figures, state and orders."""
        rows = []
        for st in found:
            if st["paid_at"]:
                state = label("st.paid", when=f"{st['paid_at']:%Y-%m-%d}", who=st["paid_by"])
            else:
                state = label("st.unpaid" if st["closed"] else "st.open")
            orders = ", ".join(sorted({ln["order_no"] for ln in st["lines"]}))
            rows.append(
                (
                    "",
                    [
                        cell(f"{st['code']} {st['name']}", orders),
                        cell(money(st["sales"])),
                        cell(money(st["commission"])),
                        cell(money(st["adjustments"])),
                        cell(money(st["total"]), css="so-statement-total"),
                        cell(state),
                        cell(money(st["unpaid"]) if st["unpaid"] else ""),
                    ],
                )
            )
        headers = [(label("st.agent"), "")]
        headers += [
            (label(k), "so-num")
            for k in ("st.sales", "st.commission", "st.adjustments", "st.total")
        ]
        headers += [(label("st.state"), ""), (label("st.owed"), "so-num")]
        return headers, rows, "so-statements-table", label("st.none", month=month)

    def _on_close(self, _button=None):
        """Close the month shown."""
        month = self.month.value.strip()
        n = self.data.close_agent_month(month)
        self._show_statements()
        self.st_message.success(label("st.closed", month=month, n=n))

    def _on_pay_pick(self, _change=None) -> None:
        """Mark paid only once a statement is chosen."""
        self.pay.disabled = self.pay_pick.value is None

    def _on_pay(self, _button=None):
        """Mark the chosen statement paid (none chosen: say so, mark nothing)."""
        if self.pay_pick.value is None:
            self.st_message.error(label("st.pay_first"))
            return
        st = self._found[self.pay_pick.value]
        self.data.pay_agent_statement(st["id"], st["version"])
        self._show_statements()
        self.st_message.success(
            label("st.paid_done", agent=f"{st['code']} {st['name']}", month=st["month"])
        )

    # -- checks ------------------------------------------------------------------------------

    def _checks(self) -> ipw.VBox:
        self.check_list = hook(ipw.HTML(""), "checks", "list")
        self.check_pager = RowPager(self.check_list, "checks")
        note = ipw.HTML(f"<p class='so-muted'>{html.escape(label('checks.note'))}</p>")
        heading = subhead(label("agentsapp.checks"))
        return ipw.VBox([heading, note, self.check_list, self.check_pager.more])

    def _show_checks(self) -> None:
        """The flags of the last 90 days with their evidence and rule."""
        flags = self.data.agent_checks()
        rows = [
            (
                "so-check",
                [
                    cell(f"{f['code']} {f['name']}"),
                    cell(f["title"]),
                    cell(f["evidence"]),
                    cell(f["rule"], f["note"]),
                ],
            )
            for f in flags
        ]
        headers = [
            (label(k), "")
            for k in ("checks.agent", "checks.check", "checks.evidence", "checks.rule")
        ]
        self.check_pager.show(headers, rows, "so-checks-table", label("checks.none"))
