"""What both imports share: matching customers, channels and products, ids in bulk.

`Identities` holds every active customer's code, mobile and WeChat key (and the secondary
identifiers kept by merges) so a million-line file is matched without a query per row.
Ids for rows written in bulk are reserved up front (PostgreSQL: from the table's
sequence, safe beside other writers; SQLite: after the largest id, under the write lock
BEGIN IMMEDIATE holds), so children can point at parents without a round trip.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import sqlalchemy as sa

from .. import audit, validate
from ..schema import (
    channels,
    counters,
    customer_identifiers,
    customers,
    imports,
    now_utc,
    products,
)


class Identities:
    """Active customers by code, normalised mobile and WeChat key, plus merged-in ones."""

    def __init__(self, conn):
        c = customers.c
        rows = conn.execute(sa.select(c.id, c.code, c.mobile, c.wechat_key, c.deleted_at)).all()
        self.all_codes = {r.code for r in rows}
        live = [r for r in rows if r.deleted_at is None]
        self.by = {
            "code": {r.code: r.id for r in live},
            "mobile": {r.mobile: r.id for r in live if r.mobile},
            "wechat": {r.wechat_key: r.id for r in live if r.wechat_key},
        }
        live_ids = {r.id for r in live}
        ci = customer_identifiers.c
        for kind, value, cid in conn.execute(sa.select(ci.kind, ci.value, ci.customer_id)):
            if cid in live_ids:
                self.by[kind].setdefault(value, cid)

    def match(self, code=None, mobile=None, wechat_key=None):
        """The customer id (or a new-customer draft) by code, then mobile, then WeChat key."""
        for kind, value in (("code", code), ("mobile", mobile), ("wechat", wechat_key)):
            if value:
                found = self.by[kind].get(value)
                if found is not None:
                    return found
        return None

    def add(self, draft, code=None, mobile=None, wechat_key=None) -> None:
        """Register a customer this file creates, so later rows match it."""
        for kind, value in (("code", code), ("mobile", mobile), ("wechat", wechat_key)):
            if value:
                self.by[kind].setdefault(value, draft)


def channel_lookup(conn) -> dict[str, int]:
    """Channels by lower-case code, Chinese name and English name."""
    out = {}
    for cid, code, name, name_en in conn.execute(
        sa.select(channels.c.id, channels.c.code, channels.c.name, channels.c.name_en)
    ):
        for key in (name_en, name, code):
            out[key.strip().lower()] = cid
    return out


def product_lookup(conn) -> dict[str, dict]:
    """Products by SKU: id, name, price, unit cost."""
    p = products.c
    return {
        r.sku: dict(r._mapping)
        for r in conn.execute(sa.select(p.id, p.sku, p.name, p.price, p.unit_cost))
    }


def reserve_ids(conn, table: sa.Table, n: int) -> list[int]:
    """`n` fresh ids for `table` (sequence values on PostgreSQL, max(id)+k on SQLite)."""
    if n <= 0:
        return []
    if conn.dialect.name == "postgresql":
        return list(
            conn.execute(
                sa.text(
                    "select nextval(pg_get_serial_sequence(:t, 'id')) from generate_series(1, :n)"
                ),
                {"t": table.name, "n": n},
            ).scalars()
        )
    first = (conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1
    return list(range(first, first + n))


def reserve_numbers(conn, name: str, n: int) -> range:
    """`n` consecutive values of counter `name` in one statement (locks it until commit)."""
    if n <= 0:
        return range(0)
    value = conn.execute(
        sa.update(counters)
        .where(counters.c.name == name)
        .values(value=counters.c.value + n)
        .returning(counters.c.value)
    ).scalar()
    if value is None:
        conn.execute(sa.insert(counters).values(name=name, value=n))
        value = n
    return range(int(value) - n + 1, int(value) + 1)


def raise_counter(conn, name: str, values, pattern: str) -> None:
    """Move counter `name` past numbers in `values` shaped like `pattern` (e.g. SO(\\d{8})),
    so numbers the services generate later never collide with imported ones."""
    rx = re.compile(pattern)
    top = max((int(m.group(1)) for v in values if (m := rx.fullmatch(v))), default=0)
    if not top:
        return
    c = counters.c
    current = conn.execute(sa.select(c.value).where(c.name == name)).scalar()
    if current is None:
        conn.execute(sa.insert(counters).values(name=name, value=top))
    elif current < top:
        conn.execute(sa.update(counters).where(c.name == name).values(value=top))


def new_customer_codes(conn, n: int, taken: set[str]) -> list[str]:
    """`n` generated customer codes (C000123) that no customer has, deleted ones included."""
    codes: list[str] = []
    while len(codes) < n:
        for number in reserve_numbers(conn, "customer_code", n - len(codes)):
            code = f"C{number:06d}"
            if code not in taken:
                codes.append(code)
    return codes


def file_digest(path: Path) -> str:
    """SHA-256 of the file, recorded with the import."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def start_import(conn, kind: str, path: Path, actor_name: str) -> int:
    """The `imports` row of this run (its id goes into every audit row it writes)."""
    return conn.execute(
        sa.insert(imports).values(
            kind=kind,
            file_name=path.name[:255],
            sha256=file_digest(path),
            at=now_utc(),
            actor=actor_name,
            summary="",
        )
    ).inserted_primary_key[0]


def finish_import(conn, import_id: int, actor_name: str, summary: dict) -> None:
    """Store the run's counts on its `imports` row and audit it."""
    text = audit.dump(summary)
    conn.execute(sa.update(imports).where(imports.c.id == import_id).values(summary=text))
    audit.record(conn, actor_name, "imports", import_id, "create", new=summary)


def channel_code_for(name: str, taken: set[str]) -> str:
    """A code for a channel named in a file: its lower-case name, made unique, <= 32 chars."""
    base = re.sub(r"\s+", "_", name.strip().lower())[:28] or "channel"
    code, k = base, 2
    while code in taken:
        code, k = f"{base}_{k}", k + 1
    return code


def clean_key(value) -> str:
    """A channel name as looked up: trimmed, lower case."""
    return validate.text(value, "channel", 64).lower()
