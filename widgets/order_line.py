"""One line of an order being entered: product, quantity, unit price, amount, remove."""

from __future__ import annotations

from decimal import Decimal
from html import escape

import ipywidgets as ipw
import traitlets

from salesops.errors import Problem, ValidationError
from salesops.messages import add

from .common import FieldErrors, desk_only, hook, keypad, label, money, phone_only

add(
    {
        "en": {
            "line.product": "Product",
            "line.pick": "— pick a product —",
            "line.quantity": "Qty",
            "line.price": "Unit price",
            "line.remove": "Remove",
            "line.amount": "Amount",
            "line.retail": "retail {price}",
        },
        "zh_CN": {
            "line.product": "商品",
            "line.pick": "— 选择商品 —",
            "line.quantity": "数量",
            "line.price": "单价",
            "line.remove": "删除",
            "line.amount": "金额",
            "line.retail": "零售价 {price}",
        },
    }
)
# The order service names line fields `lines[N].<name>`; here they are shown by column.
COLUMNS = {"product": "sku", "quantity": "qty", "unit_price": "price", "discount": "price"}
LABELS = {"sku": "line.product", "qty": "line.quantity", "price": "line.price"}
WIDTHS = {"sku": "320px", "qty": "80px", "price": "110px", "amount": "120px", "remove": "90px"}


def caption(key: str) -> ipw.HTML:
    """A column's title over its input, shown on a phone only (a desk has the header)."""
    return phone_only(ipw.HTML(escape(label(key)), _dom_classes=("so-caption",)))


class OrderLine(ipw.VBox):
    """A product picked from a list, its quantity and unit price (defaulting to the
    product's price, editable). `line` is what the order service takes; `removed` turns
    True when the person removes the line."""

    product_id = traitlets.Int(None, allow_none=True)
    quantity = traitlets.Unicode("1")
    unit_price = traitlets.Unicode("")
    removed = traitlets.Bool(False)

    def __init__(self, products: list[dict], prices: dict | None = None, **kwargs):
        self._prices = {p["id"]: p["price"] for p in products}
        self._buyer = dict(prices or {})  # the buyer's own prices (an agent's level)
        choices = [(f"{p['sku']} {p['name']}", p["id"]) for p in products]
        self.product = hook(
            ipw.Dropdown(options=[(label("line.pick"), None), *choices], index=0),
            "order-line",
            "sku",
        )
        qty = ipw.Text("1", placeholder=label("line.quantity"))
        self.qty = keypad(hook(qty, "order-line", "qty"), "numeric")
        price = ipw.Text(placeholder=label("line.price"))
        self.price = keypad(hook(price, "order-line", "price"), "decimal")
        self.amount = hook(ipw.HTML(""), "order-line", "amount")
        self.retail = hook(ipw.HTML(""), "order-line", "retail")
        remove = label("line.remove")  # also the tooltip: a phone shows only the icon
        self.remove = hook(
            ipw.Button(description=remove, icon="trash", tooltip=remove), "order-line", "remove"
        )
        self.amount.layout.width, self.remove.layout.width = WIDTHS["amount"], WIDTHS["remove"]
        self.errors = FieldErrors(
            "order-line", {"sku": self.product, "qty": self.qty, "price": self.price}
        )
        traitlets.link((self.product, "value"), (self, "product_id"))
        traitlets.link((self.qty, "value"), (self, "quantity"))
        traitlets.link((self.price, "value"), (self, "unit_price"))
        self.observe(self._on_product, names="product_id")
        self.remove.on_click(self._on_remove)
        row = [self.errors.row(f) for f in ("sku", "qty", "price")]
        for box, name in zip(row, ("sku", "qty", "price"), strict=True):
            box.layout.width = WIDTHS[name]  # a long message wraps under its own column
            box.children[0].layout.width = "96%"  # the input, inside its column's margins
            box.add_class(f"so-col-{name}")
            if name != "sku":  # on a phone the column titles are not above the line
                box.children = (caption(LABELS[name]), *box.children)
        amount = ipw.VBox([caption("line.amount"), self.amount])
        amount.add_class("so-col-amount")
        super().__init__([ipw.HBox([*row, amount, self.remove, self.retail])], **kwargs)
        self.add_class("so-order-line")

    @staticmethod
    def header() -> ipw.HBox:
        """Column titles to put above the lines, in the lines' widths."""
        keys = {
            "sku": "line.product",
            "qty": "line.quantity",
            "price": "line.price",
            "amount": "line.amount",
        }
        titles = [
            ipw.HTML(f"<b>{label(key)}</b>", layout=ipw.Layout(width=WIDTHS[name]))
            for name, key in keys.items()
        ]
        box = desk_only(ipw.HBox(titles))
        box.add_class("so-order-line-header")
        return box

    def _default(self, product_id) -> str:
        """The price a product starts at on this line: the buyer's, else its list price."""
        price = self._buyer.get(product_id, self._prices.get(product_id))
        return "" if price is None else f"{Decimal(price):.2f}"

    def _on_product(self, change):
        """A newly picked product brings the buyer's price (an agent's level price) or its
        list price; the person may then change it. Retail is shown beside a buyer's price."""
        self.unit_price = self._default(change["new"])
        self._show_retail()

    def _show_retail(self) -> None:
        """Show the retail price beside the line when the buyer has a price of their own."""
        retail = self._prices.get(self.product_id)
        mine = self.product_id in self._buyer and retail is not None
        self.retail.value = label("line.retail", price=money(Decimal(retail))) if mine else ""

    def set_buyer_prices(self, prices: dict) -> None:
        """The buyer changed: their prices become the default, replacing a price still at
        the old default (a price the person typed stays)."""
        untouched = self.unit_price == self._default(self.product_id)
        self._buyer = dict(prices)
        if self.product_id is not None and untouched:
            self.unit_price = self._default(self.product_id)
        self._show_retail()

    def _on_remove(self, _button):
        """Ask the form to drop this line."""
        self.removed = True

    @property
    def line(self) -> dict:
        """The line as the order service takes it: product_id, quantity, unit_price."""
        return {
            "product_id": self.product_id,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
        }

    def show_amount(self, amount: Decimal | None) -> None:
        """Show the line's amount after discounts (blank while it cannot be worked out)."""
        self.amount.value = "" if amount is None else money(amount)

    def show_problems(self, problems: list[Problem]) -> None:
        """Show this line's problems (fields `lines[N].<name>`) next to its inputs."""
        shown = []
        for p in problems:
            column = COLUMNS.get(p.field.rpartition(".")[2], "price")
            message = p.message.replace(p.field, label(LABELS[column]), 1)
            shown.append(Problem(column, p.value, message))
        self.errors.show(ValidationError(shown))
