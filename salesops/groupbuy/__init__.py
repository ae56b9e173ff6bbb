"""Group-buy lists (接龙): read the order list a WeChat group pasted into checked entries.

    from salesops.groupbuy import read_list, match_buyers
    reading = read_list(text, catalog)          # catalog: Products or dicts
    reading = match_buyers(reading, find)       # find(kind, value) -> customer codes
    print(reading.to_json())                    # what `import group-buy --json` prints

The modules, in reading order: `text` (numerals, quantities, prices, numbers, mobiles),
`catalog` (finding product names), `lines` (header, entries, ignored lines), `header`
(posted group prices), `entries` (one line's items, buyer and note), `items` (prices
and quantity checks), `reading` (the result and `read_list`), `buyers` (matching buyers
to customers), `problems` (the messages, in Chinese and English). These read without a
database; `store` (the database lookups, what identifies a list) and `service`
(`check_list`, `import_list`: the list into orders, all or nothing) are the database side.
"""

from .buyers import KINDS, match_buyers
from .catalog import Catalog, Product
from .header import Posted
from .items import Item
from .problems import Problem
from .reading import Entry, Reading, read_list

__all__ = [
    "KINDS",
    "Catalog",
    "Entry",
    "Item",
    "Posted",
    "Problem",
    "Product",
    "Reading",
    "match_buyers",
    "read_list",
]
