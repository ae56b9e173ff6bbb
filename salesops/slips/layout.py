"""The small layout engine under the slips: fonts, wrapping, rows, tables and pages.

Everything printed below a part's header is a list of `Row`s, each one text line high
(or a fixed gap), drawn at an (x, y) given later. That makes flowing easy: `paginate`
fills parts (a page, half a page, a label) with rows and, when a table goes on into the
next part, draws its heading row again there. A table row whose cells wrap onto several
lines becomes several rows, so even a SKU bound for hundreds of orders flows on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fpdf import FPDF

from .fonts import FAMILY

PT = 25.4 / 72  # millimetres per point
LEADING = 1.45  # line height / font size: the CJK em box plus a little air
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
# Break opportunities: a run of ASCII non-space characters (a number, a word, an SKU)
# stays whole; spaces; any other character alone (CJK text breaks between characters),
# taking closing punctuation with it so no line starts with a comma or a full stop.
TOKENS = re.compile(r"[^\S\n]+|(?:[!-~]+|.)[，。、；：！？）》」』”’〉】,.;:!?)]*")
OPENING = set("（《「『“‘〈【([{")  # stays with what follows it


class Document(FPDF):
    """An fpdf2 document in mm that remembers text widths and, for thermal labels, prints
    all text black (a thermal head dithers grey into specks that small type cannot bear)."""

    def __init__(self, page: tuple[float, float], black_only: bool = False):
        super().__init__(unit="mm", format=page)
        self.black_only = black_only
        self.text_widths: dict[tuple, float] = {}


@dataclass(frozen=True)
class Font:
    """A size in points, bold or not, and a grey level (0 black .. 255 white)."""

    size: float
    bold: bool = False
    grey: int = 0

    def line(self) -> float:
        """The height of one line of this font, in mm."""
        return self.size * PT * LEADING

    def use(self, pdf: Document) -> None:
        """Make this the current font and colour of `pdf`."""
        pdf.set_font(FAMILY, "B" if self.bold else "", self.size)
        pdf.set_text_color(0 if pdf.black_only else self.grey)


@dataclass
class Row:
    """Something `height` mm high that draws itself with its top-left corner at (x, y).
    `head` is drawn again above it when it opens a new part (a table's column heads);
    `keep` keeps it in the same part as the row after it (a heading)."""

    height: float
    draw: Callable[[float, float], None]
    head: Row | None = None
    keep: bool = False
    gap: bool = False  # blank space, dropped at the top of a part


def gap(height: float) -> Row:
    """Blank space between blocks."""
    return Row(height, lambda x, y: None, gap=True)


def write(pdf, font: Font, x: float, y: float, text: str, width=0.0, align="L") -> None:
    """One line of text in a line box whose top is at `y` (align L, R or C in `width`)."""
    font.use(pdf)
    if align != "L":
        spare = width - measure(pdf, text)
        x += spare if align == "R" else spare / 2
    baseline = y + font.line() / 2 + 0.36 * font.size * PT
    pdf.text(x, baseline, text)


def clip(pdf, font: Font, text: str, width: float) -> str:
    """`text` cut short with an ellipsis to fit `width` mm on one line."""
    font.use(pdf)
    text = CONTROL.sub(" ", text or "")
    if measure(pdf, text) <= width:
        return text
    while text and measure(pdf, text + "…") > width:
        text = text[:-1]
    return text + "…"


def wrap(pdf, font: Font, text: str, width: float) -> list[str]:
    """`text` broken into lines no wider than `width` mm (newlines kept; at least one line)."""
    font.use(pdf)
    text = CONTROL.sub(" ", text or "")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _fill(pdf, _tokens(paragraph), width)
    return lines or [""]


def _tokens(paragraph: str) -> list[str]:
    """The paragraph cut at its break opportunities; an opening bracket joins the next."""
    tokens: list[str] = []
    for token in TOKENS.findall(paragraph):
        if tokens and tokens[-1][-1] in OPENING:
            tokens[-1] += token
        else:
            tokens.append(token)
    return tokens


def _fill(pdf, tokens: list[str], width: float) -> list[str]:
    """Greedy line filling of tokens; a token wider than a line is cut by characters."""
    lines, line, used = [], "", 0.0
    for token in tokens:
        size = measure(pdf, token)
        if used + size <= width:
            line, used = line + token, used + size
        elif measure(pdf, token.strip()) <= width:
            lines.append(line.rstrip())
            line = token.lstrip()
            used = measure(pdf, line)
        else:
            for char in token:
                size = measure(pdf, char)
                if line and used + size > width:
                    lines.append(line.rstrip())
                    line, used = "", 0.0
                line, used = line + char, used + size
    lines.append(line.rstrip())
    return [s for s in lines if s] or [""]


def measure(pdf: Document, text: str) -> float:
    """The width of `text` in the current font, in mm, remembered per document (a batch
    measures the same characters and words thousands of times)."""
    key = (pdf.font_family, pdf.font_style, pdf.font_size_pt, text)
    if key not in pdf.text_widths:
        pdf.text_widths[key] = pdf.get_string_width(text)
    return pdf.text_widths[key]


def text_rows(pdf, font: Font, text: str, width: float, indent: float = 0.0) -> list[Row]:
    """A paragraph as one row per wrapped line, `indent` mm from the left."""
    return [
        Row(font.line(), lambda x, y, s=s: write(pdf, font, x + indent, y, s))
        for s in wrap(pdf, font, text, width - indent)
    ]


def label_width(pdf, font: Font, labels: Sequence[str]) -> float:
    """The indent that lines text up after the widest of `labels` in `font`'s label type."""
    label_font(font).use(pdf)
    return max(measure(pdf, s) for s in labels) + 2.5


def label_font(font: Font) -> Font:
    """The grey, smaller type of a label in front of text in `font`."""
    return Font(min(font.size, 10) * 0.85, grey=100)


def labelled_rows(pdf, label: str, font: Font, text: str, width: float, indent: float):
    """A grey label, then a paragraph wrapped from `indent` mm ("备注   don't ring")."""
    rows = text_rows(pdf, font, text, width, indent)
    small, first = label_font(font), rows[0].draw

    # the label's baseline on the text's baseline
    drop = (font.line() - small.line()) / 2 + 0.36 * PT * (font.size - small.size)

    def draw(x, y):
        write(pdf, small, x, y + drop, label)
        first(x, y)

    rows[0] = Row(rows[0].height, draw)
    return rows


@dataclass(frozen=True)
class Column:
    """A table column: heading, width in mm, font, alignment, space kept free on each
    side (mm); `box` draws a tick box."""

    title: str
    width: float
    font: Font
    align: str = "L"
    box: bool = False
    pad: float = 1.0


def table_rows(pdf, columns: Sequence[Column], records: Sequence[Sequence[str]]) -> list[Row]:
    """A table: a heading row, then each record as one row per wrapped line, with a hair
    line above each record and the heading repeated in every part the table reaches."""
    head = head_row(pdf, columns)
    return [head, *(r for record in records for r in record_rows(pdf, columns, record, head))]


def record_rows(pdf, columns: Sequence[Column], record: Sequence[str], head: Row) -> list[Row]:
    """One record of a table, one row per line its tallest cell wraps to."""
    cells = [
        wrap(pdf, c.font, "" if c.box else text, c.width - 2 * c.pad)
        for c, text in zip(columns, record, strict=True)
    ]
    rows = [_line_row(pdf, columns, cells, i, i == 0) for i in range(max(map(len, cells)))]
    for row in rows:
        row.head, row.keep = head, True
    rows[-1].keep = False
    return rows


def head_row(pdf, columns: Sequence[Column]) -> Row:
    """The column headings in small grey type with a rule under them (kept with the
    row after it)."""
    font = Font(columns[0].font.size * 0.8, grey=90)
    total = sum(c.width for c in columns)

    def draw(x, y):
        for c in columns:
            write(pdf, font, x + c.pad, y, c.title, c.width - 2 * c.pad, c.align)
            x += c.width
        pdf.set_draw_color(0)
        pdf.set_line_width(0.3)
        pdf.line(x - total, y + font.line(), x, y + font.line())

    return Row(font.line() + 0.4, draw, keep=True)


def _line_row(pdf, columns, cells, i: int, first: bool) -> Row:
    """Line `i` of one record's cells; the first line also draws the rule and tick box."""
    height = max(c.font.line() for c in columns)

    def draw(x, y):
        if first:
            pdf.set_draw_color(170)
            pdf.set_line_width(0.15)
            pdf.line(x, y, x + sum(c.width for c in columns), y)
        for c, lines in zip(columns, cells, strict=True):
            if c.box and first:
                _tick_box(pdf, x + c.pad, y, height)
            elif i < len(lines):
                top = y + (height - c.font.line()) / 2
                write(pdf, c.font, x + c.pad, top, lines[i], c.width - 2 * c.pad, c.align)
            x += c.width

    return Row(height, draw)


def _tick_box(pdf, x: float, y: float, height: float) -> None:
    """An empty square to tick by hand."""
    side = min(3.6, height * 0.6)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.25)
    pdf.rect(x, y + (height - side) / 2, side, side)


def paginate(rows: Sequence[Row], capacity: float) -> list[list[Row]]:
    """Rows split into parts at most `capacity` mm high. Rows joined by `keep` go to the
    next part together when they do not fit (and are split only when taller than a
    part); gaps at the top of a part are dropped; heads are repeated."""
    parts: list[list[Row]] = [[]]
    used = 0.0
    for group in _kept_together(rows):
        if parts[-1] and used + sum(r.height for r in group) > capacity + 1e-6:
            parts.append([])
            used = 0.0
        for row in group:
            if parts[-1] and used + row.height > capacity + 1e-6:
                parts.append([])
                used = 0.0
            used += _place(parts, row)
    return [p for p in parts if p]


def _kept_together(rows: Sequence[Row]) -> list[list[Row]]:
    """Runs of rows each kept with the next (a heading and its first line, a record)."""
    groups: list[list[Row]] = [[]]
    for row in rows:
        groups[-1].append(row)
        if not row.keep:
            groups.append([])
    return [g for g in groups if g]


def _place(parts: list[list[Row]], row: Row) -> float:
    """Put `row` in the last part (after its head when it opens a later part); returns
    the height it took."""
    part = parts[-1]
    if part:
        part.append(row)
        return row.height
    if row.gap:
        return 0.0
    taken = 0.0
    if len(parts) > 1 and row.head is not None and row.head is not row:
        part.append(row.head)
        taken = row.head.height
    part.append(row)
    return taken + row.height


def draw_rows(rows: Sequence[Row], x: float, y: float) -> float:
    """Draw rows top to bottom from (x, y); returns the y under the last one."""
    for row in rows:
        row.draw(x, y)
        y += row.height
    return y
