"""The Agents page's levels and prices: the levels with their discount and agents, the
price table (retail and every level; a level's own price marked), a level's own price for
a product, an agent's level, and a new level. Hooks `so-levels-*`."""

from __future__ import annotations

import html
from decimal import Decimal

import ipywidgets as ipw

from salesops.messages import add, money

from .common import MessageArea, choose, guard, hook, label
from .tables import RowPager, cell, fit, subhead, table

FORM = "levels"
add(
    {
        "en": {
            "levels.title": "Levels and prices",
            "levels.none": "No agent levels yet: add one below.",
            "levels.name": "Level",
            "levels.discount": "% off retail",
            "levels.agents": "Agents",
            "levels.product": "Product",
            "levels.retail": "Retail",
            "levels.own": "own price",
            "levels.set_price": "Set a level's price",
            "levels.price": "Price",
            "levels.price_hint": "blank: back to the level's discount",
            "levels.save_price": "Save price",
            "levels.price_saved": "{level} {sku}: {price}.",
            "levels.price_cleared": "{level} {sku}: own price cleared.",
            "levels.agent_level": "An agent's level",
            "levels.agent": "Agent",
            "levels.no_level": "(no level: retail)",
            "levels.save_level": "Save level",
            "levels.level_saved": "{agent} is now at {level}.",
            "levels.add": "Add a level",
            "levels.add_button": "Add level",
            "levels.added": "Level {name} added.",
            "levels.pick": "— pick —",
            "levels.upload": "Price table (sku + a column per level)",
            "levels.import": "Import prices",
        },
        "zh_CN": {
            "levels.title": "代理等级与代理价",
            "levels.none": "还没有代理等级：请在下方添加。",
            "levels.name": "等级",
            "levels.discount": "零售价折扣 %",
            "levels.agents": "代理数",
            "levels.product": "商品",
            "levels.retail": "零售价",
            "levels.own": "单独定价",
            "levels.set_price": "设置等级价格",
            "levels.price": "价格",
            "levels.price_hint": "留空：恢复按等级折扣",
            "levels.save_price": "保存价格",
            "levels.price_saved": "{level} {sku}：{price}。",
            "levels.price_cleared": "{level} {sku}：已清除单独定价。",
            "levels.agent_level": "代理的等级",
            "levels.agent": "代理",
            "levels.no_level": "（无等级：零售价）",
            "levels.save_level": "保存等级",
            "levels.level_saved": "{agent} 现在是 {level}。",
            "levels.add": "添加等级",
            "levels.add_button": "添加等级",
            "levels.added": "已添加等级 {name}。",
            "levels.pick": "— 请选择 —",
            "levels.upload": "价格表（sku + 每个等级一列）",
            "levels.import": "导入价格",
        },
    }
)


def _dropdown(field: str, key: str) -> ipw.Dropdown:
    """A labelled dropdown with its hook, never wider than the screen."""
    return fit(hook(ipw.Dropdown(description=label(key), options=[]), FORM, field), "360px")


def _text(field: str, key: str, hint: str = "") -> ipw.Text:
    """A labelled text box with its hook."""
    return fit(hook(ipw.Text(description=label(key), placeholder=hint), FORM, field), "360px")


class AgentLevelsPanel(ipw.VBox):
    """Levels, the price table and the forms that change them (managers: agents.edit).

    Data functions: `levels()`, `price_table()` -> (levels, rows), `agents()`,
    `set_price(level, sku, price)`, `set_level(code, level)`, `add_level(name, pct)`,
    `import_prices(name, content, dry_run)` -> {ok, written, lines}."""

    def __init__(
        self, *, levels, price_table, agents, set_price, set_level, add_level, import_prices, **kw
    ):
        self._import, self._upload = import_prices, None
        self._levels, self._table, self._agents = levels, price_table, agents
        self._set_price, self._set_level, self._add_level = set_price, set_level, add_level
        self.message = MessageArea(FORM)
        self.prices = hook(ipw.HTML(""), FORM, "table")
        self.pager = RowPager(self.prices, FORM)  # the price list, 20 products at a time
        self.level = _dropdown("level", "levels.name")
        self.product = _dropdown("product", "levels.product")
        self.price = _text("price", "levels.price", label("levels.price_hint"))
        self.save_price = hook(
            ipw.Button(description=label("levels.save_price")), FORM, "save-price"
        )
        self.agent = _dropdown("agent", "levels.agent")
        self.agent_level = _dropdown("agent-level", "levels.name")
        self.save_level = hook(
            ipw.Button(description=label("levels.save_level")), FORM, "save-level"
        )
        self.new_name = _text("new-name", "levels.name")
        self.new_discount = _text("new-discount", "levels.discount", "30")
        self.add = hook(ipw.Button(description=label("levels.add_button")), FORM, "add")
        self.file = hook(ipw.FileUpload(accept=".csv,.xlsx", multiple=False), FORM, "file")
        self.report = hook(ipw.HTML(""), FORM, "report")
        self.import_ = hook(
            ipw.Button(description=label("levels.import"), disabled=True), FORM, "import"
        )
        self.file.observe(guard(self._on_file, self.message), names="value")
        self.import_.on_click(guard(self._on_import, self.message))
        self.save_price.on_click(guard(self._on_save_price, self.message))
        self.save_level.on_click(guard(self._on_save_level, self.message))
        self.add.on_click(guard(self._on_add, self.message))
        self.product.observe(self._on_pick, names="value")
        self.level.observe(self._on_pick, names="value")
        super().__init__(
            [
                self.prices,
                self.pager.more,
                subhead(label("levels.set_price")),
                self.level,
                self.product,
                self.price,
                self.save_price,
                subhead(label("levels.agent_level")),
                self.agent,
                self.agent_level,
                self.save_level,
                subhead(label("levels.add")),
                self.new_name,
                self.new_discount,
                self.add,
                subhead(label("levels.upload")),
                self.file,
                self.report,
                self.import_,
                self.message,
            ],
            **kw,
        )
        self.refresh()

    def refresh(self) -> None:
        """Read the levels, prices and agents again and show them."""
        levels, rows = self._table()
        self._rows = {r["sku"]: r for r in rows}
        names = [lv["name"] for lv in levels]
        listed = self._levels_html(levels)
        self.pager.show(*self._price_table(levels, rows), before=listed, keep=True)
        pick = [(label("levels.pick"), None)]
        keep = self.level.value, self.product.value, self.agent.value
        self.level.options = pick + [(n, n) for n in names]
        self.product.options = pick + [(f"{r['sku']} {r['name']}", r["sku"]) for r in rows]
        self.agent.options = pick + [
            (f"{a['code']} {a['name']}", a["code"]) for a in self._agents()
        ]
        self.agent_level.options = [(label("levels.no_level"), "")] + [(n, n) for n in names]
        for box, value in zip((self.level, self.product, self.agent), keep, strict=True):
            choose(box, value)

    @staticmethod
    def _levels_html(levels: list[dict]) -> str:
        """The levels as an HTML table (cards on a phone)."""
        head = [(label("levels.name"), ""), (label("levels.discount"), "so-num")]
        head.append((label("levels.agents"), "so-num"))
        return table(
            head,
            [
                ("", [cell(lv["name"]), cell(lv["discount_pct"]), cell(lv["agents"])])
                for lv in levels
            ],
            "so-levels-list",
            label("levels.none"),
        )

    @staticmethod
    def _price_table(levels: list[dict], rows: list[dict]) -> tuple:
        """The price list's headers, rows, class and empty text (nothing without levels)."""
        if not levels:
            return [], [], "so-levels-prices", ""
        headers = [(label("levels.product"), ""), (label("levels.retail"), "so-num")]
        headers += [(lv["name"], "so-num") for lv in levels]
        body = []
        for r in rows:
            cells = [cell(f"{r['sku']} {r['name']}"), cell(money(r["price"]))]
            for lv in levels:
                mine = r[lv["name"]]
                cells.append(cell(money(mine["price"]), label("levels.own") if mine["own"] else ""))
            body.append(("", cells))
        return headers, body, "so-levels-prices", ""

    def _on_pick(self, _change=None):
        """Show the chosen level's current price for the chosen product."""
        row = self._rows.get(self.product.value)
        if row is not None and self.level.value in row:
            self.price.value = f"{Decimal(row[self.level.value]['price']):.2f}"

    def _on_save_price(self, _button=None):
        """Save (or clear) a level's own price for a product."""
        level, sku = self.level.value, self.product.value
        saved = self._set_price(level, sku, self.price.value)
        self.refresh()
        if saved["price"] is None:
            self.message.success(label("levels.price_cleared", level=level, sku=sku))
        else:
            price = money(saved["price"])
            self.message.success(label("levels.price_saved", level=level, sku=sku, price=price))

    def _on_save_level(self, _button=None):
        """Put the chosen agent at the chosen level."""
        row = self._set_level(self.agent.value or "", self.agent_level.value)
        self.refresh()
        level = self.agent_level.value or label("levels.no_level")
        self.message.success(
            label("levels.level_saved", agent=f"{row['code']} {row['name']}", level=level)
        )

    def _on_add(self, _button=None):
        """Add a level."""
        made = self._add_level(self.new_name.value, self.new_discount.value)
        self.new_name.value = self.new_discount.value = ""
        self.refresh()
        self.message.success(label("levels.added", name=made["name"]))

    def _on_file(self, change):
        """Check an uploaded price table (nothing written) and show what it would do."""
        files = change["new"]
        if not files:
            return
        self._upload = (str(files[0].get("name") or "prices.csv"), bytes(files[0]["content"]))
        self._show_report(self._import(*self._upload, dry_run=True))

    def _on_import(self, _button=None):
        """Import the checked price table, all or nothing."""
        if self._upload is not None:
            self._show_report(self._import(*self._upload, dry_run=False))
            self.refresh()

    def _show_report(self, found: dict) -> None:
        """The report's lines; the Import button only for a file without problems."""
        self.report.value = "<br>".join(html.escape(line) for line in found["lines"])
        self.import_.disabled = not found["ok"] or found["written"]
