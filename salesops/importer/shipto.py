"""The ship-to and shipment columns of an orders import: `recipient` 收货人, `ship_mobile`
收货电话, `address` 收货地址 (a whole line, read by salesops.addresses.parse_address),
`courier` 快递公司 and `tracking_no` 快递单号, all optional.

An order's first row gives them. The address is checked as the address book checks one
(salesops.address_book.clean): the recipient is the 收货人 cell, else the name in the
address line, else the customer's name; the mobile the 收货电话 cell, else the one in the
line, else the customer's. A tracking number needs its courier, and must have that
courier's shape (salesops.shipping.rules.shipment). Problems name the file's column.
"""

from __future__ import annotations

from .. import validate
from ..address_book import FIELDS, SHIP_COLUMNS, clean
from ..addresses import parse_address
from ..errors import Problem, ValidationError
from ..shipping.rules import shipment

COLUMNS = ("recipient", "ship_mobile", "address", "courier", "tracking_no")
# The orders columns written, in this order (importer.writer.LAYOUT).
STORED = (*SHIP_COLUMNS.values(), "courier", "tracking_no")
NONE = (None,) * len(STORED)
# Address-book field -> the import column its problems belong to.
COLUMN_OF = {"recipient": "recipient", "mobile": "ship_mobile"}


def ship_values(cells: dict, name: str = "", mobile: str | None = None) -> tuple:
    """The STORED values of one order from its cells (column -> raw value); NONE when the
    cells are all empty. ValidationError with problems named by import column."""
    text = {c: _text(cells.get(c)) for c in COLUMNS}
    if not any(text.values()):
        return NONE
    problems: list[Problem] = []
    if text["address"]:
        address = _address(text, name, mobile, problems)
    else:  # a name and number without an address (self pickup, say)
        address = {"recipient": text["recipient"] or None, "mobile": _mobile(text, problems)}
    sent = _shipment(text, problems)
    if problems:
        raise ValidationError(problems)
    return (*[address.get(f) for f in FIELDS], sent["courier"], sent["tracking_no"])


def _text(value) -> str:
    """A cell as trimmed text ('' for empty)."""
    return "" if value is None else str(value).strip()


def _mobile(text: dict, problems: list) -> str | None:
    """The 收货电话 cell normalised (None when empty); a problem when it is no mobile."""
    if not text["ship_mobile"]:
        return None
    try:
        return validate.mobile(text["ship_mobile"], "ship_mobile")
    except ValidationError as e:
        problems.extend(e.problems)
        return None


def _address(text: dict, name: str, mobile, problems: list) -> dict:
    """The address fields, checked; problems appended (named by import column)."""
    found = parse_address(text["address"])
    fields = {f: getattr(found, f) or "" for f in FIELDS}
    fields["recipient"] = text["recipient"] or fields["recipient"] or name or ""
    fields["mobile"] = text["ship_mobile"] or fields["mobile"] or mobile or ""
    try:
        return clean(fields)
    except ValidationError as e:
        for p in e.problems:
            problems.append(Problem(COLUMN_OF.get(p.field, "address"), p.value, p.message))
        return {}


def _shipment(text: dict, problems: list) -> dict:
    """{courier, tracking_no} checked; a number needs its courier."""
    try:
        return shipment(text["courier"], text["tracking_no"], required=bool(text["tracking_no"]))
    except ValidationError as e:
        for p in e.problems:
            column = "tracking_no" if p.field == "tracking_no" else "courier"
            problems.append(Problem(column, p.value, p.message))
        return {"courier": None, "tracking_no": None}
