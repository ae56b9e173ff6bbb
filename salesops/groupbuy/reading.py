"""`read_list`: a pasted group-buy list read into entries, each one buyer's order.

The reading is pure: it needs the text and the catalogue, never a database. Matching the
buyers to customers is `salesops.groupbuy.buyers.match_buyers`; writing orders is the
integrator's. Nothing here raises on odd text: whatever cannot be read becomes a problem
for a person, on the entry or on the list.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import dropwhile

from .catalog import Catalog
from .entries import Piece, read_line
from .header import Posted, posted_prices
from .items import Item, Say, item
from .lines import Group, Layout, Line, is_aside, is_blank, is_example, layout, split
from .problems import Problem, problem
from .text import fold, mobiles, prices


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
    problems += [p for line in _may_stray(shape) if (p := _stray(line, catalog))]
    if not entries:
        problems.append(problem("no_entries"))
    ignored = sorted(line.number for line in shape.header + shape.ignored)
    return Reading(entries, ignored, posted, problems)


def _may_stray(shape: Layout) -> list[Line]:
    """Lines left aside where a forgotten order could be: the header after its first
    blank, separator or example line (before it: title, prices, '草莓2盒起送'), and every
    line ignored after the entries started."""
    header = list(dropwhile(lambda line: not is_aside(line), shape.header))
    return sorted(header + shape.ignored, key=lambda line: line.number)


def _names_something(line: Line, catalog: Catalog) -> bool:
    """Whether a line names a product or holds a mobile number."""
    return bool(catalog.find(fold(line.text)) or mobiles(line.norm))


def _stray(line: Line, catalog: Catalog) -> Problem | None:
    """A problem when a line that is no entry names a product with a quantity (a mobile
    alone is the seller's contact, not an order)."""
    if is_blank(line) or is_example(line) or prices(line.norm):
        return None
    piece = read_line(line.text[line.body_start :], catalog, first=False)
    named = [f.match.products[0].name for f in piece.found if f.match and (f.before or f.after)]
    if not named:
        return None
    return problem("stray", line=line.number, names="、".join(dict.fromkeys(named)))


def _entry(group: Group, catalog: Catalog, posted: dict[str, Posted]) -> Entry:
    """Read the lines of one entry into an Entry."""
    pieces = [
        read_line(line.text[line.body_start :], catalog, first=i == 0)
        for i, line in enumerate(group.lines)
    ]
    lines = tuple(line.number for line in group.lines)
    entry = Entry(group.number, lines[0], pieces[0].buyer, None, [], "", lines=lines)
    say = _sayer(entry)
    entry.items = [item(f, piece.text, posted, say) for piece in pieces for f in piece.found]
    numbers = list(dict.fromkeys(m.number for piece in pieces for m in piece.mobiles))
    entry.mobile = numbers[0] if numbers else None
    entry.note = " ".join(note for piece in pieces for note in piece.notes)
    _check(entry, group, pieces, numbers, say)
    return entry


def _sayer(entry: Entry) -> Say:
    """say(key, **params): add a problem naming `entry`."""
    return lambda key, **params: entry.problems.append(problem(key, entry=entry.number, **params))


def _check(entry: Entry, group: Group, pieces: list[Piece], numbers: list[str], say) -> None:
    """Add the entry-wide problems: repeated products, joined lines, two mobiles, no
    items, no buyer, a cancellation."""
    skus = Counter(item.sku for item in entry.items if item.sku)
    for name in dict.fromkeys(i.name for i in entry.items if i.sku and skus[i.sku] > 1):
        say("repeated", name=name)
    for line, piece in zip(group.lines[1:], pieces[1:], strict=True):
        if piece.found:
            say("joined", line=line.number)
    if len(numbers) > 1:
        say("two_mobiles", first=numbers[0], second=numbers[1])
    if not entry.items:
        say("no_items")
    if not entry.buyer and not entry.mobile:
        say("no_buyer")
    for word in dict.fromkeys(piece.cancel for piece in pieces if piece.cancel):
        say("cancelled", word=word)


def _same_numbers(entries: list[Entry]) -> None:
    """Report an entry whose number an earlier entry already has."""
    first: dict[int, int] = {}
    for entry in entries:
        if entry.number in first:
            _sayer(entry)("same_number", line=entry.line, first_line=first[entry.number])
        first.setdefault(entry.number, entry.line)
