"""Pick list and packing slips as one PDF, in A4 or on 100 x 150 mm thermal labels.

    from salesops import slips
    pdf = slips.render_pdf(packing_slips, size="a4", shop="小雨的店")   # bytes
    slips.write_pdf("out.pdf", packing_slips, size="label", shop="小雨的店")

`packing_slips` are `PackingSlip`s or dicts with the same keys (see `data.py`):

    {"order_no": "SO00000042", "ordered_at": datetime(..., tzinfo=UTC), "channel": "微信",
     "buyer": "王小明", "note": "不要放发票", "courier": "顺丰", "tracking_no": "SF...",
     "ship_to": {"recipient": "张三", "mobile": "13800138000", "province": "浙江省",
                 "city": "杭州市", "district": "西湖区", "detail": "文三路 90 号",
                 "postcode": "310000", "pickup": ""},
     "lines": [{"sku": "TEA-01", "name": "明前龙井 250g", "quantity": 2}]}

The pick list (one row per SKU: units and the orders it goes to) comes first; by default
it is added up from the slips (`pick_from_slips`), or pass your own rows as `pick`
(`PickItem`s or dicts of sku, name, quantity, order_nos), or `pick=()` for none. Then one
slip per order, two to an A4 page or one per label; a slip too long for its half or label
goes on into the next with its order number and barcode repeated. Times print in the
business zone (SALESOPS_TZ), words in SALESOPS_LANG.

The font is found at run time (`fonts.py`: SALESOPS_PDF_FONT, else common CJK fonts such
as Debian's fonts-noto-cjk) and embedded as a subset of the glyphs used, so a 500-order
PDF stays a few hundred KB. A character the font lacks (an emoji) prints as nothing
rather than failing. Bad input raises ValidationError, no font FontMissing; both have a
message for people, and nothing is written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from .. import config, messages
from ..errors import ValidationError
from . import words  # noqa: F401  (registers the printed words)
from .data import (
    PackingSlip,
    PickItem,
    ShipTo,
    SlipLine,
    pick_from,
    pick_from_slips,
    slips_from,
)
from .fonts import FontMissing, find_font
from .layout import Document
from .picklist import draw_pick_list
from .sheets import SHEETS, Box, Sheet
from .slip import draw_slip

__all__ = [
    "FontMissing",
    "PackingSlip",
    "PickItem",
    "ShipTo",
    "SlipLine",
    "pick_from_slips",
    "render_pdf",
    "write_pdf",
]

messages.add(
    {
        "en": {"slips.error.empty": "{field}: no orders to print; no PDF was made"},
        "zh_CN": {"slips.error.empty": "{field}：没有要打印的订单，未生成 PDF"},
    }
)


def render_pdf(
    slips: Iterable[PackingSlip | Mapping],
    pick: Sequence[PickItem | Mapping] | None = None,
    *,
    size: str = "a4",
    shop: str = "",
    printed_at: datetime | None = None,
    lang: str | None = None,
) -> bytes:
    """The pick list and packing slips as PDF bytes, `size` "a4" or "label" (100x150 mm)."""
    sheet, slips = _sheet(size), slips_from(slips)
    items = pick_from_slips(slips) if pick is None else pick_from(pick)
    if not slips and not items:
        raise ValidationError.one("slips.error.empty", "slips")
    printed_at = printed_at or datetime.now(UTC)
    lang = lang or config.language()
    pdf = _document(find_font(), sheet, shop, printed_at, lang)
    if items:
        draw_pick_list(pdf, sheet, items, shop, printed_at, lang)
    boxes = _slots(pdf, sheet)
    for slip in slips:
        draw_slip(pdf, sheet, slip, shop, lang, boxes)
    return bytes(pdf.output())


def write_pdf(path, slips, pick=None, **options) -> Path:
    """`render_pdf` into the file `path` (written whole or not at all); returns the path."""
    data = render_pdf(slips, pick, **options)
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=".slips-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _sheet(size: str) -> Sheet:
    """The paper size by name, or a ValidationError naming the accepted ones."""
    key = str(size).strip().lower()
    if key not in SHEETS:
        raise ValidationError.one("error.choice", "size", size, accepted=", ".join(SHEETS))
    return SHEETS[key]


def _document(font, sheet: Sheet, shop: str, printed_at: datetime, lang: str) -> Document:
    """An empty document in mm, no automatic page breaks, the CJK font registered."""
    pdf = Document(sheet.page, black_only=sheet.thermal)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creation_date(printed_at)
    pdf.set_creator("salesops")
    pdf.set_title(f"{shop} {messages.t('slips.slip.title', lang)}".strip())
    pdf.set_lang("zh-CN" if lang.startswith("zh") else "en")
    font.register(pdf)
    return pdf


def _slots(pdf, sheet: Sheet) -> Iterator[Box]:
    """The slip boxes in print order: a new page for each top slot, a cut line above
    every lower one."""
    while True:
        pdf.add_page(format=sheet.page)
        for n in range(sheet.slots):
            if n:
                _cut_line(pdf, sheet, n)
            yield sheet.slot(n)


def _cut_line(pdf, sheet: Sheet, n: int) -> None:
    """A dashed line across the page between slot n-1 and slot n."""
    y = sheet.page[1] / sheet.slots * n
    pdf.set_draw_color(120)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=2, gap=1.5)
    pdf.line(4, y, sheet.page[0] - 4, y)
    pdf.set_dash_pattern()
