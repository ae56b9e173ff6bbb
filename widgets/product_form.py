"""Create, edit, archive or restore one product; the id of the product in the form is
`value` (None: a new one)."""

from __future__ import annotations

import html

import ipywidgets as ipw
import traitlets

from salesops import messages

from .common import FieldErrors, MessageArea, guard, hook, keypad, label, money
from .tables import fit, fit_errors

FORM = "product"
FIELDS = ("sku", "name", "category", "price", "unit_cost", "aliases", "stock", "reorder_level")
# The keyboard a phone brings up for a field.
KEYPADS = {
    "price": "decimal",
    "unit_cost": "decimal",
    "stock": "numeric",
    "reorder_level": "numeric",
}
ALIASES = {"stock_on_hand": "stock"}  # service field -> form field

messages.add(
    {
        "en": {
            "product.new_title": "New product",
            "product.edit_title": "Product {sku} {name}",
            "product.archived_title": "Product {sku} {name} (archived: not for sale)",
            "product.sku": "SKU",
            "product.name": "Name",
            "product.category": "Category",
            "product.price": "Price",
            "product.unit_cost": "Unit cost",
            "product.aliases": "Other names",
            "product.aliases_hint": "what buyers call it, e.g. 草莓, 奶油草莓",
            "product.stock": "Stock on hand",
            "product.stock_hint": "leave empty if you do not count it",
            "product.reorder_level": "Reorder at",
            "product.reorder_hint": "optional: stock level to reorder at",
            "product.cost_hint": "optional: what one costs you",
            "product.save": "Save",
            "product.new": "New product",
            "product.archive": "Archive",
            "product.restore": "Put back on sale",
            "product.created": "Added product {sku} {name}.",
            "product.updated": "Saved product {sku} {name}.",
            "product.archived_done": "{sku} {name} is archived: it keeps its history and can "
            "no longer be sold.",
            "product.restored": "{sku} {name} is on sale again.",
            "product.margin_line": "Margin {margin} at {price} (cost {cost})",
            "product.gone": "This product no longer exists.",
        },
        "zh_CN": {
            "product.new_title": "新建商品",
            "product.edit_title": "商品 {sku} {name}",
            "product.archived_title": "商品 {sku} {name}（已归档：不可销售）",
            "product.sku": "商品编码",
            "product.name": "商品名称",
            "product.category": "分类",
            "product.price": "售价",
            "product.unit_cost": "成本",
            "product.aliases": "别名",
            "product.aliases_hint": "买家的叫法，如 草莓, 奶油草莓",
            "product.stock": "库存",
            "product.stock_hint": "不盘点可留空",
            "product.reorder_level": "补货点",
            "product.reorder_hint": "可选：库存低于此数时补货",
            "product.cost_hint": "可选：每件进货成本",
            "product.save": "保存",
            "product.new": "新建商品",
            "product.archive": "归档",
            "product.restore": "恢复销售",
            "product.created": "已新建商品 {sku} {name}。",
            "product.updated": "已保存商品 {sku} {name}。",
            "product.archived_done": "{sku} {name} 已归档：保留历史记录，不能再销售。",
            "product.restored": "{sku} {name} 已恢复销售。",
            "product.margin_line": "毛利率 {margin}（售价 {price}，成本 {cost}）",
            "product.gone": "该商品已不存在。",
        },
    }
)


def percent(ratio) -> str:
    """0.4487 -> '44.9%'; '' for none."""
    return "" if ratio is None else f"{float(ratio) * 100:.1f}%"


class ProductForm(ipw.VBox):
    """Create or edit a product (managers and admins); `value` is its id (None: new).

    Data functions: `load(id) -> product or None`, `create(data) -> product`,
    `update(id, changes, version) -> product`, `archive(id, version)`, `restore(id,
    version)`. Bad input stays in place with each problem next to its field and nothing
    saved; a stale save names who changed it and offers to reload. `saved` counts saves.
    Hooks: so-product-<field> for each of FIELDS, -save, -new, -archive, -restore,
    -margin, -message.
    """

    value = traitlets.Int(None, allow_none=True)
    saved = traitlets.Int(0)

    def __init__(self, *, load, create, update, archive, restore, **kwargs):
        self._load_fn, self._create, self._update = load, create, update
        self._archive, self._restore = archive, restore
        self._row: dict | None = None
        self.title = ipw.HTML()
        self.inputs = {f: self._input(f) for f in FIELDS}
        self.errors = FieldErrors(FORM, self.inputs)
        fit_errors(self.errors)
        self.margin = hook(ipw.HTML(), FORM, "margin")
        self.message = MessageArea(FORM)
        self.buttons = {
            name: hook(ipw.Button(description=label(f"product.{name}"), **kw), FORM, name)
            for name, kw in (
                ("save", {"button_style": "primary"}),
                ("new", {}),
                ("archive", {"button_style": "warning"}),
                ("restore", {}),
            )
        }
        for name, handler in (
            ("save", self._on_save),
            ("new", self._on_new),
            ("archive", self._on_archive),
            ("restore", self._on_restore),
        ):
            self.buttons[name].on_click(
                guard(handler, self.message, self.errors, on_reload=self.reload, aliases=ALIASES)
            )
        row = ipw.HBox(list(self.buttons.values()))
        row.add_class("so-row")
        self.observe(self._on_value, names="value")
        fields = [self.errors.row(f) for f in FIELDS]
        super().__init__(children=[self.title, *fields, self.margin, row, self.message], **kwargs)
        self.add_class("so-product-form")
        self._fill(None)

    @staticmethod
    def _input(field: str) -> ipw.Text:
        """A text input for `field` (money and counts stay text: the service reads them)."""
        hints = {
            "aliases": "product.aliases_hint",
            "stock": "product.stock_hint",
            "reorder_level": "product.reorder_hint",
            "unit_cost": "product.cost_hint",
        }
        placeholder = label(hints[field]) if field in hints else ""
        widget = ipw.Text(description=label(f"product.{field}"), placeholder=placeholder)
        widget.style.description_width = "110px"
        if field in KEYPADS:
            keypad(widget, KEYPADS[field])
        return fit(hook(widget, FORM, field))

    def data(self) -> dict:
        """What the form holds, in the service's field names."""
        values = {f: self.inputs[f].value for f in FIELDS}
        values["stock_on_hand"] = values.pop("stock")
        return values

    def _fill(self, row: dict | None) -> None:
        """Show `row` (a product) in the inputs, or blank inputs for a new one."""
        self._row = row
        row = row or {}
        for field in FIELDS:
            key = "stock_on_hand" if field == "stock" else field
            value = row.get(key)
            if field == "aliases":
                value = ", ".join(value or [])
            self.inputs[field].value = "" if value is None else str(value)
        if not row:
            title = label("product.new_title")
        elif row["active"]:
            title = label("product.edit_title", sku=row["sku"], name=row["name"])
        else:
            title = label("product.archived_title", sku=row["sku"], name=row["name"])
        self.title.value = f"<h4>{html.escape(title)}</h4>"
        self.margin.value = self._margin_text(row)
        self.buttons["archive"].layout.display = "" if row and row["active"] else "none"
        self.buttons["restore"].layout.display = "" if row and not row["active"] else "none"

    @staticmethod
    def _margin_text(row: dict) -> str:
        """The saved product's margin, as the list shows it ('' without a cost)."""
        if row.get("margin") is None:
            return ""
        text = label(
            "product.margin_line",
            margin=percent(row["margin"]),
            price=money(row["price"]),
            cost=money(row["unit_cost"]),
        )
        return f"<span class='so-muted'>{html.escape(text)}</span>"

    def _on_value(self, _change) -> None:
        """Another product was chosen: show it (blank for None)."""
        self.errors.clear()
        self.message.clear()
        guard(self.reload, self.message)()

    def reload(self) -> None:
        """Show the stored copy of the product (discarding unsaved edits)."""
        if self.value is None:
            self._fill(None)
            return
        row = self._load_fn(self.value)
        if row is None:
            self.message.error(label("product.gone"))
            return
        self._fill(row)

    def _on_save(self, _button) -> None:
        """Create the product, or save the edits on the version that was loaded."""
        if self.value is None:
            row = self._create(self.data())
            self.value = row["id"]
            self.message.success(label("product.created", sku=row["sku"], name=row["name"]))
        else:
            row = self._update(self.value, self.data(), self._row["version"])
            self._fill(row)
            self.message.success(label("product.updated", sku=row["sku"], name=row["name"]))
        self.saved += 1

    def _on_new(self, _button) -> None:
        """Start a blank form for a new product."""
        if self.value is None:
            self._fill(None)
        self.value = None
        self.message.clear()

    def _on_archive(self, _button) -> None:
        """Take the product off sale."""
        row = self._archive(self.value, self._row["version"])
        self._fill(row)
        self.message.success(label("product.archived_done", sku=row["sku"], name=row["name"]))
        self.saved += 1

    def _on_restore(self, _button) -> None:
        """Put the archived product back on sale."""
        row = self._restore(self.value, self._row["version"])
        self._fill(row)
        self.message.success(label("product.restored", sku=row["sku"], name=row["name"]))
        self.saved += 1
