"""Turning the product names found in an entry into Items, and saying what is unclear.

An item's price is the group price posted in the header, else the catalogue price. A
quantity must be a whole number of at least 1: a fraction (`半斤`, `1.5斤`) or 0 leaves
the quantity empty for a person to settle with the buyer, since orders take whole
quantities; more than BIG is kept but flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .catalog import Product
from .entries import Found
from .header import Posted
from .text import GENERIC_UNITS, Quantity

BIG = 99  # more than this many of one product in one entry is worth a second look
Say = Callable[..., None]  # say(message key, **params): a problem of this entry


@dataclass
class Item:
    """One product in an entry: sku (None if unknown or ambiguous), quantity (None if it
    is not a whole number of at least 1), unit price and the text it was read from."""

    sku: str | None
    name: str
    written: str
    quantity: int | None
    unit: str | None = None
    unit_price: Decimal | None = None
    candidates: tuple[str, ...] = ()

    @property
    def amount(self) -> Decimal | None:
        """quantity x unit price, or None when either is unknown."""
        if self.quantity is None or self.unit_price is None:
            return None
        return (self.unit_price * self.quantity).quantize(Decimal("0.01"))

    def as_dict(self) -> dict:
        """The item in the issue's JSON shape (money as a string)."""
        price = None if self.unit_price is None else f"{self.unit_price:.2f}"
        return {"sku": self.sku, "quantity": self.quantity, "unit_price": price}


def item(f: Found, text: str, posted: dict[str, Posted], say: Say) -> Item:
    """The Item for a name found in `text` (the entry line as written)."""
    written = text[f.span[0] : f.span[1]].strip()
    word = text[f.start : f.end]
    product = f.match.product if f.match else None
    quantity, unit = _quantity(f, text, product.name if product else word, say)
    if product is None:
        return _unresolved(f, word, written, quantity, unit, say)
    _check_product(product, posted.get(product.sku), unit, written, say)
    price = posted[product.sku].price if product.sku in posted else product.price
    return Item(product.sku, product.name, written, quantity, unit, price)


def _unresolved(f: Found, word: str, written: str, quantity, unit, say: Say) -> Item:
    """An item whose word is no product, or several: kept with its quantity, no sku."""
    if f.match is None:
        say("unknown_product", word=word)
        return Item(None, word, written, quantity, unit)
    choices = "、".join(f"{p.name} ({p.sku})" for p in f.match.products)
    say("ambiguous_product", word=word, choices=choices)
    skus = tuple(p.sku for p in f.match.products)
    return Item(None, word, written, quantity, unit, candidates=skus)


def _check_product(product: Product, post: Posted | None, unit, written: str, say: Say) -> None:
    """Report a discontinued product, or a unit other than the one the price is for."""
    if not product.active:
        say("inactive_product", name=product.name, sku=product.sku)
    if post and post.unit and unit and unit not in GENERIC_UNITS and unit != post.unit:
        say("unit", name=product.name, posted=post.unit, written=written)


def _quantity(f: Found, text: str, name: str, say: Say) -> tuple[int | None, str | None]:
    """The whole quantity of a found item (1 when none is written) and its unit."""
    if f.before and f.after:
        first, second = (_written(text, q) for q in (f.before, f.after))
        say("two_quantities", name=name, first=first, second=second)
        return None, None
    q = f.before or f.after
    if q is None:
        return 1, None
    return _whole(q, _written(text, q), name, say), q.unit


def _written(text: str, q: Quantity) -> str:
    """A quantity as written."""
    return text[q.start : q.end].strip()


def _whole(q: Quantity, written: str, name: str, say: Say) -> int | None:
    """The quantity as a whole number, or None (and a problem) for a fraction or 0."""
    if q.value != q.value.to_integral_value():
        say("fraction", name=name, written=written)
        return None
    if q.value == 0:
        say("zero", name=name, written=written)
        return None
    if q.value > BIG:
        say("big", name=name, quantity=int(q.value), limit=BIG)
    return int(q.value)
