"""The two paper sizes: A4 (the pick list on portrait pages, then two packing slips per
page, cut apart along a dashed line) and the 100 x 150 mm thermal label (one slip per
label, the pick list flowing over labels too).

Why two slips per A4 page: most orders of a social seller are one to three lines, which
fill half a page (A5, the size of a parcel's top); two per page halves the paper and the
printing, and a long order simply flows into the next half. Each half is laid out on its
own and repeats the order number and barcode, so a half is never ambiguous once cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from .layout import Font

A4_SIZE = (210.0, 297.0)
LABEL_SIZE = (100.0, 150.0)


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in mm from the top-left corner."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Sheet:
    """One paper size: page sizes, slips per page, margins, fonts and barcode size."""

    name: str
    page: tuple[float, float]  # the slips' page
    pick_page: tuple[float, float]  # the pick list's page
    slots: int  # slips per page, stacked top to bottom
    margin: tuple[float, float]  # left/right, top/bottom (mm)
    text: Font  # addresses, notes, lines
    strong: Font  # recipient and mobile, quantities
    big: Font  # the order number
    small: Font  # times, channel, buyer
    bar_height: float  # mm
    module: float  # the barcode's narrow bar, mm
    wide: bool  # header side by side (A4) or stacked (label)
    thermal: bool  # printed by a thermal head: text in black only

    def slot(self, n: int) -> Box:
        """The printable box of slot `n` (0 = top) of a slips page."""
        w, h = self.page[0], self.page[1] / self.slots
        mx, my = self.margin
        return Box(mx, n * h + my, w - 2 * mx, h - 2 * my)

    def pick_box(self) -> Box:
        """The printable box of a pick-list page."""
        mx, my = self.margin
        w, h = self.pick_page
        return Box(mx, my + (2 if self.wide else 0), w - 2 * mx, h - 2 * my)


A4 = Sheet(
    name="a4",
    page=A4_SIZE,
    pick_page=A4_SIZE,
    slots=2,
    margin=(12.0, 8.0),
    text=Font(10.5),
    strong=Font(12, bold=True),
    big=Font(16, bold=True),
    small=Font(9, grey=60),
    bar_height=11.0,
    module=0.375,  # 3 dots at 203 dpi, 9 at 600: sharp on any office printer
    wide=True,
    thermal=False,
)

LABEL = Sheet(
    name="label",
    page=LABEL_SIZE,
    pick_page=LABEL_SIZE,
    slots=1,
    margin=(4.0, 4.0),  # thermal printers cannot print the outer ~2 mm
    text=Font(10),
    strong=Font(12, bold=True),
    big=Font(14, bold=True),
    small=Font(8.5, grey=40),  # thermal heads print grey as dither: keep it dark
    bar_height=13.0,
    module=0.375,
    wide=False,
    thermal=True,
)

SHEETS = {"a4": A4, "label": LABEL}
