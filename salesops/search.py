"""Customer search as people type: name prefix, mobile fragment, WeChat ID, code.

`search_customers(db, "138 0013")` returns up to `limit` live customers as plain dicts
(id, code, name, mobile, wechat_id, region, is_agent, nickname); the next page is
`search_customers(db, same_text, after=<id of the last row shown>)`.

What was typed decides where to look (after NFKC folding, so full-width digits and letters
count as ASCII):
- a phone number or a fragment of one, in any format (`+86 138-0013`, `１３８ ００１３`):
  mobiles containing those digits anywhere (3 digits or more; 1-2 digits: mobiles starting
  with them);
- anything else: codes starting with it (any case; only for letters then digits, like
  C000123), then WeChat IDs starting with it (any case; ASCII text only), then names
  starting with it (as written: Latin names are case-sensitive), then WeChat nicknames
  (微信昵称) starting with it (as written).

Every part is one indexed query walked in index order with a keyset (never OFFSET), so a
page costs the same on page 1 and page 500, and at 2,000 or 1,000,000 customers: name,
code, nickname and WeChat ID by B-tree range, mobile fragments by trigram index (FTS5 on
SQLite, pg_trgm on PostgreSQL; migration 0004_search). The SQL is in queries/customers.sql
(search_customers_by_*). Results come in parts (codes, then WeChat IDs, then names, then
nicknames), each in its own order: exact matches first, since a prefix sorts before its
extensions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from .db import Database
from .queries import PARAM, get_query

DEFAULT_LIMIT = 20
MAX_LIMIT = 200
MAX_TEXT = 64  # longer input cannot match a name, code or WeChat ID: it is cut here
PHONE_LIKE = re.compile(r"\+?[\d\s\-().]+")
PHONE_NOISE = re.compile(r"[\s\-().]")
ASCII_WORD = re.compile(r"[A-Za-z0-9_\-]+")
CODE_LIKE = re.compile(r"[A-Za-z]{1,4}\d+")  # C000123; a WeChat ID must start with a letter
SPACES = re.compile(r"\s+")
FRAGMENT_MIN = 3  # the trigram indexes need 3 characters


@dataclass(frozen=True)
class Part:
    """One place to look: a named query, the column it walks and the prefix sought in it."""

    query: str
    column: str  # the row key the keyset follows: code, wechat_key, name, nickname, mobile, id
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
    if CODE_LIKE.fullmatch(term):
        parts.append(Part("search_customers_by_code", "code", term.upper()))
    if ASCII_WORD.fullmatch(term):
        parts.append(Part("search_customers_by_wechat", "wechat_key", term.lower()))
    return [
        *parts,
        Part("search_customers_by_name", "name", term),
        Part("search_customers_by_nickname", "nickname", term),
    ]


def search_customers(
    db: Database | sa.Connection,
    text: str | None,
    limit: int = DEFAULT_LIMIT,
    after: int | None = None,
) -> list[dict]:
    """Up to `limit` live customers matching `text` (see the module docstring), as dicts of
    id, code, name, mobile, wechat_id, region, is_agent, nickname; `after` = the id of the
    last row of the previous page gives the next page ([] once the list is exhausted, or when that
    customer no longer matches)."""
    parts = plan(text)
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not parts:
        return []
    if isinstance(db, sa.Connection):
        return _search(
            _Reader(db.connection.dbapi_connection, db.dialect.name), parts, limit, after
        )
    # A few short reads need no transaction, and none is begun: on SQLite BEGIN and COMMIT
    # would cost as much as the query; on PostgreSQL the connection is in autocommit for the
    # search, which saves the BEGIN and ROLLBACK round trips the driver would add around it.
    # The pooled DBAPI connection is used bare (no sa.Connection around it): a name search
    # is so quick on SQLite that the wrapper would add half as much again (BENCHMARKS.md,
    # "Measurements behind the code").
    raw = db.engine.raw_connection()
    try:
        dbapi, dialect = raw.driver_connection, db.engine.dialect.name
        if dialect == "postgresql":
            dbapi.autocommit = True
            try:
                return _search(_Reader(dbapi, dialect), parts, limit, after)
            finally:
                dbapi.autocommit = False
        return _search(_Reader(dbapi, dialect), parts, limit, after)
    finally:
        raw.close()


class _Reader:
    """Runs search SQL straight on the DBAPI connection, in the driver's parameter style.

    Search runs on every keystroke, so it skips the query layer's per-call work (file
    checks, text() compilation, column converters): a search costs little more than its SQL
    (BENCHMARKS.md, customer search). The SQL is the named queries' own, prepared once per
    process: a changed .sql file takes effect in a new process.
    """

    _sql: dict[tuple[str, str], str] = {}

    def __init__(self, dbapi_connection, dialect: str):
        self.dialect = dialect
        self.raw = dbapi_connection

    def rows(self, name: str, params: dict) -> list[dict]:
        """The rows of named query `name` (or of ROW_SQL) as dicts."""
        cur = self.raw.cursor()
        try:
            cur.execute(self._driver_sql(name), params)
            keys = [d[0] for d in cur.description]
            return [dict(zip(keys, r, strict=False)) for r in cur.fetchall()]
        finally:
            cur.close()

    def _driver_sql(self, name: str) -> str:
        key = (self.dialect, name)
        if key not in self._sql:
            text = ROW_SQL if name == "row" else get_query(name).sql_for(self.dialect)
            if self.dialect == "postgresql":  # psycopg: %(name)s binds, literal % doubled
                text = PARAM.sub(r"%(\1)s", text.replace("%", "%%"))
            self._sql[key] = text
        return self._sql[key]


ROW_SQL = (
    "select id, code, name, mobile, wechat_id, nickname from customers "
    "where id = :id and deleted_at is null"
)


def _search(db: _Reader, parts: list[Part], limit: int, after: int | None) -> list[dict]:
    """Fill one page from the parts in order, starting at the `after` row's position."""
    start, cursor = 0, None
    if after is not None:
        found = db.rows("row", {"id": int(after)})
        row = found[0] if found else None
        start = next((i for i, p in enumerate(parts) if row and p.matches(row)), None)
        if start is None:
            return []
        cursor = (_key(row, parts[start].column), row["id"])
    found: list[dict] = []
    for i in range(start, len(parts)):
        earlier = parts[:i]
        for row in _walk(db, parts[i], cursor if i == start else None, limit):
            # A customer found by an earlier part was listed there already.
            if not earlier or not any(p.matches(row) for p in earlier):
                found.append(row)
                if len(found) == limit:
                    return found
    return found


def _walk(db: _Reader, part: Part, cursor: tuple | None, size: int) -> Iterator[dict]:
    """Every row of one part from `cursor` on, fetched `size` at a time."""
    key, last_id = cursor or ("", 0)
    while True:
        rows = _page(db, part, key, last_id, size)
        yield from rows
        if len(rows) < size:
            return
        key, last_id = _key(rows[-1], part.column), rows[-1]["id"]


def _page(db: _Reader, part: Part, key, last_id: int, size: int) -> list[dict]:
    """One page of one part's query after (key, last_id)."""
    if part.column == "id":
        params = {"fragment": part.prefix, "after_id": last_id, "limit": size}
    else:
        params = {
            "prefix": part.prefix,
            "prefix_end": _successor(part.prefix),
            # The first page starts at the prefix itself, not at '': PostgreSQL starts an
            # index scan at the row comparison's bound when it has one, so '' walked every
            # name before the prefix (BENCHMARKS.md, "Measurements behind the code").
            "after_key": key or part.prefix,
            "after_id": last_id,
            "limit": size,
        }
    rows = db.rows(part.query, params)
    for row in rows:
        row["is_agent"] = bool(row["is_agent"])
    return rows


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
