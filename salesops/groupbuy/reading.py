"""`read_list`: a pasted group-buy list read into entries, each one buyer's order.

The reading is pure: it needs the text and the catalogue, never a database. Matching the
buyers to customers is `salesops.groupbuy.buyers.match_buyers`; writing orders is the
integrator's. Nothing here raises on odd text: whatever cannot be read becomes a problem
for a person, on the entry or on the list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from .catalog import Catalog, Product
from .entries import Found, Piece, read_line
from .header import Posted, posted_prices
from .lines import Group, Line, is_blank, is_example, layout, split
from .problems import Problem, problem
from .text import GENERIC_UNITS, fold, mobiles, prices

BIG = 99  # more than this many of one product in one entry is worth a second look


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


@dataclass
class Entry:
    """One buyer's order as the list numbers it, with what a person must check."""

    number: int
    line: int
    buyer: str
    mobile: str | None
    items: list[Item]
    note: str
    problems: list[Problem] = field(default_factory=list)
    lines: tuple[int, ...] = ()
    customer: str | None = None  # a customer code, filled by match_buyers

    def as_dict(self, lang: str | None = None) -> dict:
        """The entry in the issue's JSON shape, problems in `lang`."""
        return {
            "entry": self.number,
            "buyer": self.buyer,
            "mobile": self.mobile,
            "customer": self.customer,
            "items": [item.as_dict() for item in self.items],
            "note": self.note,
            "problems": [p.text(lang) for p in self.problems],
        }


@dataclass
class Reading:
    """What a list says: its entries, the lines that are not entries, the group prices
    posted in its header (by sku) and the problems of the list as a whole."""

    entries: list[Entry]
    ignored_lines: list[int]
    prices: dict[str, Posted]
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self, lang: str | None = None) -> dict:
        """The reading in the issue's JSON shape."""
        return {
            "orders": [entry.as_dict(lang) for entry in self.entries],
            "ignored_lines": self.ignored_lines,
            "problems": [p.text(lang) for p in self.problems],
        }

    def to_json(self, lang: str | None = None, indent: int | None = None) -> str:
        """The reading as JSON text in the issue's shape (UTF-8 characters kept)."""
        return json.dumps(self.as_dict(lang), ensure_ascii=False, indent=indent)


def read_list(text: str, catalog) -> Reading:
    """Read a pasted group-buy list against `catalog` (Products, dicts or a Catalog)."""
    catalog = catalog if isinstance(catalog, Catalog) else Catalog.of(catalog)
    lines = split(text)
    shape = layout(lines, lambda line: _names_something(line, catalog))
    posted, problems = posted_prices(shape.header, catalog)
    entries = [_entry(group, catalog, posted) for group in shape.groups]
    _same_numbers(entries)
    aside = sorted(shape.header + shape.ignored, key=lambda line: line.number)
    problems += [p for line in aside if (p := _stray(line, catalog))]
    if not entries:
        problems.append(problem("no_entries"))
    return Reading(entries, [line.number for line in aside], posted, problems)


def _names_something(line: Line, catalog: Catalog) -> bool:
    """Whether a line names a product or holds a mobile number."""
    return bool(catalog.find(fold(line.text)) or mobiles(line.norm))


def _stray(line: Line, catalog: Catalog) -> Problem | None:
    """A problem when a line that is no entry still reads like an order."""
    if is_blank(line) or is_example(line) or prices(line.norm):
        return None
    piece = read_line(line.text[line.body_start :], catalog, first=False)
    named = [f.match.products[0].name for f in piece.found if f.match and (f.before or f.after)]
    named += [m.number for m in piece.mobiles]
    if not named:
        return None
    return problem("stray", line=line.number, names="、".join(dict.fromkeys(named)))


def _entry(group: Group, catalog: Catalog, posted: dict[str, Posted]) -> Entry:
    """Read the lines of one entry into an Entry."""
    n = group.number
    pieces = [
        read_line(line.text[line.body_start :], catalog, first=i == 0)
        for i, line in enumerate(group.lines)
    ]
    problems: list[Problem] = []
    items = [_item(f, piece, posted, n, problems) for piece in pieces for f in piece.found]
    numbers = list(dict.fromkeys(m.number for piece in pieces for m in piece.mobiles))
    entry = Entry(
        n,
        group.lines[0].number,
        pieces[0].buyer,
        numbers[0] if numbers else None,
        items,
        " ".join(note for piece in pieces for note in piece.notes),
        problems,
        tuple(line.number for line in group.lines),
    )
    _check(entry, group, pieces, numbers)
    return entry


def _check(entry: Entry, group: Group, pieces: list[Piece], numbers: list[str]) -> None:
    """Add the entry-wide problems: repeated products, joined lines, two mobiles, no
    items, no buyer, a cancellation."""
    n, problems = entry.number, entry.problems
    skus = [item.sku for item in entry.items if item.sku]
    for sku in dict.fromkeys(s for s in skus if skus.count(s) > 1):
        name = next(item.name for item in entry.items if item.sku == sku)
        problems.append(problem("repeated", entry=n, name=name))
    for line, piece in zip(group.lines[1:], pieces[1:], strict=True):
        if piece.found:
            problems.append(problem("joined", entry=n, line=line.number))
    if len(numbers) > 1:
        problems.append(problem("two_mobiles", entry=n, first=numbers[0], second=numbers[1]))
    if not entry.items:
        problems.append(problem("no_items", entry=n))
    if not entry.buyer and not entry.mobile:
        problems.append(problem("no_buyer", entry=n))
    for word in dict.fromkeys(piece.cancel for piece in pieces if piece.cancel):
        problems.append(problem("cancelled", entry=n, word=word))


def _item(f: Found, piece: Piece, posted: dict, n: int, problems: list[Problem]) -> Item:
    """The Item for a found name; what is unclear about it goes to `problems`."""
    written = piece.text[f.span[0] : f.span[1]].strip()
    word = piece.text[f.start : f.end]
    product = f.match.product if f.match else None
    quantity, unit = _quantity(f, piece, product.name if product else word, n, problems)
    if f.match is None:
        problems.append(problem("unknown_product", entry=n, word=word))
        return Item(None, word, written, quantity, unit)
    if product is None:
        choices = "、".join(f"{p.name} ({p.sku})" for p in f.match.products)
        problems.append(problem("ambiguous_product", entry=n, word=word, choices=choices))
        return Item(
            None, word, written, quantity, unit, None, tuple(p.sku for p in f.match.products)
        )
    _check_product(product, posted.get(product.sku), unit, written, n, problems)
    price = posted[product.sku].price if product.sku in posted else product.price
    return Item(product.sku, product.name, written, quantity, unit, price)


def _check_product(product: Product, post: Posted | None, unit, written, n, problems) -> None:
    """Report a discontinued product, or a unit other than the one the price is for."""
    if not product.active:
        problems.append(problem("inactive_product", entry=n, name=product.name, sku=product.sku))
    if post and post.unit and unit and unit not in GENERIC_UNITS and unit != post.unit:
        problems.append(
            problem("unit", entry=n, name=product.name, posted=post.unit, written=written)
        )


def _quantity(f: Found, piece: Piece, name: str, n: int, problems) -> tuple[int | None, str | None]:
    """The whole quantity of a found item and its unit; anything else is a problem."""
    if f.before and f.after:
        first, second = (piece.text[q.start : q.end].strip() for q in (f.before, f.after))
        problems.append(problem("two_quantities", entry=n, name=name, first=first, second=second))
        return None, None
    q = f.before or f.after
    if q is None:
        return 1, None
    written = piece.text[q.start : q.end].strip()
    if q.value != q.value.to_integral_value():
        problems.append(problem("fraction", entry=n, name=name, written=written))
        return None, q.unit
    if q.value == 0:
        problems.append(problem("zero", entry=n, name=name, written=written))
        return None, q.unit
    if q.value > BIG:
        problems.append(problem("big", entry=n, name=name, quantity=int(q.value), limit=BIG))
    return int(q.value), q.unit


def _same_numbers(entries: list[Entry]) -> None:
    """Report an entry whose number an earlier entry already has."""
    first: dict[int, int] = {}
    for entry in entries:
        if entry.number in first:
            entry.problems.append(
                problem(
                    "same_number",
                    entry=entry.number,
                    line=entry.line,
                    first_line=first[entry.number],
                )
            )
        first.setdefault(entry.number, entry.line)
