"""The products a list may name, and finding their names and aliases in a line.

A name is matched longest first, so `奶油草莓` beats `草莓`. When one text is the name or
alias of several products, an active product wins over a discontinued one; several
active ones are ambiguous and the reader says so rather than choosing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .text import fold


@dataclass(frozen=True)
class Product:
    """A catalogue product as the reader needs it: sku, name, aliases, price, active."""

    sku: str
    name: str
    aliases: tuple[str, ...] = ()
    price: Decimal = Decimal("0.00")
    active: bool = True

    @classmethod
    def of(cls, value: Product | Mapping) -> Product:
        """A Product from a Product or a dict with the same keys (price as text or number)."""
        if isinstance(value, Product):
            return value
        price = Decimal(str(value.get("price") or "0")).quantize(Decimal("0.01"))
        aliases = tuple(a for a in value.get("aliases") or () if a and a.strip())
        active = bool(value.get("active", True))
        return cls(str(value["sku"]), str(value["name"]), aliases, price, active)

    @property
    def names(self) -> tuple[str, ...]:
        """The name and every alias."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Match:
    """A product name found in a line: its span and the products it can mean."""

    start: int
    end: int
    products: tuple[Product, ...]

    @property
    def product(self) -> Product | None:
        """The one product meant, or None when the name is ambiguous."""
        return self.products[0] if len(self.products) == 1 else None


@dataclass
class Catalog:
    """Products indexed by the folded form of each name and alias."""

    products: list[Product]
    index: dict[str, tuple[Product, ...]] = field(default_factory=dict)

    def __post_init__(self):
        """Index every name and alias; an active product hides discontinued namesakes."""
        found: dict[str, dict[str, Product]] = {}
        for product in self.products:
            for name in product.names:
                found.setdefault(fold(name.strip()), {})[product.sku] = product
        self.index = {key: _preferred(p.values()) for key, p in found.items() if key}
        self.lengths = sorted({len(key) for key in self.index}, reverse=True)

    @classmethod
    def of(cls, products: Iterable) -> Catalog:
        """A Catalog from Products or dicts."""
        return cls([Product.of(p) for p in products])

    def find(self, folded: str, blocked: Iterable[tuple[int, int]] = ()) -> list[Match]:
        """Every product name in `folded`, longest first, left to right, outside `blocked`."""
        taken = [False] * len(folded)
        for start, end in blocked:
            taken[start:end] = [True] * (end - start)
        found, i = [], 0
        while i < len(folded):
            match = None if taken[i] else self._longest_at(folded, i, taken)
            found += [match] if match else []
            i = match.end if match else i + 1
        return found

    def _longest_at(self, folded: str, i: int, taken: list[bool]) -> Match | None:
        """The longest name starting at `i` that is free and stands as a word."""
        for length in (n for n in self.lengths if i + n <= len(folded)):
            key = folded[i : i + length]
            if key in self.index and not any(taken[i : i + length]):
                if _stands_alone(folded, i, i + length):
                    return Match(i, i + length, self.index[key])
        return None


def _preferred(products: Iterable[Product]) -> tuple[Product, ...]:
    """The active products among those sharing a name, or all of them if none is active."""
    products = tuple(products)
    active = tuple(p for p in products if p.active)
    return active or products


def _stands_alone(text: str, start: int, end: int) -> bool:
    """A Latin name must not be part of a longer Latin word ('kiwi' in 'kiwifruit')."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    inside = _latin(text[start]) and _latin(before)
    times = re.match(r"[xX]\s*\d", text[end:])  # 'kiwix2': kiwi times two
    return not inside and not (_latin(text[end - 1]) and _latin(after) and not times)


def _latin(c: str) -> bool:
    """Whether `c` is an ASCII letter."""
    return bool(c) and c.isascii() and c.isalpha()
