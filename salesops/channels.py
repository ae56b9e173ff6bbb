"""Channels (渠道): where orders come from. Add, rename, archive and restore them; which one
imports use by default is a shop setting (salesops.settings).

A channel's **code** is how files and commands name it (`--channel`, the orders import's
channel column), so it stays fixed when the channel is renamed. A code given by a person
is 1-32 lower-case letters, digits, `_` or `-`. Without one, it is made from the name:
the name's Latin letters and digits as a slug (`WeChat Moments` -> `wechat_moments`,
`抖音 Douyin` -> `douyin`); a name with none (小红书) gets `ch01`, `ch02`... (the next
free number): a pinyin slug would need a dictionary, and a short number reads better than
a half-translated word. A taken slug gets `_2`, `_3`...

Names are unique, and no name may equal another channel's code or English name (matched
case-insensitively), because the orders import looks channels up by all three. Archived
channels keep their orders and customers, leave the lists people pick from, and cannot be
the default for imports. Managers and admins change channels (`channels.edit`); every
change is versioned and audited.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa

from . import audit, messages, validate
from .actors import Actor, system_actor
from .errors import ConflictError, NotFoundError, ValidationError
from .schema import channels, now_utc, settings

CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
LATIN = re.compile(r"[a-z0-9]+")

messages.add(
    {
        "en": {
            "channel.code": "{field}: {value!r} is not a channel code (accepted: 1-32 "
            "lower-case letters, digits, _ or -)",
            "channel.taken": "{field}: {value!r} is already channel {code} {name}",
            "channel.is_default": "channel {value} is the default channel for imports; "
            "choose another default in the shop settings first",
            "channel.word": "channel",
        },
        "zh_CN": {
            "channel.code": "{field}：{value!r} 不是有效渠道代码（1-32 位小写字母、数字、_ 或 -）",
            "channel.taken": "{field}：{value!r} 已是渠道 {code} {name}",
            "channel.is_default": "渠道 {value} 是导入时的默认渠道；请先在店铺设置中另选默认渠道",
            "channel.word": "渠道",
        },
    }
)


def make_code(name: str, taken: set[str]) -> str:
    """A code for a channel named `name` that is not in `taken` (see the module docstring)."""
    words = LATIN.findall(unicodedata.normalize("NFKC", name).lower())
    base = "_".join(words)[:28].strip("_")
    if not base:
        number = 1
        while f"ch{number:02d}" in taken:
            number += 1
        return f"ch{number:02d}"
    code, k = base, 2
    while code in taken:
        code, k = f"{base}_{k}", k + 1
    return code


def _clean_code(value) -> str | None:
    """A code as given (lower-cased), or None when blank."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip().lower()
    if not text:
        return None
    if not CODE.fullmatch(text):
        raise ValidationError.one("channel.code", "code", value)
    return text


def _rows(conn) -> list[dict]:
    """Every channel row."""
    return [dict(r) for r in conn.execute(sa.select(channels).order_by(channels.c.id)).mappings()]


def _check_free(rows: list[dict], field: str, value: str, self_id: int | None) -> None:
    """`value` must not be another channel's name, code or English name."""
    key = value.strip().lower()
    for row in rows:
        if row["id"] != self_id and key in {
            row["name"].lower(),
            row["code"],
            row["name_en"].lower(),
        }:
            raise ValidationError.one(
                "channel.taken", field, value, code=row["code"], name=row["name"]
            )


def add_channel(
    db, name: str, code: str | None = None, name_en: str | None = None, actor: Actor | None = None
) -> dict:
    """Add a channel; its code is made from the name when none is given. Returns the row."""
    actor = actor or system_actor()
    actor.require("channels.edit")
    values = validate.collect(
        {
            "name": lambda: validate.text(name, "name", 64, required=True),
            "code": lambda: _clean_code(code),
            "name_en": lambda: validate.text(name_en, "name_en", 64),
        }
    )
    with db.write() as conn:
        rows = _rows(conn)
        _check_free(rows, "name", values["name"], None)
        if values["code"]:
            _check_free(rows, "code", values["code"], None)
        else:
            values["code"] = make_code(values["name"], _taken(rows))
        values["name_en"] = values["name_en"] or values["name"]
        if values["name_en"] != values["name"]:
            _check_free(rows, "name_en", values["name_en"], None)
        new_id = conn.execute(sa.insert(channels).values(values)).inserted_primary_key[0]
        audit.record(conn, actor.name, "channels", new_id, "create", None, values)
        return _row(conn, new_id)


def _taken(rows: list[dict]) -> set[str]:
    """Every code and lower-cased name in use, which a new code must avoid."""
    return (
        {r["code"] for r in rows}
        | {r["name"].lower() for r in rows}
        | {r["name_en"].lower() for r in rows}
    )


def rename_channel(
    db,
    channel_id: int,
    name: str,
    expected_version: int,
    name_en: str | None = None,
    actor: Actor | None = None,
) -> dict:
    """Give a channel a new name (its code stays); an English name that was the old name
    follows it unless another is given."""
    actor = actor or system_actor()
    actor.require("channels.edit")
    name = validate.text(name, "name", 64, required=True)
    with db.write() as conn:
        rows = _rows(conn)
        current = _current(rows, channel_id, expected_version)
        _check_free(rows, "name", name, channel_id)
        english = validate.text(name_en, "name_en", 64) if name_en is not None else None
        if not english:
            english = name if current["name_en"] == current["name"] else current["name_en"]
        if english != name:
            _check_free(rows, "name_en", english, channel_id)
        return _save(conn, current, {"name": name, "name_en": english}, actor)


def archive_channel(db, channel_id: int, expected_version: int, actor: Actor | None = None):
    """Take a channel out of the lists people pick from; its orders keep it."""
    actor = actor or system_actor()
    actor.require("channels.edit")
    with db.write() as conn:
        current = _current(_rows(conn), channel_id, expected_version)
        default = conn.execute(sa.select(settings.c.default_channel_id)).scalar()
        if default == channel_id:
            raise ValidationError.one("channel.is_default", "channel", current["name"])
        return _save(conn, current, {"active": False}, actor)


def restore_channel(db, channel_id: int, expected_version: int, actor: Actor | None = None):
    """Put an archived channel back in the lists."""
    actor = actor or system_actor()
    actor.require("channels.edit")
    with db.write() as conn:
        current = _current(_rows(conn), channel_id, expected_version)
        return _save(conn, current, {"active": True}, actor)


def _current(rows: list[dict], channel_id: int, expected_version: int) -> dict:
    """The channel's row, if still at `expected_version`."""
    current = next((r for r in rows if r["id"] == channel_id), None)
    if current is None:
        raise NotFoundError(f"channel {channel_id} not found")
    if current["version"] != expected_version:
        who = current["updated_by"] or "?"
        raise ConflictError("channel", current["code"], who, current["updated_at"])
    return current


def _save(conn, current: dict, values: dict, actor: Actor) -> dict:
    """Write the changed values with the next version; audit them; the row after."""
    before, after = audit.changed(current, values)
    if not after:
        return current
    result = conn.execute(
        sa.update(channels)
        .where(channels.c.id == current["id"], channels.c.version == current["version"])
        .values(
            **after, version=current["version"] + 1, updated_at=now_utc(), updated_by=actor.name
        )
    )
    if result.rowcount != 1:
        raise ConflictError("channel", current["code"], "?", None)
    audit.record(conn, actor.name, "channels", current["id"], "update", before, after)
    return _row(conn, current["id"])


def _row(conn, channel_id: int) -> dict:
    """One channel row as a dict."""
    return dict(
        conn.execute(sa.select(channels).where(channels.c.id == channel_id)).mappings().one()
    )


def list_channels(db, include_archived: bool = True) -> list[dict]:
    """Channels in the order they were added: id, code, name, name_en, active, version, and
    `is_default` (the default for imports)."""
    with db.read() as conn:
        default = conn.execute(sa.select(settings.c.default_channel_id)).scalar()
        rows = _rows(conn)
    return [
        {**r, "is_default": r["id"] == default} for r in rows if include_archived or r["active"]
    ]


def find_channel(db, key) -> dict:
    """A channel by id, code or name (case-insensitive); NotFoundError otherwise."""
    with db.read() as conn:
        rows = _rows(conn)
    text = str(key).strip().lower()
    for row in rows:
        if key == row["id"] or text in (row["code"], row["name"].lower(), row["name_en"].lower()):
            return row
    what = messages.t("channel.word")
    raise NotFoundError(messages.t("error.not_found", field="channel", value=key, what=what))
