"""The order entry form: customer, channel, lines, discount, shipping, live total, save."""

from __future__ import annotations

from decimal import Decimal

import ipywidgets as ipw
import traitlets

from salesops import validate
from salesops.errors import DuplicateError, Problem, ValidationError
from salesops.messages import add, t

from .address_fields import AddressFields
from .agent_sale import AgentSale
from .common import (
    FieldErrors,
    MessageArea,
    choose,
    guard,
    hook,
    keypad,
    label,
    money,
    sticky,
    styled,
)
from .customer_picker import CustomerPicker, option_label
from .order_line import OrderLine
from .ship_to_picker import ShipToPicker

add(
    {
        "en": {
            "order.customer": "Customer",
            "order.new_customer": "New customer",
            "order.new_name": "Name",
            "order.new_mobile": "Mobile",
            "order.create_customer": "Create and choose",
            "order.customer_created": "Customer {code} {name} created and chosen.",
            "order.use_existing": "Use {code} {name}",
            "order.channel": "Channel",
            "order.channel_default": "(the customer's, else the shop's default)",
            "order.lines": "Items",
            "order.add_line": "Add item",
            "order.discount": "Discount",
            "order.shipping": "Shipping",
            "order.note": "Note",
            "order.total": "Total",
            "order.breakdown": "goods {goods} − discount {discount} + shipping {shipping}",
            "order.save": "Save order",
            "order.saved": "Order {number} saved for {customer}: {total}.",
        },
        "zh_CN": {
            "order.customer": "客户",
            "order.new_customer": "新建客户",
            "order.new_name": "姓名",
            "order.new_mobile": "手机号",
            "order.create_customer": "新建并选用",
            "order.customer_created": "已新建并选用客户 {code} {name}。",
            "order.use_existing": "选用 {code} {name}",
            "order.channel": "渠道",
            "order.channel_default": "（客户的来源渠道，否则店铺默认渠道）",
            "order.lines": "商品",
            "order.add_line": "添加商品",
            "order.discount": "优惠",
            "order.shipping": "运费",
            "order.note": "备注",
            "order.total": "合计",
            "order.breakdown": "商品 {goods} − 优惠 {discount} + 运费 {shipping}",
            "order.save": "保存订单",
            "order.saved": "订单 {number} 已保存（{customer}）：{total}。",
        },
    }
)
STYLE = """<style>
.so-order-line .so-field-error { margin-left: 0; white-space: normal; line-height: 1.3; }
.so-order-totals > * { margin-right: 12px; }
.so-order-total { font-size: 20px; font-weight: 600; }
.so-order-breakdown { color: #666; }
</style>"""
FIELD_LABELS = {
    "customer": "order.customer",
    "channel": "order.channel",
    "lines": "order.lines",
    "discount": "order.discount",
    "shipping": "order.shipping",
    "note": "order.note",
    "agent": "sale.through",
    "name": "order.new_name",
    "mobile": "order.new_mobile",
}


def _relabel(problems: list[Problem]) -> list[Problem]:
    """Problems with the service's field names replaced by the labels staff see."""
    return [
        Problem(p.field, p.value, p.message.replace(p.field, label(FIELD_LABELS[p.field]), 1))
        if p.field in FIELD_LABELS
        else p
        for p in problems
    ]


class OrderForm(ipw.VBox):
    """Enter an order: pick (or create) the customer, add lines, see the total, save.

    Data functions: `search(text)` for the customer picker, `create_customer(data)`,
    `create_order(customer_id, lines, channel=, discount=, shipping=, note=)`, and
    `price(lines, discount, shipping)` for the live total (the service's pricing rules);
    `products` and `channels` are the lists to choose from; `ship_to`, a ShipToPicker, says
    where the order goes (without one the service copies the customer's default address).
    After a save, `order_no` and
    `order_id` name the saved order; `total` is the live total (None while incomplete).
    """

    customer_id = traitlets.Int(None, allow_none=True)
    total = traitlets.Instance(Decimal, allow_none=True)
    order_no = traitlets.Unicode("")
    order_id = traitlets.Int(None, allow_none=True)

    @classmethod
    def for_page(cls, data, **kwargs) -> OrderForm:
        """The form wired to a salesops.web.pagedata.PageData."""
        return cls(
            search=data.search,
            create_customer=data.create_customer,
            create_order=data.create_order,
            price=data.price_lines,
            products=data.products(),
            channels=data.channels(),
            sale=AgentSale(data.agents, data.buyer_terms),
            ship_to=ShipToPicker(
                data.addresses,
                AddressFields(
                    parse=data.parse_address,
                    provinces=data.provinces,
                    cities=data.cities,
                    districts=data.districts,
                    form="order-address",
                ),
            ),
            **kwargs,
        )

    def __init__(
        self,
        *,
        search,
        create_customer,
        create_order,
        price,
        products,
        channels,
        ship_to: ShipToPicker | None = None,
        sale: AgentSale | None = None,
        **kwargs,
    ):
        self._create_customer, self._price = create_customer, price
        self._create_order, self._products = create_order, products
        self.message = MessageArea("order")
        self.picker = CustomerPicker(
            search, form="order", field="customer-search", description=label("order.customer")
        )
        self._build_new_customer()
        self.channel = styled(
            ipw.Dropdown(
                options=[(label("order.channel_default"), None)]
                + [(c["name"], c["id"]) for c in channels],
                index=0,  # the entry "customer's, else the shop's default" (None), not a blank
                description=label("order.channel"),
            ),
            "order",
            "channel",
            width="300px",
        )
        self.lines_box = ipw.VBox()
        self.add_line = hook(
            ipw.Button(description=label("order.add_line"), icon="plus"), "order", "add-line"
        )
        self.discount = keypad(self._text("discount", "order.discount", "0.00"), "decimal")
        self.shipping = keypad(self._text("shipping", "order.shipping", "0.00"), "decimal")
        self.note = self._text("note", "order.note", "")
        self.total_text = hook(ipw.HTML(money(Decimal("0"))), "order", "total")
        self.breakdown = hook(ipw.HTML(""), "order", "breakdown")
        self.save = hook(
            ipw.Button(description=label("order.save"), button_style="primary", icon="check"),
            "order",
            "save",
        )
        self.errors = FieldErrors(
            "order",
            {
                "customer": self.picker,
                "channel": self.channel,
                "lines": self.lines_box,
                "discount": self.discount,
                "shipping": self.shipping,
                "note": self.note,
            },
        )
        traitlets.dlink((self.picker, "value"), (self, "customer_id"))
        self.ship_to, self.sale = ship_to, sale
        if ship_to is not None:
            traitlets.dlink((self.picker, "value"), (ship_to, "customer_id"))
        if sale is not None:  # whose sale, and an agent buyer's prices on the lines
            traitlets.dlink((self.picker, "value"), (sale, "customer_id"))
            sale.observe(self._on_buyer_prices, names="prices")
        self.observe(self._on_total, names="total")
        for box in (self.discount, self.shipping):
            box.observe(self._on_amounts, names="value")
        self.add_line.on_click(guard(self._on_add_line, self.message))
        self.save.on_click(guard(self._on_save, self.message, self.errors))
        self._lines: list[OrderLine] = []
        self._append_line()
        super().__init__(self._layout(), **kwargs)
        self.add_class("so-order-form")

    def _text(self, field: str, key: str, placeholder: str) -> ipw.Text:
        """A labelled text input with its automation hook."""
        box = ipw.Text("", placeholder=placeholder, description=label(key))
        return styled(box, "order", field, width="300px")

    def _build_new_customer(self) -> None:
        """The inline "new customer" box: name, mobile, create (hidden until asked for)."""
        self.new_toggle = hook(
            ipw.ToggleButton(description=label("order.new_customer"), icon="user-plus"),
            "order",
            "new-customer",
        )
        self.new_name = styled(
            ipw.Text(description=label("order.new_name")), "order", "new-name", width="300px"
        )
        self.new_mobile = keypad(
            styled(
                ipw.Text(description=label("order.new_mobile")),
                "order",
                "new-mobile",
                width="300px",
            ),
            "tel",
        )
        self.new_create = hook(
            ipw.Button(description=label("order.create_customer")), "order", "new-create"
        )
        self.use_existing = hook(
            ipw.Button(layout=ipw.Layout(width="auto", display="none")), "order", "use-existing"
        )
        self._existing = None
        self.new_errors = FieldErrors("order", {"name": self.new_name, "mobile": self.new_mobile})
        self.new_box = ipw.VBox(
            [
                self.new_errors.row("name"),
                self.new_errors.row("mobile"),
                ipw.HBox([self.new_create, self.use_existing]),
            ],
            layout=ipw.Layout(display="none"),
        )
        self.new_toggle.observe(self._on_new_toggle, names="value")
        self.new_create.on_click(guard(self._on_create_customer, self.message, self.new_errors))
        self.use_existing.on_click(guard(self._on_use_existing, self.message))

    def _layout(self) -> list[ipw.Widget]:
        """The form top to bottom."""
        row = self.errors.row
        total = ipw.HBox(
            [ipw.HTML(f"<b>{label('order.total')}</b>"), self.total_text, self.breakdown]
        )
        total.add_class("so-order-totals")
        sticky(total)  # on a phone the total stays in view while the lines are entered
        return [
            ipw.HTML(STYLE, layout=ipw.Layout(display="none")),
            ipw.HBox([row("customer"), self.new_toggle]),
            self.new_box,
            row("channel"),
            *([self.sale] if self.sale is not None else []),
            *([self.ship_to] if self.ship_to is not None else []),
            ipw.HTML(f"<b>{label('order.lines')}</b>"),
            OrderLine.header(),
            row("lines"),
            self.add_line,
            row("discount"),
            row("shipping"),
            row("note"),
            total,
            self.save,
            self.message,
        ]

    # -- lines -----------------------------------------------------------------------

    def _append_line(self) -> OrderLine:
        """Add an empty line at the bottom and follow its changes."""
        line = OrderLine(self._products, self.sale.prices if self.sale is not None else None)
        line.observe(self._on_amounts, names=["product_id", "quantity", "unit_price"])
        line.observe(self._on_line_removed, names="removed")
        self._lines.append(line)
        self.lines_box.children = tuple(self._lines)
        return line

    @property
    def lines(self) -> list[OrderLine]:
        """The order's lines, top to bottom."""
        return list(self._lines)

    def _on_buyer_prices(self, change):
        """A new buyer's prices become the lines' default prices."""
        for line in self._lines:
            line.set_buyer_prices(change["new"])

    def _on_add_line(self, _button=None):
        """Add an empty line."""
        self._append_line()

    def _on_line_removed(self, change):
        """Drop a removed line and recount the total."""
        self._lines = [ln for ln in self._lines if ln is not change["owner"]]
        self.lines_box.children = tuple(self._lines)
        self._on_amounts()

    # -- live total --------------------------------------------------------------------

    def _on_amounts(self, _change=None):
        """Recount the total from the lines that have a product (blank while any is bad)."""
        picked = [ln for ln in self._lines if ln.product_id is not None]
        try:
            priced = self._price(
                [ln.line for ln in picked], self.discount.value, self.shipping.value
            )
        except ValidationError:
            priced = None
        amounts = [ln["amount"] for ln in priced["lines"]] if priced else [None] * len(picked)
        for line in self._lines:
            line.show_amount(amounts[picked.index(line)] if line in picked else None)
        self.total = priced["total"] if priced else None
        self._on_total()
        self.breakdown.value = (
            label(
                "order.breakdown",
                goods=money(priced["goods_amount"]),
                discount=money(priced["discount"]),
                shipping=money(priced["shipping"]),
            )
            if priced
            else ""
        )

    def _on_total(self, change=None):
        """Show the total as staff read it (¥1,234.50): ¥0.00 before any product is
        picked, a dash while a line or amount is not a number yet."""
        picked = any(ln.product_id is not None for ln in self._lines)
        total = self.total if picked or self.total is not None else Decimal("0")
        self.total_text.value = "—" if total is None else money(total)

    # -- customer ----------------------------------------------------------------------

    def _on_new_toggle(self, change):
        """Show or hide the inline new-customer box."""
        self.new_box.layout.display = "" if change["new"] else "none"

    def _on_create_customer(self, _button=None):
        """Create the customer from name and mobile, and choose them for this order."""
        self._offer_existing(None)
        try:
            row = self._create_customer(
                {"name": self.new_name.value, "mobile": self.new_mobile.value}
            )
        except DuplicateError as e:
            self._offer_existing(e.existing)
            raise ValidationError(_relabel(e.problems)) from None
        except ValidationError as e:
            raise ValidationError(_relabel(e.problems)) from None
        self._use(row)

    def _offer_existing(self, existing: dict | None) -> None:
        """Offer (or stop offering) the customer who already has that mobile."""
        self._existing = existing
        if existing:
            self.use_existing.description = label(
                "order.use_existing", code=existing["code"], name=existing["name"]
            )
        self.use_existing.layout.display = "" if existing else "none"

    def _on_use_existing(self, _button=None):
        """Choose the customer who already has the mobile typed, instead of a new one."""
        if self._existing:
            self._use(self._existing, created=False)

    def _use(self, row: dict, created: bool = True) -> None:
        """Choose `row` for this order and close the new-customer box."""
        self.picker.choose(row["id"], option_label(row))
        self._offer_existing(None)
        self.new_errors.clear()
        self.new_name.value = self.new_mobile.value = ""
        self.new_toggle.value = False
        if created:
            self.message.success(
                label("order.customer_created", code=row["code"], name=row["name"])
            )
        else:
            self.message.clear()

    # -- save --------------------------------------------------------------------------

    def _filled(self) -> list[OrderLine]:
        """The lines to save: blank ones (no product, no price) are left out, unless every
        line is blank, when the first one is kept so its missing product is pointed out."""
        filled = [ln for ln in self._lines if ln.product_id is not None or ln.unit_price.strip()]
        return filled or self._lines[:1]

    def _problems(self, lines: list[OrderLine]) -> list[Problem]:
        """What is wrong before asking the service: every field at once."""
        problems = []
        if self.customer_id is None:
            problems.append(Problem("customer", None, t("error.required", field="customer")))
        if not lines:
            problems.append(Problem("lines", None, t("error.no_lines", field="lines")))
        for number, line in enumerate(lines, 1):
            problems += self._line_problems(number, line)
        for field in ("discount", "shipping"):
            try:
                validate.money(getattr(self, field).value or "0", field)
            except ValidationError as e:
                problems += e.problems
        return problems

    @staticmethod
    def _line_problems(number: int, line: OrderLine) -> list[Problem]:
        """A line's missing product, bad quantity or bad price."""
        prefix = f"lines[{number}]."
        problems = []
        if line.product_id is None:
            problems.append(
                Problem(prefix + "product", None, t("error.required", field=prefix + "product"))
            )
        checks = {
            "q": lambda: validate.quantity(line.quantity, prefix + "quantity"),
            "p": lambda: validate.money(line.unit_price, prefix + "unit_price"),
        }
        try:
            validate.collect(checks)
        except ValidationError as e:
            problems += e.problems
        return problems

    def _on_save(self, _button=None):
        """Save the order; on any problem show it by its field and keep what was typed."""
        for line in self._lines:
            line.errors.clear()
        lines = self._filled()
        try:
            problems = self._problems(lines)
            if problems:
                raise ValidationError(problems)
            where = {"ship_to": self.ship_to.ship_to} if self.ship_to is not None else {}
            where |= {"agent": self.sale.value} if self.sale is not None else {}
            order = self._create_order(
                self.customer_id,
                [ln.line for ln in lines],
                channel=self.channel.value,
                discount=self.discount.value or "0",
                shipping=self.shipping.value or "0",
                note=self.note.value,
                **where,
            )
        except ValidationError as e:
            problems = self.ship_to.show_problems(e.problems) if self.ship_to else e.problems
            raise ValidationError(self._show_line_problems(lines, problems)) from None
        self._saved(order)

    @staticmethod
    def _show_line_problems(lines: list[OrderLine], problems: list[Problem]) -> list[Problem]:
        """Put `lines[N].x` problems next to line N; return the others, relabelled."""
        for number, line in enumerate(lines, 1):
            mine = [p for p in problems if p.field.startswith(f"lines[{number}].")]
            if mine:
                line.show_problems(mine)
        return _relabel([p for p in problems if not p.field.startswith("lines[")])

    def _saved(self, order: dict) -> None:
        """Say which order was saved and clear the form for the next one."""
        who = self.picker.chosen
        self.order_id, self.order_no = order["id"], order["order_no"]
        self.message.success(
            label(
                "order.saved", number=order["order_no"], customer=who, total=money(order["total"])
            )
        )
        self.reset()

    def reset(self) -> None:
        """An empty form: no customer, one empty line, no discount or shipping."""
        self.picker.term.value = ""
        self.picker.choose(None)
        choose(self.channel, None)  # the customer's or the shop's default, never a blank
        for box in (self.discount, self.shipping, self.note):
            box.value = ""
        self._lines = []
        self._append_line()
        self._on_amounts()
