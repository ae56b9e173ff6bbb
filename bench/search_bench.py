"""Benchmark 1: customer search through `search_customers` against the bare indexed SQL.

For each kind of input (name prefix, mobile fragment, WeChat ID) it draws sample terms from
random customers of the database, then times `salesops.search.search_customers(db, term)`
(the app: normalising, planning, pooled transaction, every part it runs, rows as dicts)
against the floor: the one indexed query that answers that kind, run with the same
parameters through the bare driver cursor on an open connection. Calls alternate so both
see the same load. Reported: p50/p95 of each, and their ratio.
"""

from __future__ import annotations

import random

import sqlalchemy as sa

from salesops import queries, search
from salesops.db import Database

from .timing import interleaved

KINDS = {
    # kind: (how a person types it, from a customer row)
    "name prefix": lambda c, rng: c["name"][: rng.choice((1, 2, 2))],
    "mobile fragment": lambda c, rng: _spaced(c["mobile"][rng.randrange(0, 4) :][:7], rng),
    "WeChat ID": lambda c, rng: c["wechat_id"][: rng.randrange(5, 9)].upper(),
}


def _spaced(digits: str, rng: random.Random) -> str:
    """A fragment as people type it: sometimes with a space or in full-width digits."""
    if rng.random() < 0.3:
        return digits[:3] + " " + digits[3:]
    if rng.random() < 0.2:
        return "".join(chr(ord(d) + 0xFEE0) for d in digits)
    return digits


def sample_customers(db: Database, n: int, seed: int = 7) -> list[dict]:
    """`n` random live customers with a WeChat ID (ids drawn uniformly)."""
    rng = random.Random(seed)
    with db.read() as conn:
        top = conn.execute(sa.text("select max(id) from customers")).scalar()
        ids = rng.sample(range(1, top + 1), min(top, n * 2))
        rows = conn.execute(
            sa.text(
                "select id, name, mobile, wechat_id from customers where id in "
                f"({', '.join(map(str, ids))}) and wechat_id is not null and deleted_at is null"
            )
        ).all()
    return [dict(r._mapping) for r in rows][:n]


def terms(customers: list[dict], kind: str, seed: int = 11) -> list[str]:
    """What people would type to find these customers, one per customer."""
    rng = random.Random(seed)
    return [KINDS[kind](c, rng) for c in customers]


class Floor:
    """The bare indexed query for a term, on a raw driver connection held open."""

    def __init__(self, db: Database):
        self.db = db
        self.raw = db.engine.raw_connection()
        self.pg = db.dialect == "postgresql"
        if self.pg:
            self.raw.driver_connection.autocommit = True
        self.sql = {}

    def _driver_sql(self, name: str) -> str:
        if name not in self.sql:
            text = queries.get_query(name).sql_for(self.db.dialect)
            if self.pg:  # psycopg's paramstyle: %(name)s, and literal % doubled
                text = queries.PARAM.sub(r"%(\1)s", text.replace("%", "%%"))
            self.sql[name] = text
        return self.sql[name]

    def params(self, term: str) -> tuple[str, dict]:
        """The query that answers `term` (for Latin text: the WeChat one), and its params."""
        parts = search.plan(term)
        part = next((p for p in parts if p.query.endswith("_wechat")), parts[0])
        if part.column == "id":
            return part.query, {"fragment": part.prefix, "after_id": 0, "limit": 20}
        return part.query, {
            "prefix": part.prefix,
            "prefix_end": search._successor(part.prefix),
            "after_key": part.prefix,  # as the app's first page: the scan starts there
            "after_id": 0,
            "limit": 20,
        }

    def __call__(self, prepared: tuple[str, dict]) -> list:
        name, params = prepared
        cur = self.raw.cursor()
        cur.execute(self._driver_sql(name), params)
        rows = cur.fetchall()
        cur.close()
        return rows

    def close(self) -> None:
        self.raw.close()


def run(url: str, samples: int = 200) -> list[dict]:
    """One result row per kind: app and floor p50/p95 in ms, and rows found per search."""
    db = Database(url)
    floor = Floor(db)
    try:
        people = sample_customers(db, samples)
        results = []
        for kind in KINDS:
            typed = terms(people, kind)
            prepared = {t: floor.params(t) for t in typed}
            r = interleaved(
                lambda t: search.search_customers(db, t),
                lambda t, prepared=prepared: floor(prepared[t]),
                typed,
            )
            results.append({"kind": kind, **r})
        return results
    finally:
        floor.close()
        db.dispose()
