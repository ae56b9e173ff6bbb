"""Matching the buyers of a reading to customers, through a lookup the caller provides.

The reader knows no database; the integrator passes `find(kind, value)`, which returns
the codes of the active customers whose `kind` equals `value`. Kinds are tried in this
order, and the first that finds anyone decides: the mobile (normalised), the buyer text as
a WeChat ID (case-insensitive, only when it could be one), as a nickname, then as a name.
One code is the customer; several are a problem for a person to choose; none leaves the
customer empty, a proposed new customer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from .. import validate
from .problems import problem
from .reading import Entry, Reading

KINDS = ("mobile", "wechat", "nickname", "name")
Find = Callable[[str, str], Iterable[str]]


def match_buyers(reading: Reading, find: Find) -> Reading:
    """A copy of `reading` with each entry's customer code filled in by `find`."""
    return replace(reading, entries=[_matched(entry, find) for entry in reading.entries])


def _matched(entry: Entry, find: Find) -> Entry:
    """The entry with its customer, or with a problem when several customers fit."""
    for kind, value in _keys(entry):
        codes = list(dict.fromkeys(find(kind, value)))
        if len(codes) == 1:
            return replace(entry, customer=codes[0])
        if codes:
            found = problem(
                "ambiguous_buyer", entry=entry.number, buyer=value, codes="、".join(codes)
            )
            return replace(entry, customer=None, problems=[*entry.problems, found])
    return replace(entry, customer=None)


def _keys(entry: Entry) -> Iterator[tuple[str, str]]:
    """(kind, value) pairs to look the buyer up by, in the order they are tried."""
    if entry.mobile:
        yield "mobile", entry.mobile
    buyer = entry.buyer.strip()
    if buyer and validate.WECHAT.fullmatch(buyer):
        yield "wechat", validate.wechat_key(buyer)
    if buyer:
        yield "nickname", buyer
        yield "name", buyer
