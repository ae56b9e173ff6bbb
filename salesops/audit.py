"""The audit log: one row per create, update, delete or status change, in the same
transaction as the change itself, so a change is never without its record; and reading
it back for the audit viewer (by record, person and day, newest first, in keyset pages),
which only managers and admins may do."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from . import config, messages
from .actors import Actor
from .errors import ValidationError
from .schema import audit_log, now_utc


def _plain(value):
    """JSON-friendly form of Decimals and datetimes."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def dump(values: dict | None) -> str | None:
    """A dict as the audit log stores it: sorted JSON text, Decimals and datetimes as text
    (None stays None)."""
    if values is None:
        return None
    return json.dumps({k: _plain(v) for k, v in values.items()}, ensure_ascii=False, sort_keys=True)


def changed(old: dict, new: dict) -> tuple[dict, dict]:
    """The old and new values of just the fields `new` changes."""
    keys = [k for k in new if old.get(k) != new[k]]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


def record(
    conn,
    actor: str,
    table: str,
    row_id: int,
    action: str,
    old: dict | None = None,
    new: dict | None = None,
) -> None:
    """Write one audit row (who, when, table, id, old -> new) on `conn`'s transaction."""
    conn.execute(sa.insert(audit_log).values(row(actor, table, row_id, action, old, new)))


def record_exports(conn, actor: str, customer_ids, file: str, kind: str) -> int:
    """One `export` row per customer whose contact details (full mobile, address) went
    into `file` (a `kind` of file: "slips"), on `conn`'s transaction; how many."""
    rows = [
        row(actor, "customers", cid, "export", None, {"file": file, "kind": kind})
        for cid in sorted(set(customer_ids))
    ]
    if rows:
        conn.execute(sa.insert(audit_log), rows)
    return len(rows)


def row(
    actor: str,
    table: str,
    row_id: int,
    action: str,
    old: dict | None = None,
    new: dict | None = None,
    at: datetime | None = None,
) -> dict:
    """The audit_log row `record` writes, as values for a bulk insert (the importer writes
    thousands at once); `at` defaults to now."""
    return {
        "at": at or now_utc(),
        "actor": actor,
        "table_name": table,
        "row_id": row_id,
        "action": action,
        "old_values": dump(old),
        "new_values": dump(new),
    }


def history(conn, table: str, row_id: int) -> list[dict]:
    """The audit rows of one record, oldest first, with values decoded."""
    rows = conn.execute(
        sa.select(audit_log)
        .where(audit_log.c.table_name == table, audit_log.c.row_id == row_id)
        .order_by(audit_log.c.id)
    ).mappings()
    return [
        {
            **r,
            "old_values": json.loads(r["old_values"] or "null"),
            "new_values": json.loads(r["new_values"] or "null"),
        }
        for r in rows
    ]


# -- reading: the audit viewer (managers and admins: audit.view) ------------------------------

PAGE_SIZE = 50
MAX_PAGE = 500
# The tables whose rows the log records, as the viewer offers them.
RECORD_KINDS = (
    "customers",
    "orders",
    "followups",
    "channels",
    "products",
    "communities",
    "community_members",
    "reviews",
    "imports",
    "customer_merges",
    "customer_addresses",
    "staff_users",
    "settings",
    "agent_levels",
    "commission_rules",
    "agent_statements",
)
# The actions the viewer offers as a filter of their own: reading personal data (PIPL),
# not changing it: a staff member shown a customer's mobile (salesops.masking), contact
# details written into a file (packing slips: record_exports), a customer's data handed
# to them (salesops.access).
ACCESS_ACTIONS = ("show_mobile", "export", "export_data")
FIELD_TEXT = 120  # longer values are cut in the readable form (the row keeps them whole)
_PAST = datetime(1900, 1, 1, tzinfo=UTC)
_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)

messages.add(
    {
        "en": {
            "audit.error.days": "{field}: the first day {value} is after the last day {last}",
            "audit.error.record": "{field}: choose the kind of record to look up record {value} in",
            "audit.error.row_id": "{field}: {value!r} is not a record number (a whole number >= 1)",
        },
        "zh_CN": {
            "audit.error.days": "{field}：开始日期 {value} 晚于结束日期 {last}",
            "audit.error.record": "{field}：请先选择记录类型，再查记录 {value}",
            "audit.error.row_id": "{field}：{value!r} 不是记录编号（应为不小于 1 的整数）",
        },
    }
)


@dataclass(frozen=True)
class ChangePage:
    """One page of audit rows, newest first; `after` fetches the next page (None: no more)."""

    rows: list[dict]
    after: tuple[datetime, int] | None = None


def _local(text: str) -> str:
    """A stored aware time (ISO text, as `_plain` writes it) in the business zone, to the
    second; any other text unchanged."""
    if len(text) < 20 or text[10:11] != "T":
        return text
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return text
    if when.tzinfo is None:
        return text
    return when.astimezone(config.business_zone()).strftime("%Y-%m-%d %H:%M:%S")


def _show(value) -> str:
    """One stored value as people read it: — for nothing, times in the business zone, long
    text cut short."""
    if value is None or value == "":
        return "—"
    text = _local(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= FIELD_TEXT else text[: FIELD_TEXT - 1] + "…"


def change_lines(old: dict | None, new: dict | None) -> list[str]:
    """`field: old → new` for each field a row changed (`field: value` for a new record)."""
    old, new = old or {}, new or {}
    lines = []
    for key in sorted(set(old) | set(new)):
        if not old:
            lines.append(f"{key}: {_show(new.get(key))}")
        else:
            lines.append(f"{key}: {_show(old.get(key))} → {_show(new.get(key))}")
    return lines


def _decoded(row: dict) -> dict:
    """An audit row with its values decoded and its readable `changes` lines."""
    old = json.loads(row["old_values"] or "null")
    new = json.loads(row["new_values"] or "null")
    return {**row, "old_values": old, "new_values": new, "changes": change_lines(old, new)}


def _page(db, name: str, limit: int, after, **params) -> ChangePage:
    """Rows of query `name` after cursor `after`, one more than `limit` to see if more follow."""
    from .queries import fetch_all

    limit = max(1, min(int(limit), MAX_PAGE))
    before_at, before_id = after or (_FUTURE, 0)
    rows = fetch_all(db, name, before_at=before_at, before_id=before_id, limit=limit + 1, **params)
    more = len(rows) > limit
    rows = [_decoded(r) for r in rows[:limit]]
    return ChangePage(rows, (rows[-1]["at"], rows[-1]["id"]) if more else None)


def _day_bounds(first_day: date | None, last_day: date | None) -> tuple[datetime, datetime]:
    """UTC [start, end) of the business days first_day..last_day (open ends when None)."""
    if first_day and last_day and first_day > last_day:
        raise ValidationError.one("audit.error.days", "days", first_day, last=last_day)
    zone = config.business_zone()
    start = datetime.combine(first_day, time.min, zone).astimezone(UTC) if first_day else _PAST
    end = (
        datetime.combine(last_day + timedelta(days=1), time.min, zone).astimezone(UTC)
        if last_day
        else _FUTURE
    )
    return start, end


def _record_filter(table: str | None, row_id) -> tuple[str | None, int | None]:
    """The (table, id) filter checked: a known kind, an id only with its kind."""
    table = table or None
    if table is not None and table not in RECORD_KINDS:
        raise ValidationError.one("error.choice", "kind", table, accepted=", ".join(RECORD_KINDS))
    if row_id in (None, ""):
        return table, None
    text = str(row_id).strip()
    if not text.isdigit() or int(text) < 1:
        raise ValidationError.one("audit.error.row_id", "record", row_id)
    if table is None:
        raise ValidationError.one("audit.error.record", "record", int(text))
    return table, int(text)


def changes(
    db,
    actor: Actor,
    *,
    table: str | None = None,
    row_id: int | str | None = None,
    person: str | None = None,
    action: str | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    after: tuple[datetime, int] | None = None,
    limit: int = PAGE_SIZE,
) -> ChangePage:
    """Audit rows newest first, by record (`table` and `row_id`), by `person`, by
    `action` (one of ACCESS_ACTIONS: who was shown a mobile), and by business day
    (`first_day`..`last_day` in the business zone); managers and admins only.

    Each row has `at` (aware UTC), actor, table_name, row_id, action, `record` (the record
    as people know it), old_values / new_values (dicts) and `changes` (readable lines).
    """
    actor.require("audit.view")
    table, row_id = _record_filter(table, row_id)
    since, until = _day_bounds(first_day, last_day)
    person = (person or "").strip() or None
    action = action or None
    if action is not None and action not in ACCESS_ACTIONS:
        accepted = ", ".join(ACCESS_ACTIONS)
        raise ValidationError.one("error.choice", "action", action, accepted=accepted)
    return _page(
        db,
        "audit_changes",
        limit,
        after,
        table_name=table,
        row_id=row_id,
        actor=person,
        action=action,
        since=since,
        until=until,
    )


def customer_history(db, actor: Actor, customer_id: int, after=None, limit=PAGE_SIZE):
    """The changes to one customer, its orders and its follow-ups, newest first (a
    ChangePage, as `changes` gives); managers and admins only."""
    actor.require("audit.view")
    return _page(db, "customer_history", limit, after, customer_id=int(customer_id))


def people(db, actor: Actor) -> list[str]:
    """Everyone the audit log names, alphabetically (for the viewer's person filter)."""
    from .queries import fetch_all

    actor.require("audit.view")
    return [r["actor"] for r in fetch_all(db, "audit_actors")]
