"""The pick list: what to take off the shelves for this batch, one row per SKU with a
box to tick, the units, and the orders each goes to; a heading with the batch's counts
and when it was printed on every page."""

from __future__ import annotations

import functools
from datetime import datetime

from .. import messages
from . import words
from .data import PickItem
from .layout import (
    Column,
    Font,
    clip,
    draw_rows,
    gap,
    head_row,
    paginate,
    record_rows,
    text_rows,
    write,
)
from .sheets import Box, Sheet


def draw_pick_list(
    pdf, sheet: Sheet, items: list[PickItem], shop: str, printed_at: datetime, lang: str
) -> None:
    """Draw the pick list on as many pick-list pages as it needs."""
    box = sheet.pick_box()
    top, foot = _head_height(sheet), sheet.small.line() + 1
    parts = paginate(_rows(pdf, sheet, items, box.w, lang), box.h - top - foot) or [[]]
    summary = _summary(items, printed_at, lang)
    for n, part in enumerate(parts, 1):
        pdf.add_page(format=sheet.pick_page)
        _head(pdf, sheet, box, shop, summary, lang)
        draw_rows(part, box.x, box.y + top)
        page = messages.t("slips.page", lang, n=n, total=len(parts))
        write(pdf, sheet.small, box.x, box.y + box.h - sheet.small.line(), page, box.w, "R")


def _rows(pdf, sheet: Sheet, items: list[PickItem], width: float, lang: str):
    """The table (tick box, units, SKU, product), each SKU's orders on lines under it.
    The units come first, beside the box: what the picker reads is "3 x SP-001"."""
    t = functools.partial(messages.t, lang=lang)
    box, qty, sku = (8.0, 14.0, 38.0) if sheet.wide else (6.0, 10.0, 23.0)
    columns = [
        Column("", box, sheet.text, box=True),
        Column(t("slips.col.qty"), qty, sheet.strong, align="R", pad=2.0),
        Column(t("slips.col.sku"), sku, Font(sheet.text.size * 0.9)),
        Column(t("slips.col.name"), width - box - qty - sku, sheet.text),
    ]
    orders = Font(sheet.small.size * (0.95 if sheet.wide else 0.9), grey=30)
    head, rows = head_row(pdf, columns), []
    for item in items:
        rows += record_rows(pdf, columns, ("", str(item.quantity), item.sku, item.name), head)
        rows[-1].keep = True  # not alone at the foot of a page, away from its orders
        rows += _orders_rows(pdf, orders, item, box + qty, width, lang, head)
    return [head, *rows]


def _orders_rows(pdf, font: Font, item: PickItem, indent: float, width, lang, head):
    """'3 orders: SO… SO… SO…' under a SKU, across the table from its SKU column on."""
    if not item.order_nos:
        return []
    label = messages.t("slips.pick.orders", lang, n=len(item.order_nos))
    rows = text_rows(pdf, font, f"{label}  {'  '.join(item.order_nos)}", width, indent + 1)
    for row in rows:
        row.head = head
    return rows + [gap(0.8)]


def _summary(items: list[PickItem], printed_at: datetime, lang: str) -> str:
    """'12 orders · 5 SKUs · 31 units · printed 2026-12-05 09:30'."""
    orders = {o for i in items for o in i.order_nos}
    counts = messages.t(
        "slips.pick.summary",
        lang,
        orders=len(orders),
        skus=len(items),
        units=sum(i.quantity for i in items),
    )
    return f"{counts} · {messages.t('slips.printed', lang, when=words.when(printed_at))}"


def _head_height(sheet: Sheet) -> float:
    """The heading's height on every pick-list page, its rule included."""
    return sheet.big.line() + sheet.small.line() + 3.5


def _head(pdf, sheet: Sheet, box: Box, shop: str, summary: str, lang: str) -> None:
    """Title and shop on the first line, the batch's counts under them, then a rule."""
    title = messages.t("slips.pick.title", lang)
    write(pdf, sheet.big, box.x, box.y, title)
    sheet.big.use(pdf)
    room = box.w - pdf.get_string_width(title) - 6
    shop_y = box.y + (sheet.big.line() - sheet.strong.line()) / 2
    write(pdf, sheet.strong, box.x, shop_y, clip(pdf, sheet.strong, shop, room), box.w, "R")
    write(pdf, sheet.small, box.x, box.y + sheet.big.line(), clip(pdf, sheet.small, summary, box.w))
    y = box.y + _head_height(sheet) - 1.5
    pdf.set_draw_color(0)
    pdf.set_line_width(0.5)
    pdf.line(box.x, y, box.x + box.w, y)
