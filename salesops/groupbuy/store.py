"""What a group-buy list needs from the database, read on the caller's transaction: the
catalogue, buyers by mobile / WeChat ID / nickname / name, the community and channel,
the entries of the list written before, and what identifies a list.

A list is identified by its key: the SHA-256 of the community's id, the header's first
part (its lines before the first blank line, separator or example line: the title and
the posted prices) and the first entry's text, each folded (full width, case and spaces
aside). Re-pasting the same 接龙 after more people joined keeps all three, so its key is
the same and only entries with numbers not written before are new; next week's list
with the same title and prices is another list unless its first entry is word for word
the same as this week's.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from .. import messages, validate
from ..communities import insert_member, open_stay
from ..errors import NotFoundError, ValidationError
from ..schema import (
    channels,
    communities,
    customer_identifiers,
    customers,
    group_buy_entries,
    orders,
    product_aliases,
    products,
)
from ..settings import default_channel_code
from .lines import is_aside, split
from .reading import Entry, Reading
from .text import fold

messages.add(
    {
        "en": {
            "groupbuy.no_community": "no community named {value!r}",
            "groupbuy.no_channel": "no channel {value!r}",
            "groupbuy.no_default_channel": "no channel to record the orders under: choose one "
            "(or add one: salesops channels add NAME)",
        },
        "zh_CN": {
            "groupbuy.no_community": "没有名为 {value!r} 的社群",
            "groupbuy.no_channel": "没有渠道 {value!r}",
            "groupbuy.no_default_channel": "没有可记录订单的渠道：请选择渠道"
            "（或新增：salesops channels add 名称）",
        },
    }
)


def catalog(conn) -> list[dict]:
    """Every product, archived ones too (the reader says so), with its aliases."""
    names: dict[int, list[str]] = {}
    q = sa.select(product_aliases.c.product_id, product_aliases.c.alias)
    for pid, alias in conn.execute(q.order_by(product_aliases.c.id)):
        names.setdefault(pid, []).append(alias)
    p = products.c
    rows = conn.execute(sa.select(p.id, p.sku, p.name, p.price, p.active).order_by(p.sku))
    return [{**r._mapping, "aliases": names.get(r.id, [])} for r in rows]


def has_nickname() -> bool:
    """Whether customers have a nickname column yet (added with communities)."""
    return "nickname" in customers.c


def finder(conn):
    """find(kind, value) -> codes of the active customers whose `kind` is `value`, for
    salesops.groupbuy.match_buyers; merged-away mobiles and WeChat IDs find who they were
    merged into."""
    c, ci = customers.c, customer_identifiers.c
    live = c.deleted_at.is_(None)
    columns = {"mobile": c.mobile, "wechat": c.wechat_key}
    if has_nickname():
        columns["nickname"] = c.nickname

    def find(kind: str, value: str) -> list[str]:
        if kind == "name":
            where = sa.func.lower(c.name) == value.strip().lower()
            return list(
                conn.execute(sa.select(c.code).where(where, live).order_by(c.code)).scalars()
            )
        if kind not in columns:
            return []
        found = conn.execute(sa.select(c.code).where(columns[kind] == value, live).order_by(c.code))
        codes = list(found.scalars())
        if not codes and kind in ("mobile", "wechat"):
            merged = sa.select(c.code).join(customer_identifiers, ci.customer_id == c.id)
            codes = list(
                conn.execute(merged.where(ci.kind == kind, ci.value == value, live)).scalars()
            )
        return codes

    return find


def customers_by_code(conn, codes) -> dict[str, dict]:
    """Active customers by code: id, code, name, mobile."""
    codes = [code for code in set(codes) if code]
    if not codes:
        return {}
    c = customers.c
    q = sa.select(c.id, c.code, c.name, c.mobile).where(c.code.in_(codes), c.deleted_at.is_(None))
    return {r.code: dict(r._mapping) for r in conn.execute(q)}


def community(conn, name: str | None) -> dict | None:
    """The community named `name` (id, name, channel_id), None for none; NotFoundError."""
    if not name or not str(name).strip():
        return None
    c = communities.c
    q = sa.select(c.id, c.name, c.channel_id).where(c.name == str(name).strip())
    row = conn.execute(q).first()
    if row is None:
        raise NotFoundError(messages.t("groupbuy.no_community", value=name))
    return dict(row._mapping)


def community_names(conn) -> list[str]:
    """Every community's name, in name order."""
    return list(conn.execute(sa.select(communities.c.name).order_by(communities.c.name)).scalars())


def channel(conn, key, group: dict | None) -> dict:
    """The channel by code, name or English name (case-insensitive); without one, the
    community's channel, else the shop's default channel, else its only channel."""
    ch = channels.c
    rows = [
        dict(r._mapping)
        for r in conn.execute(sa.select(ch.id, ch.code, ch.name, ch.name_en, ch.active))
    ]
    if key not in (None, ""):
        text = str(key).strip().lower()
        for row in rows:
            if text in (row["code"].lower(), row["name"].lower(), (row["name_en"] or "").lower()):
                return row
        raise ValidationError.one("groupbuy.no_channel", "channel", key)
    if group and group["channel_id"]:
        return next(r for r in rows if r["id"] == group["channel_id"])
    code = default_channel_code(conn)
    active = [row for row in rows if row["active"]]
    for row in active:
        if row["code"] == code:
            return row
    if len(active) == 1:  # a shop with one channel sells through it
        return active[0]
    raise ValidationError.one("groupbuy.no_default_channel", "channel")


def list_key(text: str, reading: Reading, group: dict | None) -> str:
    """What identifies the list (see the module docstring), as a SHA-256."""
    lines = split(text)
    first = reading.entries[0].line if reading.entries else len(lines) + 1
    header = []
    for line in lines[: first - 1]:
        if is_aside(line):
            break
        header.append(_folded(line.text))
    entry = entry_text(text, reading.entries[0], lines) if reading.entries else ""
    parts = [str(group["id"] if group else ""), "\n".join(header), _folded(entry)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def entry_text(text: str, entry: Entry, lines=None) -> str:
    """The lines of one entry as written."""
    lines = lines or split(text)
    return "\n".join(lines[n - 1].text for n in entry.lines)


def entry_digest(text: str) -> str:
    """SHA-256 of an entry's text, folded."""
    return hashlib.sha256(_folded(text).encode()).hexdigest()


def _folded(text: str) -> str:
    """Text compared without regard to width, case and spaces."""
    return "".join(fold(text).split())


def written_entries(conn, key: str) -> dict[tuple[int, int], dict]:
    """The entries of list `key` written before, by (number, occurrence): digest, order."""
    g, o = group_buy_entries.c, orders.c
    q = (
        sa.select(g.entry, g.seq, g.entry_digest, o.order_no)
        .join(orders, o.id == g.order_id)
        .where(g.list_key == key)
    )
    return {(r.entry, r.seq): dict(r._mapping) for r in conn.execute(q)}


def join_community(conn, group: dict, customer_id: int, actor) -> bool:
    """Make the customer a member of the community (True when they were not one yet): a
    new stay, through salesops.communities, for someone not in it now (never in it, or
    left it since), with its audit row; someone in it already stays as they are."""
    if open_stay(conn, group["id"], customer_id) is not None:
        return False
    insert_member(conn, group["id"], customer_id, None, actor)
    return True


def new_customer_values(buyer: str, mobile: str | None, channel_id: int) -> dict:
    """A new customer for a buyer the list names: the buyer's name (the mobile when only
    that is written), mobile, the list's channel as where they came from."""
    name = (buyer or "").strip() or (mobile or "")
    values = {"name": validate.text(name, "name", 100, required=True), "channel_id": channel_id}
    if mobile:
        values["mobile"] = validate.mobile(mobile)
    if has_nickname() and buyer.strip():
        values["nickname"] = buyer.strip()[:100]
    return values
