"""Customer search as people type: name prefix, mobile fragment, WeChat ID, code.

`search_customers(db, "138 0013")` returns up to `limit` live customers as plain dicts
(id, code, name, mobile, wechat_id, region, is_agent); the next page is
`search_customers(db, same_text, after=<id of the last row shown>)`.

What was typed decides where to look (after NFKC folding, so full-width digits and letters
count as ASCII):
- a phone number or a fragment of one, in any format (`+86 138-0013`, `１３８ ００１３`):
  mobiles containing those digits anywhere (3 digits or more; 1-2 digits: mobiles starting
  with them);
- anything else: codes starting with it (any case), then WeChat IDs starting with it (any
  case), then names starting with it (as written: Latin names are case-sensitive); only
  ASCII text can be a code or a WeChat ID.

Every part is one indexed query walked in index order with a keyset (never OFFSET), so a
page costs the same on page 1 and page 500, and at 2,000 or 1,000,000 customers: name, code
and WeChat ID by B-tree range, mobile fragments by trigram index (FTS5 on SQLite, pg_trgm on
PostgreSQL; migration 0004_search). The SQL is in queries/customers.sql
(search_customers_by_*). Results come in parts (codes, then WeChat IDs, then names), each in
its own order: exact matches first, since a prefix sorts before its extensions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from .db import Database
from .queries import fetch_all

DEFAULT_LIMIT = 20
MAX_LIMIT = 200
MAX_TEXT = 64  # longer input cannot match a name, code or WeChat ID: it is cut here
PHONE_LIKE = re.compile(r"\+?[\d\s\-().]+")
PHONE_NOISE = re.compile(r"[\s\-().]")
ASCII_WORD = re.compile(r"[A-Za-z0-9_\-]+")
SPACES = re.compile(r"\s+")
FRAGMENT_MIN = 3  # the trigram indexes need 3 characters


@dataclass(frozen=True)
class Part:
    """One place to look: a named query, the column it walks and the prefix sought in it."""

    query: str
    column: str  # the row key the keyset follows: code, wechat_key, name, mobile or id
    prefix: str = ""

    def matches(self, row: dict) -> bool:
        """Whether `row` belongs to this part (decides which part an `after` row is in)."""
        if self.column == "id":
            return self.prefix in (row["mobile"] or "")
        return (_key(row, self.column) or "").startswith(self.prefix)


def normalise(text: str | None) -> str:
    """What was typed, as searched: NFKC-folded (full-width digits and letters become
    ASCII, the ideographic space a space), trimmed, inner runs of spaces made one."""
    folded = unicodedata.normalize("NFKC", text or "")
    return SPACES.sub(" ", folded).strip()[:MAX_TEXT]


def phone_digits(term: str) -> str | None:
    """The digits of a phone number or fragment ('+86 138-0013' -> '1380013'), else None."""
    if not PHONE_LIKE.fullmatch(term) or not any(ch.isdigit() for ch in term):
        return None
    digits = PHONE_NOISE.sub("", term)
    for country in ("+86", "0086", "+"):
        if digits.startswith(country):
            return digits[len(country) :] if country != "+" else digits
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return digits


def plan(text: str | None) -> list[Part]:
    """The parts to search, in the order their results are listed."""
    term = normalise(text)
    if not term:
        return []
    digits = phone_digits(term)
    if digits is not None:
        if len(digits.lstrip("+")) >= FRAGMENT_MIN:
            return [Part("search_customers_by_mobile_fragment", "id", digits)]
        return [Part("search_customers_by_mobile_start", "mobile", digits)]
    parts = []
    if ASCII_WORD.fullmatch(term):
        parts += [
            Part("search_customers_by_code", "code", term.upper()),
            Part("search_customers_by_wechat", "wechat_key", term.lower()),
        ]
    return [*parts, Part("search_customers_by_name", "name", term)]


def search_customers(
    db: Database | sa.Connection,
    text: str | None,
    limit: int = DEFAULT_LIMIT,
    after: int | None = None,
) -> list[dict]:
    """Up to `limit` live customers matching `text` (see the module docstring), as dicts of
    id, code, name, mobile, wechat_id, region, is_agent; `after` = the id of the last row of
    the previous page gives the next page ([] once the list is exhausted, or when that
    customer no longer matches)."""
    parts = plan(text)
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not parts:
        return []
    if isinstance(db, sa.Connection):
        return _search(db, parts, limit, after)
    with db.read() as conn:
        return _search(conn, parts, limit, after)


def _search(conn: sa.Connection, parts: list[Part], limit: int, after: int | None) -> list[dict]:
    """Fill one page from the parts in order, starting at the `after` row's position."""
    start, cursor = 0, None
    if after is not None:
        row = _row(conn, after)
        start = next((i for i, p in enumerate(parts) if row and p.matches(row)), None)
        if start is None:
            return []
        cursor = (_key(row, parts[start].column), row["id"])
    found: list[dict] = []
    for i in range(start, len(parts)):
        earlier = parts[:i]
        for row in _walk(conn, parts[i], cursor if i == start else None, limit):
            # A customer found by an earlier part was listed there already.
            if not any(p.matches(row) for p in earlier):
                found.append(row)
                if len(found) == limit:
                    return found
    return found


def _walk(conn: sa.Connection, part: Part, cursor: tuple | None, size: int) -> Iterator[dict]:
    """Every row of one part from `cursor` on, fetched `size` at a time."""
    key, last_id = cursor or ("", 0)
    while True:
        rows = _page(conn, part, key, last_id, size)
        yield from rows
        if len(rows) < size:
            return
        key, last_id = _key(rows[-1], part.column), rows[-1]["id"]


def _page(conn: sa.Connection, part: Part, key, last_id: int, size: int) -> list[dict]:
    """One page of one part's query after (key, last_id)."""
    if part.column == "id":
        return fetch_all(conn, part.query, fragment=part.prefix, after_id=last_id, limit=size)
    return fetch_all(
        conn,
        part.query,
        prefix=part.prefix,
        prefix_end=_successor(part.prefix),
        after_key=key or "",
        after_id=last_id,
        limit=size,
    )


def _row(conn: sa.Connection, customer_id: int) -> dict | None:
    """The search columns of one customer, or None."""
    from .schema import customers as c

    q = sa.select(c.c.id, c.c.code, c.c.name, c.c.mobile, c.c.wechat_id).where(
        c.c.id == int(customer_id), c.c.deleted_at.is_(None)
    )
    row = conn.execute(q).first()
    return dict(row._mapping) if row else None


def _key(row: dict, column: str):
    """The value of the column a part walks, from a result row."""
    if column == "wechat_key":
        return row["wechat_id"] and row["wechat_id"].lower()
    return row[column]


def _successor(prefix: str) -> str:
    """The first string, in code-point order, after every string starting with `prefix`."""
    head, last = prefix[:-1], ord(prefix[-1]) + 1
    if 0xD800 <= last < 0xE000:  # surrogates cannot be stored; skip past them
        last = 0xE000
    return head + chr(min(last, 0x10FFFF))
