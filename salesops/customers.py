"""Customers: create, edit, soft-delete, with the rules that keep them straight.

A customer's mobile is stored normalised and WeChat IDs are matched case-insensitively;
no two active customers share either. Referral and agent chains never form a cycle.
Every change is versioned and audited in its own transaction.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from . import audit, validate
from .actors import Actor, system_actor
from .errors import NotFoundError, ValidationError
from .messages import add, t
from .records import next_number, require_row, stamp_new, versioned_update
from .schema import channels, customers, now_utc

EDITABLE = (
    "code",
    "name",
    "mobile",
    "wechat_id",
    "nickname",
    "region",
    "channel_id",
    "referrer_id",
    "tags",
    "notes",
    "is_agent",
    "parent_agent_id",
)
MAX_CHAIN = 10_000
NAME_TO_COMPLETE = "name"  # customers.to_complete: the name is a placeholder

add(
    {
        "en": {"customer.placeholder_name": "Customer {code}"},
        "zh_CN": {"customer.placeholder_name": "客户 {code}"},
    }
)


def placeholder_name(code: str) -> str:
    """The name a customer gets when a file names nobody: readable, made from the code."""
    return t("customer.placeholder_name", code=code)


def clean(data: Mapping, partial: bool = False) -> dict:
    """The customer fields of `data`, normalised; every bad field reported at once.

    With `partial` (an edit), only the fields present are checked; otherwise `name` is
    required even when absent.
    """
    checks = {
        "code": lambda: validate.text(data.get("code"), "code", 32) or None,
        "name": lambda: validate.text(data.get("name"), "name", 100, required=True),
        "mobile": lambda: validate.mobile(data.get("mobile")),
        "wechat_id": lambda: validate.wechat_id(data.get("wechat_id")),
        "nickname": lambda: validate.text(data.get("nickname"), "nickname", 64) or None,
        "region": lambda: validate.text(data.get("region"), "region", 100) or None,
        "tags": lambda: _tags(data.get("tags")),
        "notes": lambda: validate.text(data.get("notes"), "notes", 5000),
    }
    values = validate.collect(
        {k: v for k, v in checks.items() if k in data or (k == "name" and not partial)}
    )
    for key in ("channel_id", "referrer_id", "parent_agent_id"):
        if key in data:
            values[key] = data[key] or None
    if "is_agent" in data:
        values["is_agent"] = bool(data["is_agent"])
    if "wechat_id" in values:
        values["wechat_key"] = validate.wechat_key(values["wechat_id"])
    return values


def _tags(value) -> str:
    """Tags as one comma-separated string, trimmed, without duplicates."""
    items = (
        value if isinstance(value, list | tuple) else str(value or "").replace("，", ",").split(",")
    )
    unique = list(dict.fromkeys(t.strip() for t in items if str(t).strip()))
    return validate.text(",".join(unique), "tags", 500)


def create_customer(db, data: Mapping, actor: Actor | None = None) -> dict:
    """Add a customer; returns the stored row (with its generated code)."""
    actor = actor or system_actor()
    actor.require("customers.edit")
    values = clean(data)
    with db.write() as conn:
        return insert_customer(conn, values, actor)


def insert_customer(conn, values: dict, actor: Actor, name_from_code: str = "") -> dict:
    """create_customer's work on the caller's transaction, for `clean`ed values (a service
    that writes several records all or nothing; the caller checked `customers.edit`); a
    blank name becomes `name_from_code` with the new code in it ('客户 {code}')."""
    values = dict(values)
    _check_rules(conn, values, None)
    if not values.get("code"):
        values["code"] = f"C{next_number(conn, 'customer_code'):06d}"
    _check_code(conn, values["code"], None)
    if not values.get("name"):
        values["name"] = name_from_code.format(code=values["code"])
    row = {**values, **stamp_new(actor)}
    new_id = conn.execute(sa.insert(customers).values(**row)).inserted_primary_key[0]
    audit.record(conn, actor.name, "customers", new_id, "create", None, values)
    return require_row(conn, customers, new_id, "customer")


def update_customer(
    db, customer_id: int, changes: Mapping, expected_version: int, actor: Actor | None = None
) -> dict:
    """Save edits to a customer read at `expected_version`; ConflictError if it moved on."""
    actor = actor or system_actor()
    actor.require("customers.edit")
    values = clean({k: v for k, v in changes.items() if k in EDITABLE}, partial=True)
    with db.write() as conn:
        current = require_row(conn, customers, customer_id, "customer")
        _check_rules(conn, values, customer_id)
        if values.get("code"):
            _check_code(conn, values["code"], customer_id)
        if completes_name(current, values):
            values["to_complete"] = None
        return versioned_update(
            conn,
            customers,
            customer_id,
            expected_version,
            values,
            actor,
            "customer",
            current["code"],
        )


def completes_name(current: Mapping, values: Mapping) -> bool:
    """True when `values` give a customer whose name was a placeholder a real one."""
    return (
        current.get("to_complete") == NAME_TO_COMPLETE
        and bool(values.get("name"))
        and values["name"] != current["name"]
    )


def delete_customer(db, customer_id: int, expected_version: int, actor: Actor | None = None):
    """Soft-delete a customer (kept for history; frees their mobile and WeChat ID)."""
    actor = actor or system_actor()
    actor.require("customers.edit")
    with db.write() as conn:
        current = require_row(conn, customers, customer_id, "customer")
        versioned_update(
            conn,
            customers,
            customer_id,
            expected_version,
            {"deleted_at": now_utc()},
            actor,
            "customer",
            current["code"],
        )


def get_customer(db, customer_id: int) -> dict:
    """One active customer as a dict, with channel name; NotFoundError otherwise."""
    with db.read() as conn:
        row = require_row(conn, customers, customer_id, "customer")
        if row["channel_id"]:
            row["channel"] = conn.execute(
                sa.select(channels.c.name).where(channels.c.id == row["channel_id"])
            ).scalar()
        return row


def id_for_code(db, code: str) -> int:
    """The id of the active customer with code `code`; NotFoundError when there is none."""
    with db.read() as conn:
        found = find_by_identity(conn, code=code)
    if found is None:
        raise NotFoundError(f"no active customer with code {code!r}")
    return found["id"]


def find_by_identity(conn, *, code=None, mobile=None, wechat_id=None) -> dict | None:
    """The active customer with this code, else normalised mobile, else WeChat ID."""
    c = customers.c
    tests = [
        (c.code, code),
        (c.mobile, validate.mobile(mobile) if mobile else None),
        (c.wechat_key, validate.wechat_key(wechat_id)),
    ]
    for column, value in tests:
        if value:
            row = (
                conn.execute(sa.select(customers).where(column == value, c.deleted_at.is_(None)))
                .mappings()
                .first()
            )
            if row:
                return dict(row)
    return None


def find_by_key(conn, key: str) -> dict | None:
    """The live customer a person names by code, mobile or WeChat ID (whichever `key` can
    be), as the command line takes them; None when there is none."""
    text = str(key or "").strip()
    for field, value in (("code", text.upper()), ("mobile", text), ("wechat_id", text)):
        try:
            found = find_by_identity(conn, **{field: value})
        except ValidationError:
            continue
        if found:
            return found
    return None


def find_by_nickname(conn, nickname: str) -> list[dict]:
    """The live customers whose WeChat nickname is `nickname` (trimmed, as written; several
    people may share one), oldest first."""
    text = str(nickname or "").strip()
    if not text:
        return []
    c = customers.c
    rows = conn.execute(
        sa.select(customers).where(c.nickname == text, c.deleted_at.is_(None)).order_by(c.id)
    ).mappings()
    return [dict(r) for r in rows]


def _check_rules(conn, values: dict, self_id: int | None) -> None:
    """Uniqueness of mobile/WeChat, existing references, and no referral or agent cycles."""
    from .errors import DuplicateError

    c = customers.c
    for field, column, key in (
        ("mobile", c.mobile, "mobile"),
        ("wechat_id", c.wechat_key, "wechat_key"),
    ):
        if values.get(key):
            q = sa.select(c.id, c.code, c.name).where(column == values[key], c.deleted_at.is_(None))
            if self_id is not None:
                q = q.where(c.id != self_id)
            other = conn.execute(q).mappings().first()
            if other:
                raise DuplicateError(field, values[field], dict(other))
    if (
        values.get("channel_id")
        and not conn.execute(
            sa.select(channels.c.id).where(channels.c.id == values["channel_id"])
        ).first()
    ):
        raise ValidationError.one(
            "error.not_found", "channel", values["channel_id"], what="channel"
        )
    check_chain(conn, "referrer_id", values.get("referrer_id"), self_id, "referrer")
    check_chain(conn, "parent_agent_id", values.get("parent_agent_id"), self_id, "parent agent")
    if values.get("parent_agent_id"):
        parent = require_row(conn, customers, values["parent_agent_id"], "customer")
        if not parent["is_agent"]:
            raise ValidationError.one("error.not_agent", "parent_agent_id", parent["code"])


def _check_code(conn, code: str, self_id: int | None) -> None:
    """Customer codes are unique, deleted customers included."""
    q = sa.select(customers.c.id, customers.c.code, customers.c.name).where(
        customers.c.code == code
    )
    if self_id is not None:
        q = q.where(customers.c.id != self_id)
    other = conn.execute(q).mappings().first()
    if other:
        from .errors import DuplicateError

        raise DuplicateError("code", code, dict(other))


def check_chain(conn, column: str, start: int | None, self_id: int | None, what: str) -> None:
    """Walk up the referrer (or parent-agent) chain from `start` on `conn`'s transaction;
    ValidationError when it loops back to customer `self_id` (`what` names the link:
    referrer, parent agent). The rule every writer of these columns follows."""
    if not start:
        return
    if start == self_id:
        raise ValidationError.one("error.self", column, start, what=what)
    seen, current = [], start
    while current is not None and len(seen) < MAX_CHAIN:
        row = conn.execute(
            sa.select(customers.c.code, customers.c[column]).where(customers.c.id == current)
        ).first()
        if row is None:
            raise ValidationError.one("error.not_found", column, current, what="customer")
        seen.append(row[0])
        if row[1] == self_id and self_id is not None:
            chain = " -> ".join(seen + ["self"])
            raise ValidationError.one("error.cycle", column, seen[0], chain=chain)
        current = row[1]


def agent_tier(db, customer_id: int) -> int:
    """Depth of an agent below the top of the reseller tree (a top agent is tier 1)."""
    with db.read() as conn:
        tier, current = 0, customer_id
        while current is not None:
            row = conn.execute(
                sa.select(customers.c.parent_agent_id, customers.c.is_agent).where(
                    customers.c.id == current
                )
            ).first()
            if row is None:
                raise NotFoundError(f"customer {current} not found")
            tier, current = tier + 1, row[0]
        return tier
