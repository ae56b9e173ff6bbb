"""Merge two customer records into one, and undo a merge exactly.

`merge_customers(db, keep, other)` moves the other customer's orders, follow-ups,
addresses (theirs stops being a default when the kept one has one), reviews, referrals
(customers they referred), agents below them, communities they own and community
memberships onto the kept customer, soft-deletes the other one, and keeps
its code, mobile and WeChat ID as secondary identifiers of the kept customer, so later
imports still find the person. Every moved row is listed in the `customer_merges` row,
and audited, in the same transaction. `unmerge(db, merge_id)` puts each listed row back
and restores the other customer as it was (same version and stamps), so a merge and its
undo leave every business table exactly as before.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from . import audit
from .actors import Actor, system_actor
from .errors import DuplicateError, NotFoundError, ValidationError
from .messages import add
from .records import require_row
from .schema import (
    communities,
    community_members,
    customer_addresses,
    customer_identifiers,
    customer_merges,
    customers,
    followups,
    now_utc,
    orders,
    reviews,
)

# (table, column pointing at the customer): rows that follow the person.
MOVED = [
    (orders, "customer_id"),
    (followups, "customer_id"),
    (customer_addresses, "customer_id"),
    (reviews, "customer_id"),
    (customers, "referrer_id"),
    (customers, "parent_agent_id"),
    (communities, "owner_id"),
]
RESTORED = ("deleted_at", "version", "updated_at", "updated_by")
add(
    {
        "en": {
            "merge.same": "a customer cannot be merged with itself",
            "merge.cycle": "merging would make {code} their own referrer or agent parent",
            "merge.undone": "merge #{id} was already undone by {who} at {when}",
            "merge.later": "customer {code} was merged into another customer afterwards "
            "(merge #{later}); undo that merge first",
            "merge.changed": "customer {code} was changed since the merge; nothing was undone",
        },
        "zh_CN": {
            "merge.same": "客户不能与自己合并",
            "merge.cycle": "合并后 {code} 会成为自己的推荐人或上级代理",
            "merge.undone": "合并 #{id} 已由 {who} 于 {when} 撤销",
            "merge.later": "客户 {code} 之后又被合并到其他客户（合并 #{later}），请先撤销那次合并",
            "merge.changed": "客户 {code} 在合并后被修改过；未撤销任何内容",
        },
    }
)


def merge_customers(
    db, keep_id: int, other_id: int, actor: Actor | None = None, evidence: str = ""
) -> dict:
    """Merge customer `other_id` into `keep_id`; returns the customer_merges row."""
    actor = actor or system_actor()
    actor.require("customers.edit")
    if keep_id == other_id:
        raise ValidationError.one("merge.same", "other", other_id)
    with db.write() as conn:
        keep = require_row(conn, customers, keep_id, "customer")
        other = require_row(conn, customers, other_id, "customer")
        moved = {
            "other": {k: _plain(other[k]) for k in RESTORED},
            "keep": {k: keep[k] for k in ("referrer_id", "parent_agent_id")},
        }
        moved["address_defaults"] = _one_default(conn, keep_id, other_id)
        for table, column in MOVED:
            ids = _ids(conn, table, column, other_id, exclude=keep_id)
            _point(conn, table, column, ids, keep_id)
            moved[f"{table.name}.{column}"] = ids
        moved["member_rows"], moved["dropped_rows"] = _move_memberships(conn, other_id, keep_id)
        _fix_self_links(conn, keep, other, moved)
        _refuse_cycles(conn, keep)
        now = now_utc()
        conn.execute(
            sa.update(customers)
            .where(customers.c.id == other_id)
            .values(
                deleted_at=now, version=other["version"] + 1, updated_at=now, updated_by=actor.name
            )
        )
        merge_id = conn.execute(
            sa.insert(customer_merges).values(
                kept_id=keep_id,
                merged_id=other_id,
                at=now,
                actor=actor.name,
                evidence=evidence,
                moved="{}",
            )
        ).inserted_primary_key[0]
        moved["identifiers"] = _keep_identifiers(conn, other, keep_id, merge_id, now)
        conn.execute(
            sa.update(customer_merges)
            .where(customer_merges.c.id == merge_id)
            .values(moved=json.dumps(moved, sort_keys=True))
        )
        _audit_merge(conn, actor, keep, other, merge_id, moved)
        return {"id": merge_id, "kept_id": keep_id, "merged_id": other_id, "moved": moved}


def _one_default(conn, keep_id: int, other_id: int) -> list[int]:
    """The other customer's default address stops being one when the kept customer has a
    default (one default each); the ids changed, for unmerge."""
    a = customer_addresses.c
    live = (a.is_default, a.deleted_at.is_(None))
    if conn.execute(sa.select(a.id).where(a.customer_id == keep_id, *live)).first() is None:
        return []
    ids = list(conn.execute(sa.select(a.id).where(a.customer_id == other_id, *live)).scalars())
    if ids:
        conn.execute(sa.update(customer_addresses).where(a.id.in_(ids)).values(is_default=False))
    return ids


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _ids(conn, table, column: str, customer_id: int, exclude: int | None = None) -> list[int]:
    q = sa.select(table.c.id).where(table.c[column] == customer_id)
    if exclude is not None and table is customers:
        q = q.where(table.c.id != exclude)
    return list(conn.execute(q.order_by(table.c.id)).scalars())


def _point(conn, table, column: str, ids: list[int], customer_id) -> None:
    """Point `column` of rows `ids` at `customer_id` (in chunks: parameter limits)."""
    for i in range(0, len(ids), 500):
        conn.execute(
            sa.update(table).where(table.c.id.in_(ids[i : i + 500])).values({column: customer_id})
        )


def _move_memberships(conn, other_id: int, keep_id: int) -> tuple[list, list]:
    """Every stay in a community moves (left ones too, so history follows the person);
    where both are in a community now, the other's open stay goes (kept whole for undo)."""
    m = community_members.c
    open_now = set(
        conn.execute(
            sa.select(m.community_id).where(m.customer_id == keep_id, m.left_at.is_(None))
        ).scalars()
    )
    moved, dropped = [], []
    for row in conn.execute(
        sa.select(community_members).where(m.customer_id == other_id).order_by(m.id)
    ).mappings():
        if row["left_at"] is None and row["community_id"] in open_now:
            dropped.append(
                [row["id"], row["community_id"], row["joined_at"].isoformat(), row["brought_in"]]
            )
        else:
            moved.append(row["id"])
    if dropped:
        conn.execute(sa.delete(community_members).where(m.id.in_([d[0] for d in dropped])))
    _point(conn, community_members, "customer_id", moved, keep_id)
    return moved, dropped


def _fix_self_links(conn, keep: dict, other: dict, moved: dict) -> None:
    """The kept customer referred by (or under) the other one takes the other's link."""
    changes = {}
    for column in ("referrer_id", "parent_agent_id"):
        if keep[column] == other["id"]:
            inherited = other[column] if other[column] != keep["id"] else None
            changes[column] = inherited
    if changes:
        conn.execute(sa.update(customers).where(customers.c.id == keep["id"]).values(changes))


def _refuse_cycles(conn, keep: dict) -> None:
    """After moving links, walking up from the kept customer must not come back to it."""
    for column in ("referrer_id", "parent_agent_id"):
        seen, current = set(), keep["id"]
        while current is not None and current not in seen:
            seen.add(current)
            current = conn.execute(
                sa.select(customers.c[column]).where(customers.c.id == current)
            ).scalar()
            if current == keep["id"]:
                raise ValidationError.one("merge.cycle", column, keep["code"], code=keep["code"])


def _keep_identifiers(conn, other: dict, keep_id: int, merge_id: int, now) -> dict:
    """The other's own secondary identifiers move; its code/mobile/WeChat become new ones."""
    ci = customer_identifiers.c
    inherited = list(conn.execute(sa.select(ci.id).where(ci.customer_id == other["id"])).scalars())
    _point(conn, customer_identifiers, "customer_id", inherited, keep_id)
    existing = {(k, v) for k, v in conn.execute(sa.select(ci.kind, ci.value))}
    added = []
    for kind, value in (
        ("code", other["code"]),
        ("mobile", other["mobile"]),
        ("wechat", other["wechat_key"]),
    ):
        if value and (kind, value) not in existing:
            added.append(
                conn.execute(
                    sa.insert(customer_identifiers).values(
                        customer_id=keep_id,
                        kind=kind,
                        value=value,
                        merge_id=merge_id,
                        created_at=now,
                    )
                ).inserted_primary_key[0]
            )
    return {"inherited": inherited, "added": added}


def _audit_merge(conn, actor: Actor, keep: dict, other: dict, merge_id: int, moved: dict):
    audit.record(
        conn,
        actor.name,
        "customers",
        keep["id"],
        "merge",
        None,
        {"merge_id": merge_id, "merged": other["code"]},
    )
    audit.record(
        conn,
        actor.name,
        "customers",
        other["id"],
        "merged",
        None,
        {"merge_id": merge_id, "into": keep["code"], "deleted_at": now_utc()},
    )
    audit.record(
        conn,
        actor.name,
        "customer_merges",
        merge_id,
        "create",
        None,
        {
            "kept": keep["code"],
            "merged": other["code"],
            "moved": {k: len(v) for k, v in moved.items() if isinstance(v, list)},
        },
    )


def unmerge(db, merge_id: int, actor: Actor | None = None) -> dict:
    """Undo merge `merge_id` exactly: rows back to the other customer, who is active again."""
    actor = actor or system_actor()
    actor.require("customers.edit")
    with db.write() as conn:
        merge = (
            conn.execute(sa.select(customer_merges).where(customer_merges.c.id == merge_id))
            .mappings()
            .first()
        )
        if merge is None:
            raise NotFoundError(f"merge {merge_id} not found")
        keep_id, other_id = merge["kept_id"], merge["merged_id"]
        _refuse_unmerge(conn, merge)
        moved = json.loads(merge["moved"])
        for table, column in MOVED:
            _point_back(conn, table, column, moved[f"{table.name}.{column}"], keep_id, other_id)
        for address_id in moved.get("address_defaults", []):
            conn.execute(
                sa.update(customer_addresses)
                .where(customer_addresses.c.id == address_id)
                .values(is_default=True)
            )
        _memberships_back(conn, moved, keep_id, other_id)
        links = {k: v for k, v in moved["keep"].items() if v == other_id}
        if links:  # the kept one's own link to the other, which the merge replaced
            conn.execute(sa.update(customers).where(customers.c.id == keep_id).values(links))
        ident = moved["identifiers"]
        ci = customer_identifiers.c
        conn.execute(
            sa.delete(customer_identifiers).where(
                ci.merge_id == merge_id, ci.id.in_(ident["added"] or [0])
            )
        )
        _point(conn, customer_identifiers, "customer_id", ident["inherited"], other_id)
        restored = moved["other"]
        conn.execute(
            sa.update(customers)
            .where(customers.c.id == other_id)
            .values(
                deleted_at=_aware(restored["deleted_at"]),
                version=restored["version"],
                updated_at=_aware(restored["updated_at"]),
                updated_by=restored["updated_by"],
            )
        )
        now = now_utc()
        conn.execute(
            sa.update(customer_merges)
            .where(customer_merges.c.id == merge_id)
            .values(undone_at=now, undone_by=actor.name)
        )
        audit.record(
            conn,
            actor.name,
            "customer_merges",
            merge_id,
            "undo",
            None,
            {"kept_id": keep_id, "merged_id": other_id},
        )
        audit.record(
            conn, actor.name, "customers", other_id, "unmerged", None, {"merge_id": merge_id}
        )
        return {"id": merge_id, "kept_id": keep_id, "merged_id": other_id}


def _memberships_back(conn, moved: dict, keep_id: int, other_id: int) -> None:
    """The other's stays in communities back as they were (merges made before migration
    0017 listed communities, one row per pair)."""
    m = community_members.c
    _point(conn, community_members, "customer_id", moved.get("member_rows", []), other_id)
    for row_id, community_id, joined_at, brought_in in moved.get("dropped_rows", []):
        conn.execute(
            sa.insert(community_members).values(
                id=row_id,
                community_id=community_id,
                customer_id=other_id,
                joined_at=_aware(joined_at),
                brought_in=brought_in,
            )
        )
    for community_id in moved.get("members", []):
        conn.execute(
            sa.update(community_members)
            .where((m.community_id == community_id) & (m.customer_id == keep_id))
            .values(customer_id=other_id)
        )
    for community_id, joined_at in moved.get("dropped", []):
        conn.execute(
            sa.insert(community_members).values(
                community_id=community_id, customer_id=other_id, joined_at=_aware(joined_at)
            )
        )


def _aware(text):
    from datetime import datetime

    return None if text is None else datetime.fromisoformat(text)


def _refuse_unmerge(conn, merge) -> None:
    """Undone already, the kept one merged away since, the other edited since, or its
    mobile / WeChat ID taken by someone else meanwhile: refuse with a plain reason."""
    from .errors import _local

    if merge["undone_at"] is not None:
        raise ValidationError.one(
            "merge.undone",
            "merge",
            merge["id"],
            id=merge["id"],
            who=merge["undone_by"],
            when=_local(merge["undone_at"]),
        )
    cm = customer_merges.c
    later = conn.execute(
        sa.select(cm.id).where(
            cm.merged_id == merge["kept_id"], cm.undone_at.is_(None), cm.id > merge["id"]
        )
    ).scalar()
    if later:
        code = conn.execute(
            sa.select(customers.c.code).where(customers.c.id == merge["kept_id"])
        ).scalar()
        raise ValidationError.one("merge.later", "merge", merge["id"], code=code, later=later)
    require_row(conn, customers, merge["kept_id"], "customer")
    other = (
        conn.execute(sa.select(customers).where(customers.c.id == merge["merged_id"]))
        .mappings()
        .one()
    )
    recorded = json.loads(merge["moved"])["other"]
    if other["version"] != recorded["version"] + 1 or other["deleted_at"] is None:
        raise ValidationError.one("merge.changed", "merge", merge["id"], code=other["code"])
    c = customers.c
    for field, column, value in (
        ("mobile", c.mobile, other["mobile"]),
        ("wechat_id", c.wechat_key, other["wechat_key"]),
    ):
        if value:
            taken = (
                conn.execute(
                    sa.select(c.id, c.code, c.name).where(column == value, c.deleted_at.is_(None))
                )
                .mappings()
                .first()
            )
            if taken:
                raise DuplicateError(field, value, dict(taken))


def _point_back(conn, table, column: str, ids: list[int], keep_id: int, other_id: int):
    """Rows the merge moved go back, where they still point at the kept customer."""
    for i in range(0, len(ids), 500):
        conn.execute(
            sa.update(table)
            .where(table.c.id.in_(ids[i : i + 500]), table.c[column] == keep_id)
            .values({column: other_id})
        )
