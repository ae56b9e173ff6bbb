"""The prices a seller posts in the list's header: `草莓 39元/盒 车厘子 99元/斤`.

Each price belongs to the nearest product name before it on the same line (with no other
price in between). A posted price becomes the group price of that product for this list;
a product without one is sold at its catalogue price. A price whose product is not in the
catalogue, or a second price for the same product, is reported, never chosen silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .catalog import Catalog, Match
from .lines import Line, is_example
from .problems import Problem, problem
from .text import Price, fold, prices

WORD_BEFORE = re.compile(r"([^\W\d_]+)[\s:(（]*$")


@dataclass(frozen=True)
class Posted:
    """A group price posted in the header: product, price, unit (if any) and line."""

    sku: str
    price: Decimal
    unit: str | None
    line: int


def posted_prices(lines: list[Line], catalog: Catalog) -> tuple[dict[str, Posted], list[Problem]]:
    """The group prices posted in `lines` by sku, and what to check about them."""
    posted: dict[str, Posted] = {}
    problems: list[Problem] = []
    for line in lines:
        if not is_example(line):
            for match, price in _priced(line, catalog, problems):
                _post(posted, problems, line, match, price)
    return posted, problems


def _priced(line: Line, catalog: Catalog, problems: list[Problem]):
    """(product name, price) pairs on `line`; prices of unknown products are reported."""
    found = prices(line.norm)
    matches = catalog.find(fold(line.text), [(p.start, p.end) for p in found])
    previous = 0
    for price in found:
        before = [m for m in matches if previous <= m.start and m.end <= price.start]
        if before:
            yield before[-1], price
        elif price.unit:
            _unknown(line, previous, price, problems)
        previous = price.end


def _unknown(line: Line, previous: int, price: Price, problems: list[Problem]) -> None:
    """Report a price per unit whose product is no catalogue product ('榴莲 59元/个') or
    is not named on its line ('39元/盒' under a line that names the product)."""
    m = WORD_BEFORE.search(line.norm, previous, price.start)
    written = line.text[price.start : price.end]
    if m:
        word = line.text[m.start(1) : m.end(1)]
        problems.append(problem("unknown_priced", line=line.number, word=word))
    else:
        problems.append(problem("unnamed_price", line=line.number, price=written))


def _post(posted: dict, problems: list, line: Line, match: Match, price: Price) -> None:
    """Record the price of `match`'s product, or report an ambiguous or second price."""
    product = match.product
    word = line.text[match.start : match.end]
    if product is None:
        choices = "、".join(f"{p.name} ({p.sku})" for p in match.products)
        problems.append(problem("ambiguous_priced", line=line.number, word=word, choices=choices))
    elif product.sku not in posted:
        posted[product.sku] = Posted(product.sku, price.amount, price.unit, line.number)
    elif posted[product.sku].price != price.amount:
        first = posted[product.sku].price
        second = price.amount
        problems.append(
            problem("two_prices", line=line.number, name=product.name, first=first, second=second)
        )
