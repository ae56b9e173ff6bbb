"""Where an order goes: the customer's default address, another of theirs, a new one typed
or pasted with the order (and kept in their book if wished), or none (self pickup)."""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from salesops.errors import Problem, ValidationError
from salesops.messages import add

from .address_fields import FIELDS, AddressFields
from .common import hook, label, styled

add(
    {
        "en": {
            "shipto.label": "Ship to",
            "shipto.new": "New address…",
            "shipto.none": "No address (self pickup, or not known yet)",
            "shipto.default": "★ ",
            "shipto.save": "Keep it in the customer's addresses",
        },
        "zh_CN": {
            "shipto.label": "收货地址",
            "shipto.new": "新地址…",
            "shipto.none": "不填地址（自提，或稍后补）",
            "shipto.default": "★ ",
            "shipto.save": "同时存入客户的收货地址",
        },
    }
)
NEW = -1  # the dropdown's value for "a new address"
NO_ADDRESS = 0  # ... and for none (a Dropdown shows a value of None as a blank)


class ShipToPicker(ipw.VBox):
    """The ship-to of the order being entered for customer `customer_id`.

    `addresses(customer_id)` lists the customer's addresses (rows with `id`, `line`,
    `is_default`); `fields` is an AddressFields for a new one. `ship_to` is what
    salesops.orders.create_order takes: an address id, a dict of a new address (with
    `save`), or None. Hooks: so-order-ship_to (the dropdown), so-order-ship_save.
    """

    customer_id = traitlets.Int(None, allow_none=True)

    def __init__(self, addresses, fields: AddressFields, **kwargs):
        self._addresses = addresses
        self.fields = fields
        self.choice = styled(
            ipw.Dropdown(
                options=[(label("shipto.none"), NO_ADDRESS)], description=label("shipto.label")
            ),
            "order",
            "ship_to",
            width="560px",
        )
        self.choice.layout.max_width = "calc(100% - 4px)"
        self.keep = hook(
            ipw.Checkbox(value=True, description=label("shipto.save"), indent=False),
            "order",
            "ship_save",
        )
        self.new_box = ipw.VBox([self.fields, self.keep], layout=ipw.Layout(display="none"))
        self.choice.observe(self._on_choice, names="value")
        self.observe(self._on_customer, names="customer_id")
        super().__init__([self.choice, self.new_box], **kwargs)

    def _on_customer(self, _change=None):
        """Offer the customer's addresses, their default chosen."""
        rows = self._addresses(self.customer_id) if self.customer_id is not None else []
        mark = label("shipto.default")
        options = [((mark if r["is_default"] else "") + r["line"], r["id"]) for r in rows]
        if self.customer_id is not None:
            options.append((label("shipto.new"), NEW))
        self.choice.options = [*options, (label("shipto.none"), NO_ADDRESS)]
        default = next((r["id"] for r in rows if r["is_default"]), NO_ADDRESS)
        self.choice.value = default
        self.fields.clear()

    def _on_choice(self, change):
        """Show the new-address fields only for a new address."""
        self.new_box.layout.display = "" if change["new"] == NEW else "none"

    @property
    def ship_to(self):
        """The ship-to for create_order: an address id, a new address (dict), or None."""
        if self.choice.value == NEW:
            return {**self.fields.values, "save": self.keep.value}
        return self.choice.value or None

    def show_problems(self, problems: list[Problem]) -> list[Problem]:
        """Put a new address's problems next to its fields; return the others."""
        if self.choice.value != NEW:
            return problems
        mine = [p for p in problems if p.field in FIELDS]
        if mine:
            self.fields.errors.show(ValidationError(mine))
        return [p for p in problems if p.field not in FIELDS]

    def reset(self) -> None:
        """No customer, so no address."""
        self.customer_id = None
        self._on_customer()
