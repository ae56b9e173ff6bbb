"""The order number as a Code 128 barcode, drawn as vector bars.

Code 128 because every scanner reads it: the 1D scanning guns packing tables use, 2D
ones, and phones (WeChat's scanner included); courier waybills use it for the same
reason. python-barcode chooses the code sets (a run of digits goes in set C, two digits
a bar pattern) and `build()` gives the modules as "1"/"0"; we draw the bars ourselves so
they stay sharp at any printer resolution.
"""

from __future__ import annotations

import functools

import barcode
from barcode.errors import BarcodeError

QUIET = 10  # modules of white space each side, as the standard asks


@functools.lru_cache(maxsize=1024)  # a part's header asks twice: for the width, to draw
def modules(text: str) -> str:
    """The bar pattern of `text` in Code 128: '1' black, '0' white, one per module;
    empty when `text` cannot be encoded (Code 128 is ASCII only: an imported order
    number in Chinese gets no barcode, its printed number still shows)."""
    if not text or not text.isascii():
        return ""
    try:
        return barcode.get("code128", text).build()[0]
    except BarcodeError:
        return ""


def width(text: str, module: float) -> float:
    """The barcode's width in mm, quiet zones included, at `module` mm per module."""
    return (len(modules(text)) + 2 * QUIET) * module


def draw(
    pdf, text: str, x: float, y: float, max_width: float, height: float, module: float = 0.375
) -> float:
    """Draw the barcode of `text` with its top-left (quiet zone included) at (x, y),
    narrowing the modules if it would be wider than `max_width`; returns its width."""
    bars = modules(text)
    if not bars:
        return 0.0
    module = min(module, max_width / (len(bars) + 2 * QUIET))
    pdf.set_fill_color(0)
    start = None
    for i, bit in enumerate(bars + "0"):
        if bit == "1" and start is None:
            start = i
        elif bit != "1" and start is not None:
            pdf.rect(x + (QUIET + start) * module, y, (i - start) * module, height, style="F")
            start = None
    return (len(bars) + 2 * QUIET) * module
