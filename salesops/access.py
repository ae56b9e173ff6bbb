"""Hand a person everything the shop holds about them (an access request under PIPL).

`export_customer_data(db, code, actor)` gathers, for the customer with `code` and every
record merged into it or it into (`salesops.erasure.same_person`), the rows that are
about them as `salesops.personal.about()` lists them — the owners of every personal
column and every foreign key to their customer records or orders — plus the rows that
are part of those (a foreign key with ON DELETE CASCADE: an order's lines, a refund's
lines), and the change log's entries on all of them. A table added later with a
`customer_id` is therefore handed over without touching this module: it lands under
`other` until someone gives it a section of its own.

The result is a dict ready for JSON (`write_export` writes it, 0600, never over a file
unless asked): a `header` (shop, when, by whom, which customer, format version), then
`profile`, `identifiers`, `addresses`, `orders` (with lines, status history, ship-to,
shipment and refunds), `followups`, `communities`, `reviews`, `merges`, `audit` and
`other`. Money is text ("128.00"); every time is ISO UTC with a `<name>_local` beside it
in the business zone. The shop's own figures on those rows (unit costs, stock levels:
LEFT_OUT) are not the person's data and stay out. Each export writes an `export_data`
row in the change log on the customer. Admins only (`customers.data`). After an erasure
the rows are still there, without their personal values, so the file then says what was
kept and nothing more.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from . import audit, config, messages
from .actors import Actor, system_actor
from .couriers import find_courier
from .erasure import by_code, same_person
from .errors import ValidationError
from .files import private_file
from .personal import SHIP_TO, about
from .schema import audit_log, channels, metadata, now_utc

FORMAT = "salesops.customer-data"
FORMAT_VERSION = 1
CHUNK = 500  # ids per IN (...) list
SECTIONS = (
    "profile",
    "identifiers",
    "addresses",
    "orders",
    "followups",
    "communities",
    "reviews",
    "merges",
    "audit",
    "other",
)
# The tables the named sections present; anything else gathered goes under `other`.
NAMED = {
    "customers",
    "customer_identifiers",
    "customer_addresses",
    "orders",
    "order_lines",
    "order_status_history",
    "order_refunds",
    "order_refund_lines",
    "followups",
    "community_members",
    "communities",
    "reviews",
    "customer_merges",
}

# The shop's own figures on the person's rows, not data about the person: what the goods
# cost the shop and its stock levels stay out of the file (and of its change-log values).
LEFT_OUT = frozenset(
    {
        ("orders", "costed_goods"),
        ("orders", "goods_cost"),
        ("order_lines", "unit_cost"),
        ("stock_movements", "on_hand"),
        ("stock_movements", "counted"),
    }
)

messages.add(
    {
        "en": {
            "access.exists": "{field}: {value} already exists; choose another file or "
            "give --force to replace it (nothing was written)",
            "access.about.profile": "your customer record, and the records merged into it",
            "access.about.identifiers": "mobile numbers, WeChat IDs and codes kept from "
            "merged records",
            "access.about.addresses": "your saved delivery addresses",
            "access.about.orders": "your orders: goods, amounts, status changes, where they "
            "were sent, tracking numbers, refunds",
            "access.about.followups": "contacts staff planned or made with you, and their notes",
            "access.about.communities": "the groups you joined (and left), and groups you own",
            "access.about.reviews": "your reviews and order posts (晒单) the shop recorded",
            "access.about.merges": "when two of your records were found to be you and merged",
            "access.about.audit": "the change log: who changed, looked at or exported your "
            "data, and when",
            "access.about.other": "anything else recorded about you, by table",
        },
        "zh_CN": {
            "access.exists": "{field}：{value} 已存在；请换一个文件，或加 --force 覆盖"
            "（未写入任何内容）",
            "access.about.profile": "您的客户资料，以及合并到其中的其他记录",
            "access.about.identifiers": "合并记录时保留的手机号、微信号和客户编号",
            "access.about.addresses": "您保存的收货地址",
            "access.about.orders": "您的订单：商品、金额、状态变化、收货信息、快递单号、退款",
            "access.about.followups": "员工计划或已进行的联系及其记录",
            "access.about.communities": "您加入（及退出）的社群，以及您是群主的社群",
            "access.about.reviews": "店铺记录的您的评价和晒单",
            "access.about.merges": "您的两条记录被确认为同一人并合并的记录",
            "access.about.audit": "修改记录：谁在何时修改、查看或导出了您的信息",
            "access.about.other": "按表列出的其他与您有关的记录",
        },
    }
)


def export_customer_data(
    db, code: str, actor: Actor | None = None, *, file_name: str | None = None
) -> dict:
    """Everything held about the customer with `code` (deleted or erased ones too), as a
    JSON-ready dict (see the module); writes an `export_data` change-log row on the
    customer naming `file_name`. Admins only; NotFoundError for an unknown code."""
    actor = actor or system_actor()
    actor.require("customers.data")
    with db.write() as conn:
        root = by_code(conn, code)
        ids = same_person(conn, root["id"])
        found = gather(conn, ids)
        changes = _audit(conn, found)
        names = _names(conn, found)
        audit.record(
            conn, actor.name, "customers", root["id"], "export_data", None, {"file": file_name}
        )
    return _document(root, actor, found, changes, names)


def gather(conn, ids: list[int]) -> dict[str, list[dict]]:
    """The rows about the person whose customer records are `ids`, by table: those
    `personal.about()` leads to, then the rows that are part of them (ON DELETE CASCADE)."""
    links = about()
    owners = {"customers": ids, "orders": []}
    found: dict[str, dict[tuple, dict]] = {}
    for target in ("customers", "orders"):
        for link in (x for x in links if x.target == target):
            table = metadata.tables[link.table]
            for row in _rows(conn, table, table.c[link.column], owners[target]):
                found.setdefault(link.table, {})[_key(table, row)] = row
        owners["orders"] = sorted(r["id"] for r in found.get("orders", {}).values())
    _parts(conn, found)
    return {name: sorted(rows.values(), key=_order) for name, rows in found.items()}


def _parts(conn, found: dict[str, dict[tuple, dict]]) -> None:
    """Add the rows that are part of a gathered row (a refund's lines), until none are new."""
    todo = [t for t in found if t not in ("customers", "orders")]
    while todo:
        parent = todo.pop()
        ids = sorted(r["id"] for r in found[parent].values() if "id" in r)
        for table in metadata.sorted_tables:
            for fk in table.foreign_keys:
                if fk.column.table.name == parent and fk.ondelete == "CASCADE":
                    new = table.name not in found
                    for row in _rows(conn, table, fk.parent, ids):
                        found.setdefault(table.name, {})[_key(table, row)] = row
                    if new and table.name in found:
                        todo.append(table.name)


def _rows(conn, table: sa.Table, column: sa.Column, owners: list[int]) -> list[dict]:
    """`table`'s rows whose `column` is one of `owners`."""
    rows = []
    for i in range(0, len(owners), CHUNK):
        query = sa.select(table).where(column.in_(owners[i : i + CHUNK]))
        rows += [_kept(table.name, r) for r in conn.execute(query).mappings()]
    return rows


def _kept(table: str, values) -> dict:
    """`values` (a row, change-log values) without the shop's own figures (LEFT_OUT)."""
    return {k: v for k, v in values.items() if (table, k) not in LEFT_OUT}


def _key(table: sa.Table, row: dict) -> tuple:
    """The row's primary key (rows found twice, by two links, are kept once)."""
    return tuple(row[c.name] for c in table.primary_key.columns)


def _order(row: dict):
    """Oldest first: by id where the table has one."""
    return (row.get("id") or 0, str(row))


def _audit(conn, found: dict[str, list[dict]]) -> list[dict]:
    """The change-log rows on every gathered row, oldest first, values decoded."""
    a = audit_log.c
    rows = []
    for name, table_rows in found.items():
        ids = sorted(r["id"] for r in table_rows if "id" in r)
        for i in range(0, len(ids), CHUNK):
            query = sa.select(audit_log).where(
                a.table_name == name, a.row_id.in_(ids[i : i + CHUNK])
            )
            rows += [dict(r) for r in conn.execute(query).mappings()]
    for row in rows:
        for key in ("old_values", "new_values"):
            values = json.loads(row[key]) if row[key] else None
            row[key] = _kept(row["table_name"], values) if isinstance(values, dict) else values
    return sorted(rows, key=lambda r: r["id"])


def _names(conn, found: dict[str, list[dict]]) -> dict[str, dict]:
    """What the person's rows refer to, by the words people know: channel codes, the
    codes of customers named (a referrer, an agent: codes only, their data is theirs),
    agent level and community names."""
    from .schema import agent_levels, communities, customers

    def lookup(table, column, ids):
        ids = sorted({i for i in ids if i is not None})
        return dict(conn.execute(sa.select(table.c.id, column).where(table.c.id.in_(ids))).all())

    people = found.get("customers", []) + found.get("orders", [])
    mine = found.get("community_members", [])
    return {
        "channel": lookup(channels, channels.c.code, [r.get("channel_id") for r in people]),
        "customer": lookup(
            customers,
            customers.c.code,
            [r.get(k) for r in people for k in ("referrer_id", "parent_agent_id", "agent_id")]
            + [r["id"] for r in found.get("customers", [])],
        ),
        "level": lookup(
            agent_levels, agent_levels.c.name, [r.get("agent_level_id") for r in people]
        ),
        "community": lookup(communities, communities.c.name, [r["community_id"] for r in mine]),
    }


def _document(root: dict, actor: Actor, found: dict, changes: list, names: dict) -> dict:
    """The export as it is written: header, then one section per kind of data."""
    now = now_utc()
    take = dict(found)
    records = take.pop("customers", [])
    erased = found.get("erasures", [])
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "shop": config.shop_name(),
        "customer_code": root["code"],
        "records": [r["code"] for r in records],
        "generated_at": _utc(now),
        "generated_at_local": _local(now),
        "time_zone": config.business_zone().key,
        "generated_by": actor.name,
        "erased_at": _utc(erased[0]["at"]) if erased else None,
        "contents": {s: messages.t(f"access.about.{s}") for s in SECTIONS},
    }
    profile = [_customer(r, names) for r in records]
    return {
        "header": header,
        "profile": {
            "record": next(p for p in profile if p["code"] == root["code"]),
            "same_person": [p for p in profile if p["code"] != root["code"]],
        },
        "identifiers": _plain_rows(take.pop("customer_identifiers", []), names),
        "addresses": _plain_rows(take.pop("customer_addresses", []), names),
        "orders": _orders(take, names),
        "followups": _plain_rows(take.pop("followups", []), names),
        "communities": {
            "memberships": _plain_rows(take.pop("community_members", []), names),
            "owned": _plain_rows(take.pop("communities", []), names),
        },
        "reviews": _plain_rows(take.pop("reviews", []), names),
        "merges": _plain_rows(take.pop("customer_merges", []), names),
        "audit": [_plain(r) for r in changes],
        "other": {name: _plain_rows(rows, names) for name, rows in sorted(take.items()) if rows},
    }


def _customer(row: dict, names: dict) -> dict:
    """A customer record, with what its ids refer to by name."""
    out = _plain(row)
    out["referrer"] = names["customer"].get(row.get("referrer_id"))
    out["parent_agent"] = names["customer"].get(row.get("parent_agent_id"))
    out["agent_level"] = names["level"].get(row.get("agent_level_id"))
    out["channel"] = names["channel"].get(row.get("channel_id"))
    return out


def _plain_rows(rows: list[dict], names: dict) -> list[dict]:
    """Rows as JSON-ready dicts, a customer id's code and a community's name beside them."""
    out = []
    for row in rows:
        plain = _plain(row)
        if row.get("customer_id") is not None:
            plain["customer"] = names["customer"].get(row["customer_id"])
        if row.get("community_id") is not None:
            plain["community"] = names["community"].get(row["community_id"])
        out.append(plain)
    return out


def _orders(take: dict, names: dict) -> list[dict]:
    """The person's orders, each with its lines, status history, ship-to, shipment and
    refunds (with their lines)."""
    lines = _by(take.pop("order_lines", []), "order_id")
    history = _by(take.pop("order_status_history", []), "order_id")
    refund_lines = _by(take.pop("order_refund_lines", []), "refund_id")
    refunds = _by(take.pop("order_refunds", []), "order_id")
    out = []
    for row in take.pop("orders", []):
        order = _plain({k: v for k, v in row.items() if k not in SHIP_TO})
        courier = find_courier(row["courier"]) if row["courier"] else None
        shipped = [h for h in history.get(row["id"], []) if h["to_status"] == "shipped"]
        order |= {
            "customer": names["customer"].get(row["customer_id"]),
            "channel": names["channel"].get(row["channel_id"]),
            "agent": names["customer"].get(row.get("agent_id")),
            "ship_to": {k.removeprefix("ship_"): row[k] for k in SHIP_TO},
            "shipment": _plain(
                {
                    "courier": row["courier"],
                    "courier_name": courier.name if courier else None,
                    "tracking_no": row["tracking_no"],
                    "shipped_at": shipped[-1]["changed_at"] if shipped else None,
                }
            ),
            "lines": [_plain(r) for r in lines.get(row["id"], [])],
            "status_history": [_plain(r) for r in history.get(row["id"], [])],
            "refunds": [
                _plain(r) | {"lines": [_plain(x) for x in refund_lines.get(r["id"], [])]}
                for r in refunds.get(row["id"], [])
            ],
        }
        out.append(order)
    return out


def _by(rows: list[dict], key: str) -> dict[int, list[dict]]:
    """Rows grouped by the value of `key`."""
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def _plain(row: dict) -> dict:
    """A row as JSON: Decimals as text, times as ISO UTC with `<name>_local` beside them in
    the business zone, days as ISO dates."""
    out = {}
    for key, value in row.items():
        if isinstance(value, datetime):
            out[key], out[f"{key}_local"] = _utc(value), _local(value)
        elif isinstance(value, Decimal):
            out[key] = str(value)
        elif isinstance(value, date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def _utc(when: datetime) -> str:
    """An aware time as ISO 8601 in UTC."""
    return when.astimezone(UTC).isoformat()


def _local(when: datetime) -> str:
    """An aware time in the business zone, to the second."""
    return when.astimezone(config.business_zone()).strftime("%Y-%m-%d %H:%M:%S")


def refuse_existing(path: str | Path, force: bool = False) -> None:
    """ValidationError when `path` exists and `force` is not given (checked before the
    export, so a refused one writes nothing, not even its change-log row)."""
    if not force and os.path.lexists(path):
        raise ValidationError.one("access.exists", "output", str(path))


def write_export(data: dict, path: str | Path, force: bool = False) -> Path:
    """Write an export as UTF-8 JSON, readable by its owner only (0600), whole or not at
    all; an existing file is replaced only with `force`. Returns the path."""
    refuse_existing(path, force)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    try:
        with private_file(path, "w", encoding="utf-8", overwrite=force) as f:
            f.write(text)
    except FileExistsError:  # made meanwhile by someone else: still theirs
        raise ValidationError.one("access.exists", "output", str(path)) from None
    return Path(path)
