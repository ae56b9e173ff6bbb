"""A customer's addresses, and the ship-to an order copies from them.

A customer has any number of addresses (`customer_addresses`): recipient, mobile
(normalised like customers' mobiles), province / city / district, detail line, postcode
and a default flag. A mainland address names its divisions as `salesops.divisions` does
(short names are accepted and stored in full: 浙江 -> 浙江省) and keeps the most specific
division's GB/T 2260 code; an address abroad (香港, 台湾, another country) keeps what was
typed, with no code. At most one live address is the default: the first one added
becomes it, and when the default is deleted the most recently changed other address
takes its place. Changes are versioned and audited like customers'.

An order copies its ship-to (`ship_to_columns`) when it is sold: from the customer's
default address, another of theirs, or an address typed with the order (optionally
saved into the book), so later edits to the book never rewrite where a past parcel went.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from . import audit, divisions, validate
from .actors import Actor, system_actor
from .addresses import parse_address
from .errors import NotFoundError, ValidationError
from .messages import add
from .records import require_row, stamp_new, versioned_update
from .schema import customer_addresses, customers, now_utc

FIELDS = ("recipient", "mobile", "province", "city", "district", "detail", "postcode")
# The order columns the ship-to is copied into, by address field.
SHIP_COLUMNS = {f: f"ship_{f}" for f in FIELDS}
DEFAULT = "default"  # ship_to=DEFAULT: the customer's default address, if they have one
POSTCODE = r"\d{6}"

add(
    {
        "en": {
            "address.error.province": "{field}: {value!r} is not a province of the mainland "
            "(did you mean {hint}?); an address abroad keeps its own region",
            "address.error.city": "{field}: {value!r} is not a city of {province} "
            "(choose one from the list)",
            "address.error.district": "{field}: {value!r} is not a district of {city} "
            "(choose one from the list)",
            "address.error.postcode": "{field}: {value!r} is not a postcode (6 digits)",
            "address.error.not_theirs": "{field}: address {value} is not one of this "
            "customer's addresses",
        },
        "zh_CN": {
            "address.error.province": "{field}：{value!r} 不是大陆的省份（是否想填 {hint}？）；"
            "境外地址请按当地写法填写",
            "address.error.city": "{field}：{value!r} 不是 {province} 的城市（请从列表中选择）",
            "address.error.district": "{field}：{value!r} 不是 {city} 的区县（请从列表中选择）",
            "address.error.postcode": "{field}：{value!r} 不是邮编（6 位数字）",
            "address.error.not_theirs": "{field}：地址 {value} 不属于这位客户",
        },
    }
)


def clean(data: Mapping, partial: bool = False) -> dict:
    """The address fields of `data` checked and normalised; every bad field at once.

    With `partial` (an edit), fields absent from `data` are left out, but the divisions
    are always checked together (province, city and district as they will be stored).
    """
    checks = {
        "recipient": lambda: validate.text(data.get("recipient"), "recipient", 100, True),
        "mobile": lambda: _mobile(data.get("mobile")),
        "detail": lambda: validate.text(data.get("detail"), "detail", 200, True),
    }
    values = validate.collect({k: c for k, c in checks.items() if k in data or not partial})
    region = {k: data[k] for k in ("province", "city", "district", "postcode") if k in data}
    if region or not partial:
        values.update(_region(region))
    if "is_default" in data:
        values["is_default"] = bool(data["is_default"])
    return values


def _mobile(value) -> str:
    """A required mobile, normalised as customers' are."""
    if value is None or str(value).strip() == "":
        raise ValidationError.one("error.required", "mobile", value)
    return validate.mobile(value)


def _region(data: Mapping) -> dict:
    """Province, city, district, postcode and division_code, checked together."""
    texts = {k: validate.text(data.get(k), k, 64) for k in ("province", "city", "district")} | {
        "postcode": validate.text(data.get("postcode"), "postcode", 16)
    }
    found = divisions.lookup(texts["province"])
    if found is None:
        return _abroad(texts)
    chain = _mainland(found, texts)
    postcode = texts["postcode"]
    if postcode and not _is_postcode(postcode):
        raise ValidationError.one("address.error.postcode", "postcode", postcode)
    names = [d.name for d in chain] + [""] * (3 - len(chain))
    return {
        "province": names[0],
        "city": names[1],
        "district": names[2],
        "postcode": postcode,
        "division_code": chain[-1].code,
    }


def _is_postcode(text: str) -> bool:
    """Six digits, as mainland postcodes are."""
    return len(text) == 6 and text.isdigit()


def _mainland(province, texts: dict) -> list:
    """[province, city, district] divisions for a mainland address; the city is required,
    and the district when the city has districts."""
    city = divisions.lookup(province.name, texts["city"]) if texts["city"] else None
    if city is None:
        key = "address.error.city" if texts["city"] else "error.required"
        raise ValidationError.one(key, "city", texts["city"], province=province.name)
    below = divisions.children(city)
    if not below:
        return [province, city]
    district = divisions.lookup(province.name, city.name, texts["district"])
    if not texts["district"] or district is None:
        key = "address.error.district" if texts["district"] else "error.required"
        raise ValidationError.one(key, "district", texts["district"], city=city.name)
    return [province, city, district]


def _abroad(texts: dict) -> dict:
    """An address outside the mainland, kept as typed; a mainland province's name written
    wrong (浙江生) is refused with a hint rather than taken for a place abroad."""
    province = texts["province"]
    if not province:
        raise ValidationError.one("error.required", "province", province)
    hint = next((p for p in divisions.provinces() if _short(p) in province), None)
    if hint:
        raise ValidationError.one("address.error.province", "province", province, hint=hint)
    return {**texts, "division_code": None}


def _short(name: str) -> str:
    """A province's short name (浙江 for 浙江省)."""
    return divisions.short_name(name)


# -- reading -------------------------------------------------------------------------------


def list_addresses(db, customer_id: int) -> list[dict]:
    """A live customer's live addresses, the default first, then the newest."""
    with db.read() as conn:
        require_row(conn, customers, customer_id, "customer")
        return _addresses(conn, customer_id)


def _addresses(conn, customer_id: int) -> list[dict]:
    """The live addresses of `customer_id` on `conn`, default first, then newest."""
    a = customer_addresses.c
    rows = conn.execute(
        sa.select(customer_addresses)
        .where(a.customer_id == customer_id, a.deleted_at.is_(None))
        .order_by(a.is_default.desc(), a.updated_at.desc(), a.id.desc())
    ).mappings()
    return [dict(r) for r in rows]


def get_address(db, address_id: int) -> dict:
    """One live address; NotFoundError otherwise."""
    with db.read() as conn:
        return require_row(conn, customer_addresses, address_id, "address")


def one_line(address: Mapping, prefix: str = "") -> str:
    """An address as one line, as people write it (张三 13800138000 浙江省 杭州市 西湖区
    文三路90号); `prefix` "ship_" reads an order's ship-to."""
    parts = [address.get(prefix + f) or "" for f in FIELDS if f != "postcode"]
    return " ".join(p for p in parts if p).strip()


def parse(text) -> dict:
    """A pasted address line read into the form's fields (salesops.addresses.parse_address):
    the fields, plus `problems` (plain messages) and `unplaced` text."""
    found = parse_address(text)
    fields = {f: getattr(found, f) for f in FIELDS}
    if not fields["mobile"] and found.landline:
        fields["mobile"] = found.landline
    messages = [p.message for p in found.problems]
    return {**fields, "problems": messages, "unplaced": list(found.unplaced)}


# -- writing -------------------------------------------------------------------------------


def add_address(db, customer_id: int, data: Mapping, actor: Actor | None = None) -> dict:
    """Add an address to a customer's book (their first one becomes the default)."""
    actor = actor or system_actor()
    actor.require("customers.edit")
    values = clean(data)
    with db.write() as conn:
        return _insert(conn, customer_id, values, actor)


def _insert(conn, customer_id: int, values: dict, actor: Actor) -> dict:
    """Insert a cleaned address on `conn`'s transaction, keeping one default."""
    require_row(conn, customers, customer_id, "customer")
    live = _addresses(conn, customer_id)
    make_default = values.pop("is_default", False) or not live
    if make_default:
        _clear_default(conn, live, actor)
    row = {**values, "customer_id": customer_id, "is_default": make_default}
    new_id = conn.execute(
        sa.insert(customer_addresses).values(**row, **stamp_new(actor))
    ).inserted_primary_key[0]
    audit.record(conn, actor.name, "customer_addresses", new_id, "create", None, row)
    return require_row(conn, customer_addresses, new_id, "address")


def update_address(
    db, address_id: int, changes: Mapping, expected_version: int, actor: Actor | None = None
) -> dict:
    """Save edits to an address read at `expected_version` (ConflictError if it moved on)."""
    actor = actor or system_actor()
    actor.require("customers.edit")
    with db.write() as conn:
        current = require_row(conn, customer_addresses, address_id, "address")
        merged = {**{f: current[f] for f in FIELDS}, **changes}
        values = clean({k: v for k, v in merged.items() if k in (*FIELDS, "is_default")})
        if values.pop("is_default", False) and not current["is_default"]:
            _clear_default(conn, _addresses(conn, current["customer_id"]), actor)
            values["is_default"] = True
        return _save(conn, current, values, expected_version, actor)


def set_default(db, address_id: int, expected_version: int, actor: Actor | None = None) -> dict:
    """Make an address its customer's default (the old default stops being one)."""
    return update_address(db, address_id, {"is_default": True}, expected_version, actor)


def delete_address(db, address_id: int, expected_version: int, actor: Actor | None = None):
    """Soft-delete an address; if it was the default, the customer's most recently changed
    other address becomes the default. Orders keep their own copy."""
    actor = actor or system_actor()
    actor.require("customers.edit")
    with db.write() as conn:
        current = require_row(conn, customer_addresses, address_id, "address")
        values = {"deleted_at": now_utc(), "is_default": False}
        _save(conn, current, values, expected_version, actor)
        if current["is_default"]:
            rest = _addresses(conn, current["customer_id"])
            if rest:
                _save(conn, rest[0], {"is_default": True}, rest[0]["version"], actor)


def _clear_default(conn, live: list[dict], actor: Actor) -> None:
    """The customer's current default address stops being the default."""
    for row in live:
        if row["is_default"]:
            _save(conn, row, {"is_default": False}, row["version"], actor)


def _save(conn, current: dict, values: dict, expected_version: int, actor: Actor) -> dict:
    """A versioned, audited update of one address."""
    return versioned_update(
        conn,
        customer_addresses,
        current["id"],
        expected_version,
        values,
        actor,
        "address",
        current["id"],
    )


# -- the ship-to of an order ---------------------------------------------------------------


def ship_to_columns(conn, customer_id: int, ship_to, actor: Actor) -> dict:
    """The order's ship_* columns on `conn`'s transaction, copied from `ship_to` ({} for
    none: the columns stay NULL):

    DEFAULT: the customer's default address (none when they have none); None: no address;
    an int: that address of the customer's; a mapping: an address typed with the order,
    checked like any address, and added to the customer's book when it has `save` true.
    """
    if ship_to is None:
        return {}
    if ship_to == DEFAULT:
        live = _addresses(conn, customer_id)
        return _columns(live[0]) if live and live[0]["is_default"] else {}
    if isinstance(ship_to, Mapping):
        values = clean({k: v for k, v in ship_to.items() if k in FIELDS})
        if ship_to.get("save"):
            actor.require("customers.edit")
            _insert(conn, customer_id, {**values, "is_default": False}, actor)
        return _columns(values)
    return _columns(_theirs(conn, customer_id, ship_to))


def _theirs(conn, customer_id: int, address_id) -> dict:
    """Address `address_id`, which must be a live address of `customer_id`."""
    try:
        row = require_row(conn, customer_addresses, int(address_id), "address")
    except (NotFoundError, TypeError, ValueError):
        row = None
    if row is None or row["customer_id"] != customer_id:
        raise ValidationError.one("address.error.not_theirs", "ship_to", address_id)
    return row


def _columns(address: Mapping) -> dict:
    """The ship_* order columns of an address ('' stays '': the order keeps what it had)."""
    return {column: address.get(field) or "" for field, column in SHIP_COLUMNS.items()}
