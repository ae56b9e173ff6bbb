"""Erase a customer's personal data on request (PIPL), keeping the books right.

`erase_customer(db, code, reason)` clears every column `salesops.personal` lists on the
person's rows — their customer record and every record merged into it (or it into),
their secondary identifiers, addresses, the ship-to and notes of their orders, follow-up
notes, reviews, merge evidence — and the same fields in the change log's old and new
values, in one transaction. Orders keep their number, amounts, dates, lines and status
under the customer record, now named ERASED_NAME and deleted (it leaves lists and
searches). An `erasures` row keeps who, when, why and how many rows of each table were
cleared, never the values.

Then the bytes go: SQLite clears with `secure_delete` on, rebuilds the search index,
checkpoints the WAL and VACUUMs the file; PostgreSQL runs VACUUM FULL on the tables that
were touched (each rewritten, so freed space with old values is given back, not reused).
"""

from __future__ import annotations

import json
import re

import sqlalchemy as sa

from . import audit, messages, validate
from .actors import Actor, system_actor
from .errors import NotFoundError, ValidationError
from .personal import ERASED, ERASED_NAME, Held, columns_of, held
from .schema import audit_log, customer_merges, customers, erasures, metadata, now_utc, orders

messages.add(
    {
        "en": {
            "erase.reason_personal": "the reason must not repeat the personal data being "
            "erased (it is kept); say why without it",
            "erase.done": "customer {code} was already erased by {who} at {when}",
        },
        "zh_CN": {
            "erase.reason_personal": "原因中不能包含要删除的个人信息（原因会被保留），请换一种说法",
            "erase.done": "客户 {code} 已由 {who} 于 {when} 删除个人信息",
        },
    }
)


def erase_customer(db, code: str, reason: str, actor: Actor | None = None) -> dict:
    """Erase the personal data of the customer with `code` (deleted ones too); returns
    the `erasures` row with `erased` decoded. Admins only (`customers.erase`)."""
    actor = actor or system_actor()
    actor.require("customers.erase")
    reason = validate.text(reason, "reason", 500, required=True)
    with db.write() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("pragma secure_delete = on")
        root = by_code(conn, code)
        _refuse_again(conn, root)
        ids = same_person(conn, root["id"])
        _check_reason(conn, reason, ids)
        owned = {"customers": ids, "orders": _ids(conn, orders, "customer_id", ids)}
        erased = _clear(conn, owned)
        erased["audit_log"] = _clear_audit(conn, erased.pop("_rows"))
        now = now_utc()
        conn.execute(
            sa.update(customers)
            .where(customers.c.id.in_(ids))
            .values(
                deleted_at=sa.func.coalesce(customers.c.deleted_at, now),
                version=customers.c.version + 1,
                updated_at=now,
                updated_by=actor.name,
            )
        )
        row = {
            "customer_id": root["id"],
            "customer_code": root["code"],
            "at": now,
            "actor": actor.name,
            "reason": reason,
            "erased": json.dumps(erased, sort_keys=True),
        }
        row["id"] = conn.execute(sa.insert(erasures).values(**row)).inserted_primary_key[0]
        audit.record(
            conn, actor.name, "customers", root["id"], "erase", None, {"erasure": row["id"]}
        )
    purge(db, [t for t, n in erased.items() if n] + ["customers", "erasures"])
    return {**row, "erased": erased}


def preview(db, code: str) -> dict:
    """What erasing `code` would touch, changing nothing: the customer's code and name,
    the customer records of the person, and the rows per table that would be cleared."""
    with db.read() as conn:
        root = by_code(conn, code)
        _refuse_again(conn, root)
        ids = same_person(conn, root["id"])
        owned = {"customers": ids, "orders": _ids(conn, orders, "customer_id", ids)}
        counts: dict[str, int] = {}
        for h in held():
            found = len(_ids(conn, metadata.tables[h.table], h.owner, owned[h.target]))
            if found:
                counts[h.table] = counts.get(h.table, 0) + found
        return {"code": root["code"], "name": root["name"], "records": ids, "rows": counts}


def _refuse_again(conn, root: dict) -> None:
    """A customer record is erased once; the erasure record says by whom and when."""
    e = erasures.c
    done = conn.execute(
        sa.select(e.actor, e.at).where(e.customer_id == root["id"]).order_by(e.id)
    ).first()
    if done:
        from .errors import _local

        raise ValidationError.one(
            "erase.done", "code", root["code"], code=root["code"], who=done[0], when=_local(done[1])
        )


def erasures_of(db) -> list[dict]:
    """Every erasure so far, newest first (who, when, why, what was cleared)."""
    with db.read() as conn:
        rows = conn.execute(sa.select(erasures).order_by(erasures.c.id.desc())).mappings()
        return [{**r, "erased": json.loads(r["erased"])} for r in rows]


def by_code(conn, code: str) -> dict:
    """The customer with `code`, deleted or not; NotFoundError when none."""
    code = validate.text(code, "code", 32, required=True)
    row = conn.execute(sa.select(customers).where(customers.c.code == code)).mappings().first()
    if row is None:
        raise NotFoundError(f"no customer with code {code!r}")
    return dict(row)


def same_person(conn, customer_id: int) -> list[int]:
    """`customer_id` and every customer record merged into it or it into (merges not
    undone, followed both ways): the records of one person."""
    m = customer_merges.c
    links = conn.execute(sa.select(m.kept_id, m.merged_id).where(m.undone_at.is_(None))).all()
    found, todo = {customer_id}, [customer_id]
    while todo:
        current = todo.pop()
        for kept, merged in links:
            for a, b in ((kept, merged), (merged, kept)):
                if a == current and b not in found:
                    found.add(b)
                    todo.append(b)
    return sorted(found)


def _check_reason(conn, reason: str, ids: list[int]) -> None:
    """The reason is kept: refuse one that repeats the person's name, mobile or WeChat ID."""
    c = customers.c
    rows = conn.execute(sa.select(c.name, c.mobile, c.wechat_id).where(c.id.in_(ids))).all()
    values = {v for row in rows for v in row if v and len(v) >= 2}
    folded = reason.casefold()
    if any(v.casefold() in folded for v in values) or any(
        m[-8:] in re.sub(r"\D", "", reason) for m in (r[1] for r in rows) if m and len(m) >= 8
    ):
        raise ValidationError.one("erase.reason_personal", "reason")


def _ids(conn, table: sa.Table, column: str, owners: list[int]) -> list[int]:
    """The ids of `table`'s rows whose `column` is one of `owners`."""
    if not owners:
        return []
    return list(conn.execute(sa.select(table.c.id).where(table.c[column].in_(owners))).scalars())


def _clear(conn, owned: dict[str, list[int]]) -> dict:
    """Clear (or remove) the personal columns of the person's rows, table by table; the
    row counts, and under `_rows` the ids touched per table (for the change log)."""
    counts: dict[str, int] = {}
    touched: dict[str, set[int]] = {}
    for h in held():
        table = metadata.tables[h.table]
        row_ids = _ids(conn, table, h.owner, owned[h.target])
        if not row_ids:
            continue
        touched.setdefault(h.table, set()).update(row_ids)
        where = table.c.id.in_(row_ids)
        if h.remove:
            conn.execute(sa.delete(table).where(where))
        else:
            conn.execute(sa.update(table).where(where).values(_cleared(table, h)))
        counts[h.table] = counts.get(h.table, 0) + len(row_ids)
    return {**counts, "_rows": touched}


def _cleared(table: sa.Table, h: Held) -> dict:
    """The values that replace `h`'s columns: NULL, else "", a customer's name ERASED_NAME."""
    values = {}
    for name in h.columns:
        column = table.c[name]
        if column.nullable:
            values[name] = None
        else:
            values[name] = ERASED_NAME if (h.table, name) == ("customers", "name") else ""
    return values


def _clear_audit(conn, touched: dict[str, set[int]]) -> int:
    """Replace the personal fields in the change-log rows of the touched records; the
    number of change-log rows rewritten."""
    a = audit_log.c
    count = 0
    for table, row_ids in touched.items():
        keys = columns_of(table)
        ids = sorted(row_ids)
        for i in range(0, len(ids), 500):
            rows = conn.execute(
                sa.select(a.id, a.old_values, a.new_values).where(
                    a.table_name == table, a.row_id.in_(ids[i : i + 500])
                )
            ).all()
            for audit_id, old, new in rows:
                values = {"old_values": _scrub(old, keys), "new_values": _scrub(new, keys)}
                if (values["old_values"], values["new_values"]) != (old, new):
                    conn.execute(sa.update(audit_log).where(a.id == audit_id).values(values))
                    count += 1
    return count


def _scrub(text: str | None, keys: set[str]) -> str | None:
    """Audit JSON with the values of `keys` replaced by ERASED (empty ones left)."""
    if not text:
        return text
    values = json.loads(text)
    if not isinstance(values, dict):
        return text
    for key in keys & set(values):
        if values[key] not in (None, ""):
            values[key] = ERASED
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def purge(db, tables: list[str]) -> None:
    """Make the cleared values unrecoverable from the database files: on SQLite rebuild
    the mobile search index, checkpoint the WAL and VACUUM; on PostgreSQL VACUUM FULL the
    tables named (outside any transaction, as both require)."""
    if not db.is_sqlite:
        with db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for name in sorted(set(tables)):
                conn.exec_driver_sql(f'vacuum full "{metadata.tables[name].name}"')
        return
    raw = db.engine.raw_connection()  # the driver's own autocommit: no BEGIN around these
    try:
        for sql in (
            "pragma secure_delete = on",
            "insert into customers_search (customers_search) values ('rebuild')",
            "pragma wal_checkpoint(truncate)",
            "vacuum",
            "pragma wal_checkpoint(truncate)",
        ):
            raw.driver_connection.execute(sql).fetchall()
    finally:
        raw.close()
