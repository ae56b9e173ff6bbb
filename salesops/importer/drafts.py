"""The in-memory shapes of an orders import: an order as read, a customer to create."""

from __future__ import annotations

import os

BAD = object()  # a cell that failed to parse (its problem is already recorded)


def default_channel(conn=None) -> str:
    """The channel code for rows without one: SALESOPS_DEFAULT_CHANNEL, else the shop
    settings' default channel (read on `conn`), else `offline`."""
    if conn is None:
        return os.environ.get("SALESOPS_DEFAULT_CHANNEL", "offline")
    from ..settings import default_channel_code

    return default_channel_code(conn) or "offline"


class Draft:
    """One order as read from the file, before it is matched and written.

    `lines` holds (row, tail) pairs; a tail, shared by every line with the same cells, is
    (sku, product name, quantity, unit price, amount, discount, stored, unit cost, stored
    unit cost) where `stored` is (unit price, amount, discount) converted for the database
    driver and the unit cost is the file's (None: the product's as stored before the import);
    `ident` is (code, mobile, WeChat ID) normalised, `ident_raw` the cells as written.
    """

    __slots__ = (
        "row",
        "order_no",
        "at_raw",
        "ordered_at",
        "ident",
        "ident_raw",
        "name",
        "channel",
        "status",
        "lines",
        "bad",
        "customer",
        "ship",
    )

    def __init__(self, row, order_no, at_raw, ordered_at, ident, ident_raw, name, channel, status):
        self.row, self.order_no, self.at_raw, self.ordered_at = row, order_no, at_raw, ordered_at
        self.ident, self.ident_raw, self.name = ident, ident_raw, name
        self.channel, self.status = channel, status
        self.lines, self.bad, self.customer = [], False, None
        self.ship = None  # the ship-to and shipment columns (importer.shipto.STORED)

    def channel_given(self, default: str) -> str:
        """The channel as the file names it, else `default`."""
        return self.channel if self.channel not in (BAD, None, "") else default

    def channel_key(self, default: str) -> str:
        """The channel as looked up: the file's, else `default`; trimmed, lower case."""
        return self.channel_given(default).strip().lower()


class NewCustomer:
    """A customer the file names who is not in salesops yet."""

    __slots__ = ("row", "code", "name", "mobile", "wechat_id", "channel_id", "id", "used")

    def __init__(self, row, code, name, mobile, wechat_id):
        self.row, self.code, self.name, self.mobile, self.wechat_id = (
            row,
            code,
            name,
            mobile,
            wechat_id,
        )
        self.channel_id, self.id, self.used = None, None, False
