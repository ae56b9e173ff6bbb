"""One packing slip: a header on every part (shop, order number, Code 128 barcode, which
part of how many), then where it goes, when and how it was ordered, the courier, the
buyer's note (before the goods: it often says how to pack), the goods with a box to tick
for each, and the count of units."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from .. import messages
from . import code128, words
from .data import PackingSlip
from .layout import (
    Column,
    Font,
    Row,
    clip,
    draw_rows,
    gap,
    label_width,
    labelled_rows,
    paginate,
    table_rows,
    text_rows,
    write,
)
from .sheets import Box, Sheet

FOOT = 4.5  # mm kept free at the bottom of a part for "continued"


def draw_slip(pdf, sheet: Sheet, slip: PackingSlip, shop: str, lang: str, boxes: Iterator[Box]):
    """Draw `slip` into as many boxes (halves or labels) as it needs, taken from `boxes`."""
    top = header_height(sheet)
    width = sheet.slot(0).w
    parts = paginate(body_rows(pdf, sheet, slip, lang, width), sheet.slot(0).h - top - FOOT)
    for n, part in enumerate(parts, 1):
        box = next(boxes)
        draw_header(pdf, sheet, box, slip, shop, (n, len(parts)), lang)
        draw_rows(part, box.x, box.y + top)
        if n < len(parts):
            text = messages.t("slips.continued", lang) + " →"
            write(pdf, sheet.small, box.x, box.y + box.h - FOOT, text, box.w, "R")


def body_rows(pdf, sheet: Sheet, slip: PackingSlip, lang: str, width: float) -> list[Row]:
    """Everything below the header, as rows to flow over the parts."""
    t = functools.partial(messages.t, lang=lang)
    keys = ("slips.ship_to", "slips.pickup", "slips.courier", "slips.note", "slips.ordered")
    indent = label_width(pdf, sheet.text, [t(k) for k in keys])
    rows = _ship_to_rows(pdf, sheet, slip, t, width, indent)
    rows.append(gap(1.5))
    rows += labelled_rows(pdf, t("slips.ordered"), sheet.small, _facts(slip, t), width, indent)
    if slip.courier or slip.tracking_no:
        courier = f"{slip.courier}  {slip.tracking_no}".strip()
        rows += labelled_rows(pdf, t("slips.courier"), sheet.text, courier, width, indent)
    if slip.note:
        note = Font(sheet.text.size, bold=True)
        rows += labelled_rows(pdf, t("slips.note"), note, slip.note, width, indent)
    rows.append(gap(2.5))
    rows += _goods_rows(pdf, sheet, slip, t, width)
    return rows


def _ship_to_rows(pdf, sheet: Sheet, slip: PackingSlip, t, width: float, indent: float):
    """Recipient and mobile in bold, the address, the postcode; or the pickup note."""
    to = slip.ship_to
    who = f"{to.recipient or slip.buyer}   {words.mobile(to.mobile)}".strip()
    rows = labelled_rows(pdf, t("slips.ship_to"), sheet.strong, who, width, indent)
    if to.address():
        rows += text_rows(pdf, sheet.text, to.address(), width, indent)
    if to.postcode:
        code = f"{t('slips.postcode')} {to.postcode}"
        rows += text_rows(pdf, sheet.small, code, width, indent)
    if to.pickup:
        pickup = Font(sheet.text.size, bold=True)
        rows += labelled_rows(pdf, t("slips.pickup"), pickup, to.pickup, width, indent)
    return rows


def _facts(slip: PackingSlip, t) -> str:
    """When, through which channel and by whom it was ordered, on one line."""
    facts = [words.when(slip.ordered_at)]
    if slip.channel:
        facts.append(f"{t('slips.channel')} {slip.channel}")
    if slip.buyer:
        facts.append(f"{t('slips.buyer')} {slip.buyer}")
    return "   ".join(facts)


def _goods_rows(pdf, sheet: Sheet, slip: PackingSlip, t, width: float) -> list[Row]:
    """The goods table (tick box, SKU, product, quantity) and the count under it."""
    box, sku, qty = (7.0, 34.0, 18.0) if sheet.wide else (6.0, 22.0, 13.0)
    columns = [
        Column("", box, sheet.text, box=True),
        Column(t("slips.col.sku"), sku, Font(sheet.text.size * 0.9)),
        Column(t("slips.col.name"), width - box - sku - qty, sheet.text),
        Column(t("slips.col.qty"), qty, sheet.strong, align="R"),
    ]
    records = [("", ln.sku, ln.name, f"× {ln.quantity}") for ln in slip.lines]
    rows = table_rows(pdf, columns, records)
    total = t("slips.total", lines=len(slip.lines), units=slip.total_quantity())
    line = sheet.strong.line() + 1

    def draw_total(x, y):
        pdf.set_draw_color(0)
        pdf.set_line_width(0.3)
        pdf.line(x, y + 0.3, x + width, y + 0.3)
        write(pdf, sheet.strong, x, y + 0.8, total, width - 1, "R")

    return rows + [Row(line, draw_total)]


def header_height(sheet: Sheet) -> float:
    """How much of every part the header takes, its rule included."""
    if sheet.wide:
        return (
            max(
                sheet.strong.line() + sheet.small.line() + sheet.big.line(),
                sheet.bar_height + sheet.small.line(),
            )
            + 3.0
        )
    return sheet.strong.line() + sheet.bar_height + sheet.big.line() + 3.5


def draw_header(pdf, sheet, box: Box, slip, shop: str, part: tuple[int, int], lang: str):
    """Shop, title, order number and barcode at the top of one part, and a rule under."""
    title = messages.t("slips.slip.title", lang)
    if part[1] > 1:
        title += "  " + messages.t("slips.part", lang, n=part[0], total=part[1])
    if sheet.wide:
        _wide_header(pdf, sheet, box, slip.order_no, shop, title)
    else:
        _label_header(pdf, sheet, box, slip.order_no, shop, title)
    y = box.y + header_height(sheet) - 1.5
    pdf.set_draw_color(0)
    pdf.set_line_width(0.5)
    pdf.line(box.x, y, box.x + box.w, y)


def _wide_header(pdf, sheet: Sheet, box: Box, order_no: str, shop: str, title: str):
    """A4: shop, title and order number on the left; the barcode on the right."""
    x, y = box.x, box.y
    bar_w = min(code128.width(order_no, sheet.module), box.w * 0.45)
    bar_x = box.x + box.w - bar_w
    room = box.w - bar_w - 4
    write(pdf, sheet.strong, x, y, clip(pdf, sheet.strong, shop, room))
    write(pdf, sheet.small, x, y + sheet.strong.line(), title)
    number = clip(pdf, sheet.big, order_no, room)
    write(pdf, sheet.big, x, y + sheet.strong.line() + sheet.small.line(), number)
    code128.draw(pdf, order_no, bar_x, y, bar_w, sheet.bar_height, sheet.module)
    write(pdf, sheet.small, bar_x, y + sheet.bar_height + 0.3, order_no, bar_w, "C")


def _label_header(pdf, sheet: Sheet, box: Box, order_no: str, shop: str, title: str):
    """Label: shop and title on one line, the barcode centred, the order number under it."""
    x, y = box.x, box.y
    sheet.small.use(pdf)
    room = box.w - pdf.get_string_width(title) - 3
    write(pdf, sheet.strong, x, y, clip(pdf, sheet.strong, shop, room))
    write(pdf, sheet.small, x, y + 0.5, title, box.w, "R")
    y += sheet.strong.line() + 0.5
    bar_w = min(code128.width(order_no, sheet.module), box.w)
    code128.draw(pdf, order_no, x + (box.w - bar_w) / 2, y, bar_w, sheet.bar_height, sheet.module)
    number = clip(pdf, sheet.big, order_no, box.w)
    write(pdf, sheet.big, x, y + sheet.bar_height, number, box.w, "C")
