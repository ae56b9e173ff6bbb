"""The rules every save of an order follows, whichever path writes it: the statuses an
order may move between, how lines are priced and an order discount spread over them, the
costs kept with the order, and the conflict a stale screen gets.

salesops.orders (statement at a time, both databases) and salesops.order_saves
(PostgreSQL in two round trips) both apply these, so an order is checked and priced the
same way on either path. Prices and costs are copied onto each line at sale time, so
later price changes never rewrite history: line amount = quantity x unit price - line
discount; goods_amount = sum of line amounts; total = goods_amount + shipping. All money
is Decimal to the cent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from . import validate
from .errors import ConflictError, ValidationError
from .schema import ZERO
from .shipping.rules import shipment

TRANSITIONS = {
    "new": ("paid", "cancelled"),
    "paid": ("shipped", "cancelled", "refunded"),
    "shipped": ("completed", "refunded"),
    "completed": ("refunded",),
    "cancelled": (),
    "refunded": (),
}
NEEDS_REASON = ("cancelled", "refunded")
CENT = Decimal("0.01")


def allowed_next(status: str) -> tuple[str, ...]:
    """The statuses an order in `status` may move to."""
    return TRANSITIONS.get(status, ())


def price_lines(lines: Sequence[Mapping], discount=ZERO, shipping=ZERO) -> dict:
    """Totals for lines of {quantity, unit_price, discount?, unit_cost?}: the live form total.

    Returns {"lines": [... with amount], "goods_amount", "discount", "shipping", "total",
    "cost", "margin"}; raises ValidationError for bad numbers or a discount over the goods.
    """
    clean = [_clean_line(line, i) for i, line in enumerate(lines, 1)]
    if not clean:
        raise ValidationError.one("error.no_lines", "lines")
    discount = validate.money(discount or ZERO, "discount")
    shipping = validate.money(shipping or ZERO, "shipping")
    gross = sum((ln["quantity"] * ln["unit_price"] - ln["discount"] for ln in clean), ZERO)
    if discount > gross:
        raise ValidationError.one("error.discount_too_big", "discount", discount, limit=gross)
    _spread(clean, discount, gross)
    goods = sum((ln["amount"] for ln in clean), ZERO)
    costed = [ln for ln in clean if ln.get("unit_cost") is not None]
    cost = sum((ln["quantity"] * ln["unit_cost"] for ln in costed), ZERO)
    revenue = sum((ln["amount"] for ln in costed), ZERO)
    margin = ((revenue - cost) / revenue).quantize(Decimal("0.0001")) if revenue else None
    return {
        "lines": clean,
        "goods_amount": goods,
        "discount": discount,
        "shipping": shipping,
        "total": goods + shipping,
        "cost": cost,
        "margin": margin,
    }


def _clean_line(line: Mapping, number: int) -> dict:
    """One order line checked: quantity, price, discount, cost."""
    prefix = f"lines[{number}]."
    values = validate.collect(
        {
            "quantity": lambda: validate.quantity(line.get("quantity"), prefix + "quantity"),
            "unit_price": lambda: validate.money(line.get("unit_price"), prefix + "unit_price"),
            "discount": lambda: validate.money(line.get("discount") or ZERO, prefix + "discount"),
            "unit_cost": lambda: validate.money(line.get("unit_cost"), prefix + "unit_cost", True),
        }
    )
    if values["discount"] > values["quantity"] * values["unit_price"]:
        raise ValidationError.one(
            "error.discount_too_big",
            prefix + "discount",
            values["discount"],
            limit=values["quantity"] * values["unit_price"],
        )
    return {**line, **values}


def _spread(lines: list[dict], discount: Decimal, gross: Decimal) -> None:
    """Spread an order discount over lines by value (last line takes the rounding rest)."""
    left = discount
    for i, ln in enumerate(lines):
        net = ln["quantity"] * ln["unit_price"] - ln["discount"]
        share = (
            left
            if i == len(lines) - 1
            else ((discount * net / gross).quantize(CENT, ROUND_HALF_UP) if gross else ZERO)
        )
        share = min(share, net)
        left -= share
        ln["discount"] += share
        ln["amount"] = net - share


def kept_costs(lines: list[dict]) -> dict:
    """costed_goods and goods_cost of priced lines, as the order_lines triggers (migration
    0007) compute them: given with the order, PostgreSQL's trigger finds them right and
    leaves the row alone instead of writing it a second time."""
    costed = [ln for ln in lines if ln.get("unit_cost") is not None]
    if not costed:
        return {"costed_goods": None, "goods_cost": None}
    return {
        "costed_goods": sum((ln["amount"] for ln in costed), ZERO),
        "goods_cost": sum((ln["unit_cost"] * ln["quantity"] for ln in costed), ZERO),
    }


def line_of(product: Mapping, line: Mapping, price) -> dict:
    """An order line of `product` as `line` asks for it, at `price` (None or '': the
    product's own price)."""
    return {
        "product_id": product["id"],
        "sku": product["sku"],
        "product_name": product["name"],
        "quantity": line.get("quantity"),
        "discount": line.get("discount"),
        "unit_price": product["price"] if price is None or price == "" else price,
        "unit_cost": product["unit_cost"],
    }


def stale(order: dict) -> ConflictError:
    """The conflict of a screen that showed `order` at an older version: who moved it on."""
    return ConflictError("order", order["order_no"], order["updated_by"], order["updated_at"])


def check_transition(old: str, new: str) -> None:
    """ValidationError unless an order in `old` may move to `new`."""
    if new not in allowed_next(old):
        raise ValidationError.one(
            "error.transition",
            "status",
            old,
            target=new,
            accepted=", ".join(allowed_next(old)) or "-",
        )


def new_values(to_status: str, courier=None, tracking_no=None) -> dict:
    """The order's columns a move to `to_status` sets (shipping: how it went out)."""
    values = {"status": to_status}
    if to_status == "shipped":
        values.update(shipment(courier, tracking_no, required=True))
    return values
