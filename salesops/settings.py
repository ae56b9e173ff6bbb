"""Shop settings: the shop's name, business time zone, how money is shown, and the
default channel for imports. One row (id 1) of the `settings` table, read and written
only through here; no row means every setting is at its default. Admins change them
(`settings.edit`), versioned and audited like any record.

**Business time zone and SALESOPS_TZ.** The environment wins: when SALESOPS_TZ is set
(a server, a test or a script pinned to a zone), it is the zone, and the Settings page
says so instead of offering a choice that would not apply. When it is not set, the zone
an admin saves here is the zone; with neither, Asia/Shanghai. The same rule holds for the
default channel and SALESOPS_DEFAULT_CHANNEL (else the orders import's `offline`).

**No query per call.** salesops.config keeps the database's settings per process
(`config.use_shop_settings`), so `config.business_zone()` and money formatting read
memory. `load(db)` fills it: a page's `PageData.from_env()`, the analysts'
`salesops.connect()`, the CLI and `salesops serve` call it when they open the database,
and `save_settings` after every save. Another process sees a
change when it next loads: a page when it is opened again, the CLI at its next run.
"""

from __future__ import annotations

import unicodedata
import zoneinfo
from collections.abc import Mapping

import sqlalchemy as sa

from . import audit, config, messages, validate
from .actors import Actor, system_actor
from .errors import ConflictError, ValidationError
from .schema import channels, now_utc, settings

DEFAULTS = {
    "shop_name": "",
    "business_zone": None,
    "currency_format": config.DEFAULT_CURRENCY,
    "default_channel_id": None,
    "allow_backorder": False,  # may an order take stock below zero (salesops.stock_orders)
}
# The patterns the Settings page offers ({} is the amount: ¥1,234.50, 1,234.50元...).
CURRENCY_FORMATS = ("¥{}", "￥{}", "{}元", "RMB {}", "CNY {}", "HK${}", "MOP {}", "NT${}", "US${}")

messages.add(
    {
        "en": {
            "settings.zone": "{field}: {value!r} is not a time zone (e.g. Asia/Shanghai)",
            "settings.currency": "{field}: {value!r} must contain {{}} once, where the "
            "amount goes (e.g. ¥{{}}), within 16 characters",
            "settings.archived_channel": "{field}: channel {value} is archived",
        },
        "zh_CN": {
            "settings.zone": "{field}：{value!r} 不是有效时区（例如 Asia/Shanghai）",
            "settings.currency": "{field}：{value!r} 须含一个 {{}} 表示金额的位置（例如 ¥{{}}），"
            "不超过 16 个字符",
            "settings.archived_channel": "{field}：渠道 {value} 已归档",
        },
    }
)


def time_zones() -> list[str]:
    """Every zone name this machine knows (for the Settings page), sorted."""
    return sorted(zoneinfo.available_timezones())


def _zone(value) -> str | None:
    """A known IANA zone name, or None when blank."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    if not text:
        return None
    if text not in zoneinfo.available_timezones():
        raise ValidationError.one("settings.zone", "business_zone", value)
    return text


def _currency(value) -> str:
    """A money pattern with exactly one {} and no other braces."""
    text = str(value or "").strip() or config.DEFAULT_CURRENCY
    rest = text.replace("{}", "", 1)
    if "{}" not in text or "{" in rest or "}" in rest or len(text) > 16:
        raise ValidationError.one("settings.currency", "currency_format", value)
    return text


def clean(data: Mapping) -> dict:
    """The settings in `data`, checked; every bad field reported at once."""
    checks = {
        "shop_name": lambda: validate.text(data.get("shop_name"), "shop_name", 100),
        "business_zone": lambda: _zone(data.get("business_zone")),
        "currency_format": lambda: _currency(data.get("currency_format")),
        "default_channel_id": lambda: data.get("default_channel_id") or None,
        "allow_backorder": lambda: validate.flag(data.get("allow_backorder"), "allow_backorder"),
    }
    return validate.collect({k: v for k, v in checks.items() if k in data})


def _stored(conn, lock: bool = False) -> dict | None:
    """The settings row, or None before the first save."""
    q = sa.select(settings).where(settings.c.id == 1)
    row = conn.execute(q.with_for_update() if lock else q).mappings().first()
    return dict(row) if row else None


def get_settings(db) -> dict:
    """The shop settings with their defaults filled in; `version` 0 before the first
    save; `default_channel` (code) beside its id; `zone` the zone in force and
    `zone_source` where it comes from (environment, database, default)."""
    with db.read() as conn:
        return _view(conn, _stored(conn))


def _view(conn, row: dict | None) -> dict:
    """A settings row (or the defaults) as `get_settings` returns it."""
    out = {**DEFAULTS, "version": 0, "updated_at": None, "updated_by": None, **(row or {})}
    out["default_channel"] = None
    if out["default_channel_id"]:
        out["default_channel"] = conn.execute(
            sa.select(channels.c.code).where(channels.c.id == out["default_channel_id"])
        ).scalar()
    out.pop("id", None)
    return out | _zone_in_force(out["business_zone"])


def _zone_in_force(stored: str | None) -> dict:
    """The zone that applies given the stored one, and why."""
    import os

    if os.environ.get("SALESOPS_TZ"):
        return {"zone": os.environ["SALESOPS_TZ"], "zone_source": "environment"}
    if stored:
        return {"zone": stored, "zone_source": "database"}
    return {"zone": config.DEFAULT_ZONE, "zone_source": "default"}


def save_settings(db, changes: Mapping, expected_version: int, actor: Actor | None = None) -> dict:
    """Save the settings read at `expected_version` (0: never saved); admins only.
    ConflictError when someone saved in between. Returns `get_settings` afterwards."""
    actor = actor or system_actor()
    actor.require("settings.edit")
    values = clean({k: v for k, v in changes.items() if k in DEFAULTS})
    with db.write() as conn:
        row = _stored(conn, lock=True)
        current = {**DEFAULTS, "version": 0, **(row or {})}
        if current["version"] != expected_version:
            raise ConflictError("settings", "", current["updated_by"], current["updated_at"])
        _check_channel(conn, values.get("default_channel_id"))
        before, after = audit.changed(current, values)
        if after:
            _write(conn, row, after, expected_version, actor)
            action = "update" if row else "create"
            audit.record(conn, actor.name, "settings", 1, action, before, after)
        result = _view(conn, _stored(conn))
    load(db)
    return result


def _check_channel(conn, channel_id) -> None:
    """The default channel must be an active channel."""
    if channel_id is None:
        return
    active = conn.execute(sa.select(channels.c.active).where(channels.c.id == channel_id)).scalar()
    if active is None:
        raise ValidationError.one("error.not_found", "default_channel", channel_id, what="channel")
    if not active:
        raise ValidationError.one("settings.archived_channel", "default_channel", channel_id)


def _write(conn, row, after: dict, expected_version: int, actor: Actor) -> None:
    """Insert the first settings row or update it to the next version."""
    stamp = {"version": expected_version + 1, "updated_at": now_utc(), "updated_by": actor.name}
    if row is None:
        try:
            with conn.begin_nested():
                conn.execute(sa.insert(settings).values(id=1, **after, **stamp))
        except sa.exc.IntegrityError:  # another admin saved the first settings meanwhile
            raise ConflictError("settings", "", "?", None) from None
    else:
        conn.execute(sa.update(settings).where(settings.c.id == 1).values(**after, **stamp))


def load(db) -> dict:
    """Read the settings into this process's cache (salesops.config) and return them; a
    database without the settings table yet (before `salesops init`) leaves defaults."""
    try:
        with db.read() as conn:
            row = _stored(conn)
            code = _view(conn, row)["default_channel"] if row else None
    except sa.exc.DBAPIError:
        row, code = None, None
    values = {**DEFAULTS, **(row or {}), "default_channel": code}
    config.use_shop_settings(values)
    return values


def default_channel_code(conn) -> str | None:
    """The default channel's code for imports: SALESOPS_DEFAULT_CHANNEL, else the shop
    settings' default channel, else None (the import then uses `offline`)."""
    import os

    if os.environ.get("SALESOPS_DEFAULT_CHANNEL"):
        return os.environ["SALESOPS_DEFAULT_CHANNEL"]
    return conn.execute(
        sa.select(channels.c.code)
        .join(settings, settings.c.default_channel_id == channels.c.id)
        .where(settings.c.id == 1)
    ).scalar()
