"""Communities (社群): groups with an owner and members who may or may not buy.

A community has a unique name, a channel (where its orders come from) and an owner, a
customer the group gathers around (often an influencer); managers and admins create and
edit communities (`communities.edit`), versioned and audited.

Membership is a stay: `joined_at` and, once the person left, `left_at`. Leaving keeps the
row, so a week's members and the conversion of the weeks before stay what they were; a
person who comes back gets a new stay. Whoever may edit customers (staff included) adds
and removes members (`customers.edit`); each change is in the change log. A customer
created by being added to a community (a member list, or a new person typed on the
Communities page) is marked `brought_in`: "from community NAME" (`origin`).

`members(db, community)` lists the people with what they bought: counted orders,
revenue, the last order and the products they have bought (customer_products).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from . import audit, config, messages, validate
from .actors import Actor, system_actor
from .errors import ConflictError, NotFoundError, ValidationError
from .queries import fetch_all
from .schema import channels, communities, community_members, customers, now_utc

messages.add(
    {
        "en": {
            "community.word": "community",
            "community.taken": "{field}: there is already a community called {value!r}",
            "community.member": "{field}: {value} is already a member of {community} "
            "(since {since})",
            "community.not_member": "{field}: {value} is not a member of {community}",
            "community.before_join": "{field}: {value} is before they joined ({since})",
            "community.future": "{field}: {value} is in the future",
            "community.date": "{field}: {value!r} is not a date (accepted: YYYY-MM-DD)",
            "community.archived_channel": "{field}: channel {value} is archived",
        },
        "zh_CN": {
            "community.word": "社群",
            "community.taken": "{field}：已有名为 {value!r} 的社群",
            "community.member": "{field}：{value} 已是 {community} 的成员（{since} 加入）",
            "community.not_member": "{field}：{value} 不是 {community} 的成员",
            "community.before_join": "{field}：{value} 早于加入日期（{since}）",
            "community.future": "{field}：{value} 是将来的时间",
            "community.date": "{field}：{value!r} 不是日期（格式 YYYY-MM-DD）",
            "community.archived_channel": "{field}：渠道 {value} 已归档",
        },
    }
)
EDITABLE = ("name", "channel_id", "owner_id")


def day_start(value, field: str) -> datetime | None:
    """A day (date, 'YYYY-MM-DD', or an aware datetime kept as is) as the UTC time its
    business day starts; None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=config.business_zone())
        return value.astimezone(UTC)
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise ValidationError.one("community.date", field, value) from None
    return datetime.combine(value, time(0), tzinfo=config.business_zone()).astimezone(UTC)


def local_day(when: datetime | None) -> str:
    """The business day of a UTC time, as YYYY-MM-DD ('' for None)."""
    return when.astimezone(config.business_zone()).date().isoformat() if when else ""


def _clean(conn, data: dict, self_id: int | None) -> dict:
    """The community fields of `data`, checked: unique name, existing owner and channel."""
    checks = {}
    if "name" in data:
        checks["name"] = lambda: validate.text(data["name"], "name", 100, required=True)
    values = validate.collect(checks)
    if "name" in values:
        q = sa.select(communities.c.id).where(communities.c.name == values["name"])
        if self_id is not None:
            q = q.where(communities.c.id != self_id)
        if conn.execute(q).first():
            raise ValidationError.one("community.taken", "name", values["name"])
    if "channel_id" in data:
        values["channel_id"] = _channel(conn, data["channel_id"])
    if "owner_id" in data:
        values["owner_id"] = _owner(conn, data["owner_id"])
    return values


def _channel(conn, key) -> int | None:
    """A live channel by id, code or name; None when blank."""
    if key in (None, ""):
        return None
    c = channels.c
    text = str(key).strip()
    test = c.id == key if isinstance(key, int) else (c.code == text.lower()) | (c.name == text)
    row = conn.execute(sa.select(c.id, c.name, c.active).where(test)).first()
    if row is None:
        raise ValidationError.one("error.not_found", "channel", key, what="channel")
    if not row.active:
        raise ValidationError.one("community.archived_channel", "channel", row.name)
    return row.id


def _owner(conn, key) -> int | None:
    """A live customer by id or code; None when blank."""
    if key in (None, ""):
        return None
    c = customers.c
    test = c.id == key if isinstance(key, int) else c.code == str(key).strip().upper()
    found = conn.execute(sa.select(c.id).where(test, c.deleted_at.is_(None))).scalar()
    if found is None:
        raise ValidationError.one("error.not_found", "owner", key, what="customer")
    return found


def create_community(db, data: dict, actor: Actor | None = None) -> dict:
    """Add a community (name required; channel and owner optional); returns its row."""
    actor = actor or system_actor()
    actor.require("communities.edit")
    with db.write() as conn:
        values = _clean(conn, {"name": data.get("name"), **_pick(data)}, None)
        now = now_utc()
        row = {**values, "created_at": now, "created_by": actor.name}
        row.update(version=1, updated_at=now, updated_by=actor.name)
        new_id = conn.execute(sa.insert(communities).values(row)).inserted_primary_key[0]
        audit.record(conn, actor.name, "communities", new_id, "create", None, values)
        return _row(conn, new_id)


def _pick(data: dict) -> dict:
    """The editable fields present in `data`."""
    return {k: data[k] for k in ("channel_id", "owner_id") if k in data}


def update_community(
    db, community_id: int, changes: dict, expected_version: int, actor: Actor | None = None
) -> dict:
    """Rename a community or change its channel or owner (read at `expected_version`)."""
    actor = actor or system_actor()
    actor.require("communities.edit")
    with db.write() as conn:
        current = _row(conn, community_id)
        if current["version"] != expected_version:
            who = current["updated_by"] or current["created_by"] or "?"
            raise ConflictError("community", current["name"], who, current["updated_at"])
        values = _clean(conn, {k: v for k, v in changes.items() if k in EDITABLE}, community_id)
        before, after = audit.changed(current, values)
        if not after:
            return current
        conn.execute(
            sa.update(communities)
            .where(communities.c.id == community_id)
            .values(**after, version=expected_version + 1, updated_at=now_utc())
            .values(updated_by=actor.name)
        )
        audit.record(conn, actor.name, "communities", community_id, "update", before, after)
        return _row(conn, community_id)


def _row(conn, community_id: int) -> dict:
    """One community row; NotFoundError when there is none."""
    row = (
        conn.execute(sa.select(communities).where(communities.c.id == community_id))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(f"community {community_id} not found")
    return dict(row)


def find_community(db, key) -> dict:
    """A community by id or name (names compared trimmed); NotFoundError otherwise."""
    c = communities.c
    test = c.id == key if isinstance(key, int) else c.name == str(key or "").strip()
    with db.read() as conn:
        row = conn.execute(sa.select(communities).where(test)).mappings().first()
    if row is None:
        what = messages.t("community.word")
        raise NotFoundError(messages.t("error.not_found", field="community", value=key, what=what))
    return dict(row)


def list_communities(db) -> list[dict]:
    """Every community by name, with channel and owner names, members now, members ever,
    and how many of its present members ever bought."""
    return fetch_all(db, "community_list")


def add_member(
    db,
    community_id: int,
    customer_id: int,
    joined=None,
    actor: Actor | None = None,
    brought_in: bool = False,
) -> dict:
    """Add a customer to a community from `joined` (a day or time; default now); refused
    when they are in it already. Returns the new stay."""
    actor = actor or system_actor()
    actor.require("customers.edit")
    with db.write() as conn:
        return insert_member(conn, community_id, customer_id, joined, actor, brought_in)


def insert_member(conn, community_id, customer_id, joined, actor: Actor, brought_in=False):
    """add_member's step on an open transaction (the member-list import calls it)."""
    community, person = _row(conn, community_id), _person(conn, customer_id)
    joined_at = _when(day_start(joined, "joined_at"), "joined_at")
    stay = open_stay(conn, community_id, customer_id)
    if stay is not None:
        raise ValidationError.one(
            "community.member",
            "customer",
            _label(person),
            community=community["name"],
            since=local_day(stay["joined_at"]),
        )
    values = {
        "community_id": community_id,
        "customer_id": customer_id,
        "joined_at": joined_at,
        "brought_in": bool(brought_in),
    }
    stay_id = conn.execute(sa.insert(community_members).values(values)).inserted_primary_key[0]
    audit.record(conn, actor.name, "community_members", stay_id, "create", None, values)
    return {**values, "id": stay_id, "left_at": None}


def add_new_person(db, community_id: int, data: dict, joined=None, actor=None) -> dict:
    """Create a customer from `data` (name, nickname, mobile, WeChat ID...; the community's
    channel by default) and add them to the community, brought in by it; one transaction.
    Returns the new customer."""
    from . import customers as people

    actor = actor or system_actor()
    actor.require("customers.edit")
    values = people.clean(dict(data))
    with db.write() as conn:
        group = _row(conn, community_id)
        values.setdefault("channel_id", group["channel_id"])
        person = people.insert_customer(conn, values, actor)
        insert_member(conn, community_id, person["id"], joined, actor, brought_in=True)
        return person


def remove_member(db, community_id: int, customer_id: int, left=None, actor=None) -> dict:
    """End a customer's stay in a community at `left` (a day or time; default now): the
    row stays, with its left_at. Returns the stay."""
    actor = actor or system_actor()
    actor.require("customers.edit")
    with db.write() as conn:
        community, person = _row(conn, community_id), _person(conn, customer_id)
        stay = open_stay(conn, community_id, customer_id)
        if stay is None:
            raise ValidationError.one(
                "community.not_member", "customer", _label(person), community=community["name"]
            )
        left_at = _when(day_start(left, "left_at"), "left_at")
        if left_at < stay["joined_at"]:
            raise ValidationError.one(
                "community.before_join",
                "left_at",
                local_day(left_at),
                since=local_day(stay["joined_at"]),
            )
        m = community_members.c
        conn.execute(sa.update(community_members).where(m.id == stay["id"]).values(left_at=left_at))
        audit.record(
            conn,
            actor.name,
            "community_members",
            stay["id"],
            "update",
            {"left_at": None},
            {"left_at": left_at},
        )
        return {**stay, "left_at": left_at}


def _when(value: datetime | None, field: str) -> datetime:
    """A membership time: now when not given, never in the future."""
    now = now_utc()
    if value is None:
        return now
    if value > now:
        raise ValidationError.one("community.future", field, local_day(value))
    return value


def _person(conn, customer_id: int) -> dict:
    """A live customer's id, code and name; NotFoundError otherwise."""
    c = customers.c
    row = (
        conn.execute(
            sa.select(c.id, c.code, c.name).where(c.id == customer_id, c.deleted_at.is_(None))
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(f"customer {customer_id} not found")
    return dict(row)


def _label(person: dict) -> str:
    return f"{person['code']} {person['name']}"


def open_stay(conn, community_id: int, customer_id: int) -> dict | None:
    """The customer's current stay in the community, if any."""
    m = community_members.c
    row = (
        conn.execute(
            sa.select(community_members).where(
                m.community_id == community_id, m.customer_id == customer_id, m.left_at.is_(None)
            )
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def members(db, community_id: int, include_left: bool = False) -> list[dict]:
    """The community's members (and, with `include_left`, those who left), newest stay
    first: customer_id, code, name, nickname, mobile, wechat_id, joined_at, left_at,
    brought_in, orders, revenue, last_ordered_at, products (what they have bought)."""
    rows = fetch_all(
        db, "community_members", community_id=community_id, include_left=int(include_left)
    )
    bought: dict[int, list[str]] = {}
    for r in fetch_all(db, "community_member_products", community_id=community_id):
        bought.setdefault(r["customer_id"], []).append(r["product"])
    for row in rows:
        row["products"] = bought.get(row["customer_id"], [])
    return rows


def customer_stays(db, customer_id: int) -> list[dict]:
    """A customer's stays in communities, current first: id, community_id, community,
    joined_at, left_at, brought_in."""
    return fetch_all(db, "customer_communities", customer_id=customer_id)


def origin(db, customer_id: int) -> str | None:
    """The name of the community the customer was brought in through, if any."""
    m = community_members.c
    with db.read() as conn:
        return conn.execute(
            sa.select(communities.c.name)
            .join(community_members, m.community_id == communities.c.id)
            .where(m.customer_id == customer_id, m.brought_in)
            .order_by(m.id)
            .limit(1)
        ).scalar()
