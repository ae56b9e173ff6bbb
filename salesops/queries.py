"""Named SQL queries from queries/*.sql, in the aiosql file convention, run through text().

Each query starts with `-- name: verb_noun`; the comment lines under it are its docstring,
except these header lines, which say how to read result columns or pick a dialect:

    -- money: revenue, aov       Decimal with exactly 2 places (SQLite sums come back as
                                 float; they are rounded to the cent here, which is exact
                                 while a sum stays under ~10^13 yuan)
    -- utc: ordered_at           aware UTC datetime (SQLite gives text, PostgreSQL naive)
    -- ratio: gross_margin       float
    -- bool: is_agent            bool (SQLite gives 0/1)
    -- dialect: postgresql       this block replaces the portable one on that database

Where SQLite and PostgreSQL differ in a small part of a query, that part is a fragment,
so the query is written once: `-- fragment: name` starts one (portable, or with its own
`-- dialect:` line per database, an empty one allowed), and `{{name}}` in a query stands
for it on each database. A whole `-- dialect:` block is for queries that differ
throughout (a full-text index on one database, a trigram index on the other).

Parameters are `:name` binds; a call must give exactly the query's parameters. Aware
datetimes bind as naive UTC and Decimals as NUMERIC, as the schema stores them. The files
are re-read when they change, so a new .sql file is a new query with no Python change.
"""

from __future__ import annotations

import difflib
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from .config import PROJECT_ROOT
from .db import Database
from .errors import SalesopsError
from .schema import UTCDateTime

if TYPE_CHECKING:  # pandas is imported where a DataFrame is built: pages that only
    import pandas as pd  # run named queries for rows do not pay its ~35 MB per kernel

QUERIES_DIR = PROJECT_ROOT / "queries"
CONVERTERS = {
    "money": lambda v: v if v is None else Decimal(str(v)).quantize(Decimal("0.01"), ROUND_HALF_UP),
    "utc": lambda v: v if v is None else UTCDateTime().process_result_value(v, None),
    "ratio": lambda v: v if v is None else float(v),
    "bool": lambda v: v if v is None else bool(v),
}
HEADER = re.compile(r"--\s*(money|utc|ratio|bool|dialect)\s*:\s*(.*)$")
NAME = re.compile(r"^--\s*(name|fragment):\s*(\w+)\s*$", re.MULTILINE)
FRAGMENT = re.compile(r"\{\{\s*(\w+)\s*\}\}")
DIALECTS = ("sqlite", "postgresql")
# Binds, once string literals, comments and PostgreSQL `::` casts are out of the way.
PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
NOISE = re.compile(r"'(?:[^']|'')*'|--[^\n]*|::")


class QueryError(SalesopsError, ValueError):
    """A query that does not exist, is defined twice, or was called with the wrong params."""


@dataclass(frozen=True)
class Query:
    """One named query: its SQL per dialect (None = portable), docstring and parameters."""

    name: str
    file: str
    doc: str
    params: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)  # result column -> converter kind
    sql: dict[str | None, str] = field(default_factory=dict)

    def sql_for(self, dialect: str) -> str:
        """The SQL to run on `dialect` (its own variant, else the portable one)."""
        return self.sql.get(dialect) or self.sql[None]


def _params(sql: str) -> tuple[str, ...]:
    """The `:name` binds of `sql`, in order of first use."""
    return tuple(dict.fromkeys(PARAM.findall(NOISE.sub(" ", sql))))


def _parse_block(name: str, file: str, body: str) -> tuple[str | None, Query]:
    """One `-- name:` or `-- fragment:` block: header lines, docstring lines, then SQL."""
    lines, doc, columns, dialect = body.strip("\n").splitlines(), [], {}, None
    while lines and lines[0].startswith("--"):
        line = lines.pop(0).strip()
        if m := HEADER.match(line):
            if m[1] == "dialect":
                dialect = m[2].strip()
            else:
                columns.update({c.strip(): m[1] for c in m[2].split(",") if c.strip()})
        else:
            doc.append(line.lstrip("-").strip())
    sql = "\n".join(lines).strip().rstrip(";")
    return dialect, Query(name, file, " ".join(doc), _params(sql), columns, {dialect: sql})


def _load_file(path: Path, found: dict[str, Query], fragments: dict[str, dict]) -> None:
    """Add the queries of one file to `found` and its fragments to `fragments` ({name:
    {dialect or None: sql}}), refusing duplicates."""
    parts = NAME.split(path.read_text(encoding="utf-8"))
    for kind, name, body in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        dialect, q = _parse_block(name, path.name, body)
        if kind == "fragment":
            if dialect in fragments.setdefault(name, {}):
                raise QueryError(f"fragment {name!r} is defined twice ({path.name})")
            fragments[name][dialect] = q.sql[dialect]
            continue
        old = found.get(name)
        if old and (dialect in old.sql or dialect is None and old.file != path.name):
            where = f"{old.file} and {path.name}" if old.file != path.name else path.name
            raise QueryError(f"query {name!r} is defined twice ({where})")
        found[name] = (
            Query(
                name,
                old.file,
                old.doc or q.doc,
                old.params,
                {**old.columns, **q.columns},
                {**old.sql, **q.sql},
            )
            if old
            else q
        )


def _expand(q: Query, fragments: dict[str, dict]) -> Query:
    """`q` with its {{fragments}} put in for each database, and its parameters checked to
    be the same on every database."""
    sql = dict(q.sql)
    if any(FRAGMENT.search(text) for text in sql.values()):

        def fill(m: re.Match, dialect: str) -> str:
            variants = fragments.get(m[1])
            if variants is None:
                raise QueryError(f"query {q.name!r} uses fragment {m[1]!r}, defined nowhere")
            text = variants.get(dialect, variants.get(None))
            if text is None:
                raise QueryError(f"fragment {m[1]!r} has no {dialect} or portable version")
            return text

        sql = {
            d: FRAGMENT.sub(lambda m, d=d: fill(m, d), sql.get(d) or sql[None]) for d in DIALECTS
        }
        if sql["sqlite"] == sql["postgresql"]:
            sql = {None: sql["sqlite"]}
    params = {d: _params(text) for d, text in sql.items()}
    first = next(iter(params.values()))
    for dialect, found in params.items():
        if set(found) != set(first):
            raise QueryError(
                f"query {q.name!r}: dialect {dialect} has params {found}, the other variant {first}"
            )
    return Query(q.name, q.file, q.doc, first, q.columns, sql)


_cache: dict[tuple, dict[str, Query]] = {}
# The project's own folder is looked at again at most this often (seconds): listing and
# stat-ing its files costs as much as a small indexed query, and the customer 360 view
# runs five of those (BENCHMARKS.md, "Measurements behind the code"). A saved .sql file
# is picked up within this time.
RECHECK_S = 0.5
_checked: dict[str, tuple[float, dict[str, Query]]] = {}


def load(folder: Path | str | None = None) -> dict[str, Query]:
    """Every query in `folder`/*.sql (default QUERIES_DIR) by name, re-read when a file changes
    (for the default folder: noticed within RECHECK_S seconds)."""
    if folder is None:
        now, where = time.monotonic(), str(QUERIES_DIR)
        seen = _checked.get(where)
        if seen and now - seen[0] < RECHECK_S:
            return seen[1]
        found = _load(QUERIES_DIR)
        _checked[where] = (now, found)
        return found
    return _load(folder)


def _load(folder: Path | str) -> dict[str, Query]:
    files = sorted(Path(folder).glob("*.sql"))
    key = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    if key not in _cache:
        found: dict[str, Query] = {}
        fragments: dict[str, dict] = {}
        for path in files:
            _load_file(path, found, fragments)
        for name, q in found.items():
            if None not in q.sql and set(DIALECTS) - set(q.sql):
                raise QueryError(
                    f"query {q.name!r} needs a portable version or one per "
                    "database (sqlite and postgresql)"
                )
            found[name] = _expand(q, fragments)
        _cache.clear()
        _cache[key] = found
    return _cache[key]


def list_queries(folder: Path | str | None = None) -> pd.DataFrame:
    """A table of the queries: name, file, doc, params."""
    rows = [(q.name, q.file, q.doc, q.params) for q in load(folder).values()]
    import pandas as pd

    return pd.DataFrame(rows, columns=["name", "file", "doc", "params"])


def get_query(name: str, folder: Path | str | None = None) -> Query:
    """The query called `name`; a clear error (with near names) when there is none."""
    queries = load(folder)
    if name not in queries:
        near = difflib.get_close_matches(name, list(queries), n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise QueryError(f"no query named {name!r} in {folder or QUERIES_DIR}/*.sql{hint}")
    return queries[name]


def _statement(q: Query, dialect: str, params: dict) -> sa.TextClause:
    """The bound text() statement, after checking the parameters match the query's."""
    missing = [p for p in q.params if p not in params]
    unknown = [p for p in params if p not in q.params]
    if missing or unknown:
        raise QueryError(
            f"query {q.name!r} takes parameters {', '.join(q.params) or '(none)'}"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    typed = tuple(
        (k, isinstance(v, datetime)) for k, v in params.items() if isinstance(v, datetime | Decimal)
    )
    key = (q.sql_for(dialect), typed)
    stmt = _statements.get(key)
    if stmt is None:  # built once per SQL text and typed parameters (immutable, reusable)
        binds = [
            sa.bindparam(k, type_=UTCDateTime() if is_time else sa.Numeric(12, 2))
            for k, is_time in typed
        ]
        stmt = _statements[key] = sa.text(key[0]).bindparams(*binds)
    return stmt


_statements: dict[tuple, sa.TextClause] = {}


def _run(target: Database | sa.Connection, name: str, params: dict, write: bool = False):
    """Run query `name` on a Database (own transaction) or a Connection (the caller's):
    (query, column names, rows as tuples), or (query, rowcount, []) when `write`."""
    q = get_query(name)
    if isinstance(target, sa.Connection):
        result = target.execute(_statement(q, target.dialect.name, params), params)
        if write:
            return q, result.rowcount, []
        return q, list(result.keys()), result.fetchall()
    with target.write() if write else target.read() as conn:
        return _run(conn, name, params, write)


def _declared(q: Query, keys: list[str]) -> None:
    """Refuse a query whose header declares a column its result does not have."""
    for col, kind in q.columns.items():
        if col not in keys:
            raise QueryError(f"query {q.name!r} declares {kind} column {col!r}, not in its result")


def fetch_all(db: Database | sa.Connection, name: str, /, **params) -> list[dict]:
    """Every row of query `name` as a dict, with money, times and flags converted."""
    q, keys, rows = _run(db, name, params)
    _declared(q, keys)
    convert = [(col, CONVERTERS[kind]) for col, kind in q.columns.items()]
    out = []
    for row in rows:
        record = dict(zip(keys, row, strict=True))
        for col, fn in convert:
            record[col] = fn(record[col])
        out.append(record)
    return out


def fetch_df(db: Database | sa.Connection, name: str, /, **params) -> pd.DataFrame:
    """The rows of query `name` as a DataFrame (money as Decimal, utc columns as UTC).

    Built a column at a time: a converter runs over a column's values in one pass instead
    of once per row and cell (BENCHMARKS.md, "Measurements behind the code")."""
    import pandas as pd

    q, keys, rows = _run(db, name, params)
    _declared(q, keys)
    if not rows:
        return pd.DataFrame([], columns=keys)
    data = {}
    for key, values in zip(keys, zip(*rows, strict=True), strict=True):
        kind = q.columns.get(key)
        data[key] = list(map(CONVERTERS[kind], values)) if kind else list(values)
    df = pd.DataFrame(data, columns=keys)
    for col, kind in q.columns.items():
        if kind == "utc":
            df[col] = pd.to_datetime(df[col], utc=True)
    return df


def fetch_one(db: Database | sa.Connection, name: str, /, **params) -> dict | None:
    """The first row of query `name` as a dict, or None when there is none."""
    rows = fetch_all(db, name, **params)
    return rows[0] if rows else None


def fetch_value(db: Database | sa.Connection, name: str, /, **params):
    """The first column of the first row of query `name`, or None."""
    row = fetch_one(db, name, **params)
    return next(iter(row.values())) if row else None


def execute(db: Database | sa.Connection, name: str, /, **params) -> int:
    """Run a writing query (in the caller's transaction when given a Connection); rowcount."""
    return _run(db, name, params, write=True)[1]
