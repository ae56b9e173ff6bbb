"""Minimum exposure (PIPL): customers' mobile numbers as staff see them, masked.

Staff see `138****8000`; those who may see contact details in full (`customers.contact`:
managers and admins) see `13800138000`. The page layer masks (salesops.web.pagedata, as it
leaves out unit costs); matching still happens on the stored numbers, so a search by the
whole or part of a mobile finds the customer and only the number shown is masked. A staff
member who needs one number presses "show" (PageData.reveal_mobile), which writes an
access row to the change log.

    >>> mask_mobile("13800138000")
    '138****8000'
    >>> mask_mobile("+85291234567")
    '+852****4567'
    >>> mask_mobile("12345")
    '***45'
"""

from __future__ import annotations

import unicodedata

from .validate import MASK, is_masked

__all__ = ["MASK", "MOBILE_KEYS", "is_masked", "mask_mobile", "mobiles_masked", "show_mobile"]
# The keys under which the pages receive a customer's or recipient's mobile.
MOBILE_KEYS = frozenset(("mobile", "ship_mobile"))


def mask_mobile(value):
    """A mobile number masked: the first 3 and last 4 digits kept when it has at least 8
    digits (`138****8000`; a leading +86 kept as `+86 `, another leading + kept), else all
    but the last 2 digits masked; separators dropped. None and "" come back unchanged."""
    if value is None or str(value).strip() == "":
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    digits = "".join(c for c in text if c.isdigit()) or text  # no digits: mask the text
    prefix = "+" if text.startswith("+") else ""
    if len(digits) == 13 and digits.startswith("861"):
        prefix, digits = "+86 ", digits[2:]
    if len(digits) >= 8:
        return prefix + digits[:3] + MASK * (len(digits) - 7) + digits[-4:]
    return prefix + MASK * max(len(digits) - 2, 0) + digits[-2:]


def _mobiles_in(value, found: set[str]) -> set[str]:
    """Every mobile (a non-empty text under MOBILE_KEYS) anywhere in dicts and lists."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in MOBILE_KEYS and isinstance(item, str) and item.strip():
                found.add(item)
            else:
                _mobiles_in(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _mobiles_in(item, found)
    return found


def _masked(value, numbers: dict[str, str]):
    """`value` with mobiles masked under MOBILE_KEYS and inside any other text."""
    if isinstance(value, dict):
        return {
            k: mask_mobile(v) if k in MOBILE_KEYS and isinstance(v, str) else _masked(v, numbers)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_masked(v, numbers) for v in value)
    if isinstance(value, str):
        for number, masked in numbers.items():
            if number in value:
                value = value.replace(number, masked)
    return value


def mobiles_masked(value):
    """`value` (dicts and lists, as the pages receive them) with every mobile masked: under
    MOBILE_KEYS, and wherever the same number appears inside other text of it (an address
    as one line, a duplicate's evidence "same mobile 13800138000")."""
    found = _mobiles_in(value, set())
    numbers = {n: mask_mobile(n) for n in sorted(found, key=len, reverse=True)}
    return _masked(value, numbers)


# -- the "show" action: one number in full, with an access row in the change log ------------

SHOW_MOBILE = "show_mobile"  # the audit action (audit_log.action is String(16))


def show_mobile(db, customer_id: int, actor, address_id: int | None = None) -> str:
    """Customer `customer_id`'s mobile in full (with `address_id`, that address's
    recipient mobile), and an access row in the change log (who saw whose number, when:
    customers / the customer's id / show_mobile) in the same transaction; "" when there is
    no number. NotFoundError for no such live customer or address of theirs."""
    import sqlalchemy as sa

    from . import audit
    from .errors import NotFoundError
    from .records import require_row
    from .schema import customer_addresses, customers

    actor.require("customers.edit")
    with db.write() as conn:
        customer = require_row(conn, customers, int(customer_id), "customer")
        number = customer["mobile"]
        if address_id is not None:
            number = conn.execute(
                sa.select(customer_addresses.c.mobile).where(
                    customer_addresses.c.id == int(address_id),
                    customer_addresses.c.customer_id == customer["id"],
                )
            ).scalar()
            if number is None:
                raise NotFoundError(f"address {address_id} not found")
        shown = {"address": int(address_id)} if address_id is not None else None
        audit.record(conn, actor.name, "customers", customer["id"], SHOW_MOBILE, None, shown)
    return number or ""
