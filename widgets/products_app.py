"""The Products page as one component: find products, see their price, cost, margin and
stock, and (managers) create, edit and archive them and the shop's channels."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops import messages

from .channel_panel import ChannelPanel
from .common import MessageArea, choose, guard, hook, label, money
from .product_form import ProductForm, percent
from .stock_panel import StockPanel
from .tables import RowPager, cell, fit, style

FORM = "products"

messages.add(
    {
        "en": {
            "products.title": "Products",
            "products.search": "Find",
            "products.search_hint": "SKU, name, category or other name",
            "products.archived": "Show archived",
            "products.count": "{n} products",
            "products.none": "No products yet.",
            "products.none_match": "No product matches.",
            "products.pick": "Edit",
            "products.pick_none": "choose a product to edit…",
            "products.staff_note": "Prices as customers pay them. Managers add and change "
            "products.",
            "products.col.sku": "SKU",
            "products.col.name": "Name",
            "products.col.category": "Category",
            "products.col.price": "Price",
            "products.col.cost": "Unit cost",
            "products.col.margin": "Margin",
            "products.col.stock": "Stock",
            "products.col.status": "Status",
            "products.on_sale": "on sale",
            "products.is_archived": "archived",
            "products.low": "{stock} (reorder at {level})",
            "products.not_counted": "not counted",
            "products.channels": "Channels",
        },
        "zh_CN": {
            "products.title": "商品",
            "products.search": "查找",
            "products.search_hint": "编码、名称、分类或别名",
            "products.archived": "显示已归档",
            "products.count": "共 {n} 个商品",
            "products.none": "还没有商品。",
            "products.none_match": "没有符合的商品。",
            "products.pick": "修改",
            "products.pick_none": "选择要修改的商品…",
            "products.staff_note": "售价即顾客支付的价格。商品由经理新增和修改。",
            "products.col.sku": "编码",
            "products.col.name": "商品名称",
            "products.col.category": "分类",
            "products.col.price": "售价",
            "products.col.cost": "成本",
            "products.col.margin": "毛利率",
            "products.col.stock": "库存",
            "products.col.status": "状态",
            "products.on_sale": "在售",
            "products.is_archived": "已归档",
            "products.low": "{stock}（补货点 {level}）",
            "products.not_counted": "未盘点",
            "products.channels": "渠道",
        },
    }
)


def product_rows(rows: list[dict], show_costs: bool) -> list[tuple[str, list[str]]]:
    """The list's table rows: SKU, name with aliases, category, price, (cost, margin),
    stock (marked at or under its reorder level), status."""
    out = []
    for r in rows:
        stock, level = r["stock_on_hand"], r["reorder_level"]
        low = stock is not None and level is not None and stock <= level
        stock_cell = (
            cell(label("products.not_counted"), css="so-muted")
            if stock is None
            else cell(label("products.low", stock=stock, level=level), css="so-low")
            if low
            else cell(stock)
        )
        cells = [
            cell(r["sku"]),
            cell(r["name"], ", ".join(r["aliases"])),
            cell(r["category"]),
            cell(money(r["price"])),
        ]
        if show_costs:
            cells += [cell(money(r.get("unit_cost"))), cell(percent(r.get("margin")))]
        status = "products.on_sale" if r["active"] else "products.is_archived"
        cells += [stock_cell, cell(label(status))]
        out.append(("so-product-row" + ("" if r["active"] else " so-archived"), cells))
    return out


def product_headers(show_costs: bool) -> list[tuple[str, str]]:
    """The list's column headers and their CSS classes."""
    cols = [("sku", ""), ("name", ""), ("category", ""), ("price", "so-num")]
    if show_costs:
        cols += [("cost", "so-num"), ("margin", "so-num")]
    cols += [("stock", "so-num"), ("status", "")]
    return [(label(f"products.col.{c}"), css) for c, css in cols]


class ProductsApp(ipw.VBox):
    """Find products and list them; managers also edit them (a ProductForm) and channels.

    `search(text, include_archived) -> products` reads the list; `form` is a ProductForm
    (None: read only, for staff); `channels` a ChannelPanel (None: not shown);
    `show_costs` adds the cost and margin columns. Hooks: so-products-search, -archived,
    -count, -table, -pick, -message.
    """

    value = traitlets.Int(None, allow_none=True)

    def __init__(
        self, search, form=None, channels=None, show_costs=False, title=True, stock=None, **kw
    ):
        self._search, self.form, self._show_costs = search, form, show_costs
        self.stock = stock
        self.term = fit(
            hook(
                ipw.Text(
                    description=label("products.search"),
                    placeholder=label("products.search_hint"),
                    continuous_update=True,
                ),
                FORM,
                "search",
            )
        )
        self.archived = hook(
            ipw.Checkbox(
                description=label("products.archived"),
                indent=False,
                layout=ipw.Layout(width="auto"),
            ),
            FORM,
            "archived",
        )
        self.count = hook(ipw.HTML(), FORM, "count")
        self.table = hook(ipw.HTML(), FORM, "table")
        self.pager = RowPager(self.table, FORM)  # 20 products at a time
        self.message = MessageArea(FORM)
        self.pick = hook(ipw.Dropdown(description=label("products.pick")), FORM, "pick")
        fit(self.pick)
        for widget in (self.term, self.archived):
            widget.observe(lambda _c: self.refresh(), names="value")
        self.pick.observe(self._on_pick, names="value")
        parts = [style(), *([ipw.HTML(f"<h2>{label('products.title')}</h2>")] if title else [])]
        options = ipw.HBox([self.archived, self.count])
        options.add_class("so-row")
        parts += [self.term, options, self.table, self.pager.more, self.message]
        if form is None:
            parts.append(ipw.HTML(f"<p class='so-muted'>{label('products.staff_note')}</p>"))
        else:
            form.observe(lambda _c: self.refresh(keep=True), names="saved")
            traitlets.dlink((form, "value"), (self, "value"))
            self.observe(self._on_form_value, names="value")
            parts += [self.pick, form]
        if stock is not None:  # goods in and stocktakes (widgets.stock_panel)
            stock.add_class("so-section")
            stock.observe(lambda _c: self.refresh(keep=True), names="saved")
            if form is not None:
                form.observe(lambda _c: stock.reload(), names="saved")
            parts.append(stock)
        if channels is not None:
            heading = ipw.HTML(f"<h3>{label('products.channels')}</h3>")
            heading.add_class("so-section")
            parts += [heading, channels]
        super().__init__(children=parts, **kw)
        self.add_class("so-products-app")
        self.refresh()

    @classmethod
    def for_page(cls, data, title: bool = True) -> ProductsApp:
        """The page for whoever is at it: managers and admins edit, staff only read."""
        actor = data.actor
        form = None
        if actor.can("products.edit"):
            form = ProductForm(
                load=data.product,
                create=data.create_product,
                update=data.update_product,
                archive=data.archive_product,
                restore=data.restore_product,
            )
        channels = ChannelPanel.for_page(data) if actor.can("channels.edit") else None
        stock = StockPanel(
            products=lambda: data.product_list("", False),
            receive=data.receive_stock,
            adjust=data.adjust_stock if actor.can("products.edit") else None,
        )
        return cls(
            data.product_list,
            form=form,
            channels=channels,
            show_costs=actor.can("products.costs"),
            title=title,
            stock=stock,
        )

    def refresh(self, keep: bool = False) -> None:
        """Read the list again for the search term, from its first page (`keep`: showing
        as many rows as before, after a save)."""
        guard(lambda: self._show(keep), self.message)()

    def _show(self, keep: bool = False) -> None:
        """Fill the table, the count and the edit picker."""
        rows = self._search(self.term.value, self.archived.value)
        empty = "products.none_match" if self.term.value.strip() else "products.none"
        self.pager.show(
            product_headers(self._show_costs),
            product_rows(rows, self._show_costs),
            "so-products-list",
            label(empty),
            keep=keep,
        )
        self.count.value = f"<span class='so-muted'>{label('products.count', n=len(rows))}</span>"
        options = [(label("products.pick_none"), None)]
        options += [(f"{r['sku']} {r['name']}", r["id"]) for r in rows]
        self.pick.options = options
        choose(self.pick, self.value)  # the product in the form, else the "choose…" line

    def _on_form_value(self, change) -> None:
        """The form took up another product (or a new one): the picker shows the same."""
        choose(self.pick, change["new"])

    def _on_pick(self, change) -> None:
        """Load the chosen product into the form."""
        if self.form is not None and change["new"] is not None:
            self.form.value = change["new"]
