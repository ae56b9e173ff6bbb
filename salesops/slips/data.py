"""What the renderer prints: plain, frozen dataclasses, built from dicts with `coerce`.

The renderer never reads the database. Whoever wires it (a page, the CLI) passes these,
or dicts with the same keys (rows from a query, say); `slips_from` and `pick_from` turn
dicts into dataclasses and refuse bad values with a ValidationError naming the order and
field. Prices are not part of a packing slip on purpose: see `PackingSlip`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .. import validate
from ..errors import Problem, ValidationError
from ..messages import t

DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class ShipTo:
    """Where the parcel goes, as copied onto the order. A self-pickup or local-delivery
    order sets `pickup` (e.g. "自提：3号楼快递柜") and may leave the address blank."""

    recipient: str = ""
    mobile: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    detail: str = ""
    postcode: str = ""
    pickup: str = ""

    def address(self) -> str:
        """The postal address in Chinese order: province city district detail."""
        parts = (self.province, self.city, self.district, self.detail)
        return " ".join(p.strip() for p in parts if p and p.strip())


@dataclass(frozen=True)
class SlipLine:
    """One product in the parcel: SKU, name as sold, how many."""

    sku: str
    name: str
    quantity: int


@dataclass(frozen=True)
class PackingSlip:
    """One order to pack. No prices: the slip goes into the parcel, often one sent on a
    reseller's behalf (一件代发) or as a gift, where the shop's price must not show, and the
    packer needs only what to put in the box."""

    order_no: str
    ordered_at: datetime  # aware; printed in the business zone
    channel: str
    buyer: str
    ship_to: ShipTo
    lines: tuple[SlipLine, ...]
    note: str = ""
    courier: str = ""
    tracking_no: str = ""

    def total_quantity(self) -> int:
        """Units in the parcel."""
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True)
class PickItem:
    """One row of the pick list: a SKU, its name, the units to pick and the orders they
    go to (in the order the slips are printed)."""

    sku: str
    name: str
    quantity: int
    order_nos: tuple[str, ...] = field(default_factory=tuple)


def pick_from_slips(slips: Iterable[PackingSlip]) -> list[PickItem]:
    """The pick list the slips add up to: one row per SKU, sorted by SKU (naturally)."""
    rows: dict[str, list] = {}
    for slip in slips:
        for line in slip.lines:
            row = rows.setdefault(line.sku, [line.name, 0, []])
            row[1] += line.quantity
            if slip.order_no not in row[2]:
                row[2].append(slip.order_no)
    ordered = sorted(rows.items(), key=lambda kv: natural(kv[0]))
    return [PickItem(sku, n, q, tuple(o)) for sku, (n, q, o) in ordered]


def natural(text: str) -> tuple:
    """A sort key that puts SKU-2 before SKU-10 (numbers compared as numbers)."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in DIGITS.split(text) if p)


# -- from dicts ---------------------------------------------------------------------------


def slips_from(items: Iterable[PackingSlip | Mapping]) -> list[PackingSlip]:
    """Packing slips from dataclasses or dicts (keys as the fields; `ship_to` and each
    line may be dicts too); every problem in every slip is reported at once."""
    slips, problems = [], []
    for n, item in enumerate(items, 1):
        try:
            slips.append(item if isinstance(item, PackingSlip) else _slip(item))
        except ValidationError as e:
            ident = item.get("order_no") if isinstance(item, Mapping) else None
            problems += _prefixed(e.problems, f"slip {n} ({ident or '?'})")
    if problems:
        raise ValidationError(problems)
    return slips


def pick_from(items: Iterable[PickItem | Mapping]) -> list[PickItem]:
    """Pick-list rows from dataclasses or dicts (sku, name, quantity, order_nos)."""
    rows, problems = [], []
    for n, item in enumerate(items, 1):
        try:
            rows.append(item if isinstance(item, PickItem) else _pick(item))
        except ValidationError as e:
            problems += _prefixed(e.problems, f"pick list row {n}")
    if problems:
        raise ValidationError(problems)
    return rows


def _slip(d: Mapping) -> PackingSlip:
    """One slip from a dict; all its problems in one ValidationError."""
    checks = {
        "order_no": lambda: validate.text(d.get("order_no"), "order_no", 64, required=True),
        "ordered_at": lambda: _aware(d.get("ordered_at")),
        "ship_to": lambda: _ship_to(d.get("ship_to") or {}),
        "lines": lambda: _lines(d.get("lines") or ()),
    }
    clean = validate.collect(checks)
    texts = {k: _text(d.get(k)) for k in ("channel", "buyer", "note", "courier", "tracking_no")}
    return PackingSlip(**clean, **texts)


def _pick(d: Mapping) -> PickItem:
    """One pick-list row from a dict."""
    checks = {
        "sku": lambda: validate.text(d.get("sku"), "sku", 64, required=True),
        "quantity": lambda: validate.quantity(d.get("quantity")),
    }
    clean = validate.collect(checks)
    orders = d.get("order_nos") or ()
    orders = orders.split(",") if isinstance(orders, str) else orders
    return PickItem(name=_text(d.get("name")), order_nos=tuple(_text(o) for o in orders), **clean)


def _ship_to(d: ShipTo | Mapping) -> ShipTo:
    """A ShipTo from a dict of its fields (unknown keys ignored; None is blank)."""
    if isinstance(d, ShipTo):
        return d
    names = [f.name for f in dataclasses.fields(ShipTo)]
    return ShipTo(**{k: _text(d.get(k)) for k in names})


def _lines(items: Sequence) -> tuple[SlipLine, ...]:
    """The slip's lines; a slip without lines is refused (there is nothing to pack)."""
    if not items:
        raise ValidationError.one("error.no_lines", "lines")
    out, problems = [], []
    for n, line in enumerate(items, 1):
        if isinstance(line, SlipLine):
            out.append(line)
            continue
        try:
            qty = validate.quantity(line.get("quantity"), f"lines[{n}].quantity")
            out.append(SlipLine(_text(line.get("sku")), _text(line.get("name")), qty))
        except ValidationError as e:
            problems += e.problems
    if problems:
        raise ValidationError(problems)
    return tuple(out)


def _aware(value) -> datetime:
    """A datetime (or ISO text) with a zone: a naive one would print at the wrong hour."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            pass
    if not isinstance(value, datetime) or value.tzinfo is None:
        msg = t("slips.error.ordered_at", value=value)
        raise ValidationError([Problem("ordered_at", value, msg)])
    return value


def _text(value) -> str:
    """Text to print: None is blank; anything else as str, stripped."""
    return "" if value is None else str(value).strip()


def _prefixed(problems: list[Problem], where: str) -> list[Problem]:
    """The same problems, each message saying which slip or row it is about."""
    return [Problem(p.field, p.value, f"{where}: {p.message}") for p in problems]
