"""Write the weekly figures as a finished Excel workbook (xlsxwriter).

Every sheet has its header in row 1, frozen, with an autofilter and columns sized to their
content (CJK characters count double). Money is `¥#,##0.00`, rates `0.0%`. Derived cells
(AOV, shares, changes, totals) are formulas written with their computed value, because
LibreOffice shows a formula without a cached value as 0 until recalculated. No text is ever
written as a formula, so a customer named `=HYPERLINK(...)` stays text (formula injection);
such texts also get Excel's quote prefix, so editing the cell keeps it text.

The tables (new customers, the reseller tree: tens of thousands of cells) are written a
column at a time through `ColumnWorksheet`, which renders their XML in one pass instead of
xlsxwriter's per-cell objects; single cells (headers, summaries, formulas) go through
xlsxwriter as usual.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal
from itertools import compress, filterfalse, repeat
from operator import add, itemgetter
from types import FunctionType
from typing import IO
from zipfile import ZipFile

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.utility import xl_rowcol_to_cell as cell
from xlsxwriter.worksheet import Worksheet

from . import config
from .exporter import WeeklyFigures

MONEY = "[$¥-804]#,##0.00"
RATE = "0.0%"
RISKY = ("=", "+", "-", "@", "\t", "\r")
DEFINITIONS = [
    "A week is Monday 00:00 to Sunday 24:00 in the business zone (ISO weeks). "
    "一周为业务时区的周一 00:00 至周日 24:00（ISO 周）。",
    "An order counts when its order time falls in the week and its status is not cancelled "
    "or refunded. 订单时间在本周内且状态不是已取消或已退款的订单计入。",
    "revenue = sum of the order lines' amounts after discounts; shipping is not revenue. "
    "销售额 = 订单行折后金额之和（不含运费）。",
    "orders = number of counted orders; customers = distinct customers with a counted order.",
    "new_customers = customers whose first-ever counted order is in the week; "
    "repeat_customers = customers of the week who had a counted order before it "
    "(so new + repeat = customers). 新客户 = 首次有效订单在本周；老客户 = 本周之前已有有效订单。",
    "aov = revenue / orders (客单价). gross_margin = (revenue - cost) / revenue over lines "
    "whose cost is known, blank when none (毛利率). repeat-purchase rate = repeat_customers "
    "/ customers.",
    "Follow-ups done = done in the week; overdue = due before the week's end and not done "
    "by then. Orders entered = orders a staff member created in the week, any status.",
    "Channels: an order's channel; new customers per channel are the channel's buyers whose "
    "first-ever counted order is in the week. Products: repeat buyers bought the same "
    "product in a counted order before the week.",
    "Communities: conversion = members who ever bought / members. Agents: tier 1 is "
    "recruited by the seller; tier 3 or deeper is flagged: multi-tier recruitment pay is "
    "illegal under the 2005 Regulations on the Prohibition of Pyramid Selling (禁止传销条例).",
]


# The private xlsxwriter pieces ColumnWorksheet overrides or calls (xlsxwriter 3.x; written
# against 3.3.1). A different major version, or one that lacks any of them, is refused.
XLSXWRITER_MAJOR = 3
XLSXWRITER_PRIVATE = (
    "_write_rows",
    "_write_row",
    "_write_empty_row",
    "_write_cell",
    "_check_dimensions",
    "_get_range_data",
)
XLS_STRMAX = 32767  # Excel's longest text, in UTF-16 units (xlsxwriter truncates to it)
# Text that Excel stores with _xHHHH_ escapes: control characters, the non-characters
# U+FFFE/U+FFFF, and text that already looks like such an escape.
_EXCEL_ESCAPED = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")


ZIP_LEVEL = 1  # zlib level of the workbook's parts (xlsxwriter's ZipFile uses the default, 6)


class _ZipFile(ZipFile):
    """The zip file `_Workbook` writes: its parts deflated at zlib level ZIP_LEVEL unless
    told otherwise (about 3x faster than the default level for a ~25% larger file; any
    deflate level is plain deflate to Excel, LibreOffice and openpyxl)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("compresslevel", ZIP_LEVEL)
        super().__init__(*args, **kwargs)

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        # xlsxwriter passes a ZipInfo, whose level is the default unless given here.
        if compresslevel is None:
            compresslevel = self.compresslevel
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)


def _store_with(zip_class) -> object:
    """xlsxwriter's Workbook._store_workbook (private) with its global `ZipFile` bound to
    `zip_class`: the same function, run on a copy of its module's globals, so no other
    workbook and no global name changes. None if the method does not look up `ZipFile`
    as a global (a different xlsxwriter; the workbook is then stored as usual)."""
    store = xlsxwriter.Workbook._store_workbook
    code = getattr(store, "__code__", None)
    if code is None or "ZipFile" not in code.co_names or code.co_freevars:
        return None
    scope = {**store.__globals__, "ZipFile": zip_class}
    return FunctionType(code, scope, store.__name__, store.__defaults__, store.__closure__)


class _Workbook(xlsxwriter.Workbook):
    """An xlsxwriter Workbook that stores its parts through `_ZipFile` (ZIP_LEVEL)."""

    if (_store := _store_with(_ZipFile)) is not None:
        _store_workbook = _store
    del _store


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")  # part of _EXCEL_ESCAPED


def _maybe_special(texts: set[str]) -> bool:
    """False when no text starts like a formula (RISKY) or needs Excel's _xHHHH_ escapes;
    True when one may. Checked on the texts joined with newlines (neither RISKY's start
    nor an _EXCEL_ESCAPED match can take in a newline)."""
    joined = "\n".join(texts)
    return (
        joined[:1] in RISKY
        or any("\n" + c in joined for c in RISKY)
        or _CONTROL.search(joined) is not None
        or ("_x" in joined and _EXCEL_ESCAPED.search(joined) is not None)
    )


def _check_xlsxwriter() -> None:
    """Refuse an xlsxwriter whose private worksheet API ColumnWorksheet was not written for."""
    version = xlsxwriter.__version__
    missing = [name for name in XLSXWRITER_PRIVATE if not hasattr(Worksheet, name)]
    if version.split(".")[0] != str(XLSXWRITER_MAJOR) or missing:
        raise RuntimeError(
            f"salesops.xlsx needs xlsxwriter {XLSXWRITER_MAJOR}.x (written against 3.3.1): "
            f"its ColumnWorksheet overrides xlsxwriter's private Worksheet "
            f"{', '.join(XLSXWRITER_PRIVATE)}; installed is xlsxwriter {version}"
            + (f", which lacks {', '.join(missing)}" if missing else "")
        )


def _inline(text: str) -> str:
    """The <t> element of an inline string: &, < and > escaped, xml:space="preserve" when
    the text starts or ends with white space. (Texts that need Excel's _xHHHH_ escapes are
    shared strings instead; see ColumnWorksheet.)"""
    if text.isalnum():  # letters and digits, the common case, need nothing
        return f"<t>{text}</t>"
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<t{space}>{text}</t>"


def _inline_texts(texts: list[str]) -> list[str] | None:
    """The escaped contents of the <t> elements of inline strings `texts`, as `_inline`
    escapes them, when none starts or ends with white space (none needs
    xml:space="preserve"); else None. Done on the texts joined with \x00 (an inline
    string holds none: control characters make a text a shared string)."""
    if not texts:
        return []
    if list(map(str.strip, texts)) != texts:  # str.strip strips what str.isspace() finds
        return None
    joined = "\x00".join(texts)
    if "&" in joined or "<" in joined or ">" in joined:
        joined = joined.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return joined.split("\x00")


def _excel_length(text: str) -> str:
    """`text` cut to Excel's 32,767 UTF-16 units, never inside a character (as xlsxwriter's
    write_string cuts it)."""
    if len(text.encode("utf-16-le", "surrogatepass")) // 2 <= XLS_STRMAX:
        return text
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > XLS_STRMAX:
            return text[:i]
    return text


@dataclass
class _Column:
    """Cells stored by ColumnWorksheet: `values` down column `col` from `row`."""

    row: int
    col: int
    values: list  # str for a text column; float or None (blank) for a number column
    fmt: Format
    shared: dict[str, int] | None = None  # text column: the shared strings' indices
    quoted: Format | None = None  # text column: the format of texts that start like a formula

    def ends(self) -> list[str]:
        """Each cell's <c> element after its r="...", one per row. Each distinct value is
        rendered once; style indices are final by now (xlsxwriter numbers the formats as
        it writes the sheets)."""
        s = self.fmt._get_xf_index()
        ends = {}  # value -> the <c> element after its r="..."
        for v in set(self.values):
            if self.shared is None:
                ends[v] = f' s="{s}"/>' if v is None else f' s="{s}"><v>{v:.16G}</v></c>'
            elif v in self.shared:
                style = self.quoted._get_xf_index() if v.startswith(RISKY) else s
                ends[v] = f' s="{style}" t="s"><v>{self.shared[v]}</v></c>'
            else:
                ends[v] = f' s="{s}" t="inlineStr"><is>{_inline(v)}</is></c>'
        return list(map(ends.__getitem__, self.values))

    def stream(self, numbers: list[str]) -> list:
        """The column's <c> elements as a stream for `_Run`: constant strings and per-row
        lists, in order (`numbers` are the rows' numbers as text). A number column without
        blanks passes its numbers formatted (`.16G`, each distinct one once); a text column
        of inline strings that need no xml:space="preserve" passes its escaped texts; any
        other column passes each cell's rendered end (`ends`)."""
        s, start = self.fmt._get_xf_index(), f'<c r="{xl_col_to_name(self.col)}'
        if self.shared is None and None not in self.values:
            text = {v: f"{v:.16G}" for v in set(self.values)}
            texts = list(map(text.__getitem__, self.values))
            return [start, numbers, f'" s="{s}"><v>', texts, "</v></c>"]
        if self.shared is not None and not self.shared:
            texts = _inline_texts(self.values)
            if texts is not None:
                head = f'" s="{s}" t="inlineStr"><is><t>'
                return [start, numbers, head, texts, "</t></is></c>"]
        return [start, numbers, '"', self.ends()]


class _Run:
    """The XML of a run of stored columns (side by side, the same rows), kept as a stream
    of constant strings and per-row lists that `str.join` interleaves: `rows` renders
    whole rows (`<row r=".." spans="..">` and their <c> elements), `cells` one row's <c>
    elements."""

    def __init__(self, group: list[_Column], spans: dict[int, str]):
        self.top = top = group[0].row
        n = len(group[0].values)
        numbers = list(map(str, range(top + 1, top + n + 1)))
        cells: list = []
        for c in group:
            for part in c.stream(numbers):
                if isinstance(part, str) and cells and isinstance(cells[-1], str):
                    cells[-1] += part
                else:
                    cells.append(part)
        heads = [f'" spans="{spans[b]}">' for b in range(top // 16, (top + n - 1) // 16 + 1)]
        heads = [h for h in heads for _ in range(16)][top % 16 : top % 16 + n]
        self.cells_stream = cells
        end = [cells[-1] + "</row>"] if isinstance(cells[-1], str) else [cells[-1], "</row>"]
        self.rows_stream = ['<row r="', numbers, heads, *cells[:-1], *end]

    @staticmethod
    def _join(stream: list, a: int, b: int) -> str:
        """Rows a to b - 1 (of the run) of `stream`, interleaved by extended-slice
        assignment (no per-row objects) and joined."""
        n, k = b - a, len(stream)
        out = [""] * (n * k)
        for i, part in enumerate(stream):
            out[i::k] = [part] * n if isinstance(part, str) else part[a:b]
        return "".join(out)

    def rows(self, start: int, stop: int) -> str:
        """Rows `start` to `stop` - 1 (of the sheet), whole."""
        return self._join(self.rows_stream, start - self.top, stop - self.top)

    def cells(self, row: int) -> str:
        """The <c> elements of sheet row `row`."""
        return self._join(self.cells_stream, row - self.top, row - self.top + 1)


class ColumnWorksheet(Worksheet):
    """An xlsxwriter worksheet that also takes whole columns of cells at once.

    xlsxwriter keeps an object per cell and writes each through several calls (~10 us a
    cell). `write_text_column` and `write_number_column` keep a column as a plain list
    instead; when xlsxwriter writes the sheet's <sheetData>, `_write_rows` renders each
    column in one pass, joins side-by-side columns of the same rows, and merges the rows
    with the cells written the usual way (headers, formulas, totals) in column order. A
    cell written both ways is refused. Texts are inline strings (t="inlineStr"), except
    those that start like a formula (they get the quote-prefix format) and those that need
    Excel's _xHHHH_ escapes (control characters): these go to the shared string table
    exactly as write_string stores them, so every reader decodes them as before and the
    sheet XML never holds formula-like text. Numbers are written as write_number writes
    them (`.16G`).

    Column cells are not in xlsxwriter's cell table, so a chart may not read them
    (refused) and autofit() does not see them. Private xlsxwriter pieces relied on:
    Worksheet._write_rows (overridden), _write_row, _write_empty_row, _write_cell,
    _check_dimensions, _get_range_data (guarded), the attributes table, row_info,
    comments, row_spans, dim_rowmin/dim_rowmax, default_row_height, original_row_height,
    excel_version, constant_memory, str_table (its _get_shared_string_index) and fh, and
    Format._get_xf_index; the version is checked on construction (_check_xlsxwriter).
    """

    def __init__(self) -> None:
        _check_xlsxwriter()
        super().__init__()
        self.columns: list[_Column] = []

    def _add_column(self, column: _Column) -> None:
        """Store a column and widen the sheet's dimensions to it."""
        if self.constant_memory:
            raise ValueError("ColumnWorksheet does not work in constant_memory mode")
        last = column.row + len(column.values) - 1
        if column.values and (
            self._check_dimensions(column.row, column.col)
            or self._check_dimensions(last, column.col)
        ):
            raise ValueError(f"column {column.col} rows {column.row}-{last} is off the sheet")
        self.columns.append(column)

    def write_text_column(
        self, row: int, col: int, texts: list[str], fmt: Format, quoted: Format
    ) -> None:
        """`texts` as text cells in format `fmt` down column `col` from `row` ('' is an empty
        text cell); none is ever a formula. A text that starts like a formula (RISKY) gets
        format `quoted` (Excel's quote prefix); it and a text that needs Excel's _xHHHH_
        escapes are shared strings, the others inline strings."""
        half = XLS_STRMAX // 2  # shorter texts cannot be over the limit
        if texts and max(map(len, texts)) > half:
            texts = [t if len(t) <= half else _excel_length(t) for t in texts]
        else:
            texts = list(texts)
        distinct = set(texts)
        special = set()
        if _maybe_special(distinct):
            special = {
                t
                for t in distinct
                if t.startswith(RISKY) or (not t.isalnum() and _EXCEL_ESCAPED.search(t))
            }
        shared = {}
        if special:
            for text in texts:  # counted per cell, as write_string counts them
                if text in special:
                    shared[text] = self.str_table._get_shared_string_index(text)
        self._add_column(_Column(row, col, texts, fmt, shared, quoted))

    def write_number_column(self, row: int, col: int, numbers: list, fmt: Format) -> None:
        """`numbers` (floats; None for a blank cell that keeps `fmt`) as numeric cells down
        column `col` from `row`. -0.0 is written as 0."""
        if None in numbers:
            numbers = [None if v is None else v + 0.0 for v in numbers]
        else:
            numbers = list(map(add, numbers, repeat(0.0)))
        if not all(map(math.isfinite, [v for v in numbers if v is not None])):
            raise ValueError(f"column {col}: NaN or infinity is not a cell value")
        self._add_column(_Column(row, col, numbers, fmt))

    def _get_range_data(self, row_start, col_start, row_end, col_end):
        """xlsxwriter's chart cache reader, refusing ranges written as columns."""
        for c in self.columns:
            last = c.row + len(c.values) - 1
            if col_start <= c.col <= col_end and c.row <= row_end and row_start <= last:
                raise ValueError(f"a chart reads column {c.col}, which was written as a column")
        return super()._get_range_data(row_start, col_start, row_end, col_end)

    def _write_rows(self) -> None:
        """Write the <row> elements: xlsxwriter's cells and the stored columns, in column
        order. A row with no row settings starts `<row r=".." spans="..">` directly (what
        _write_row writes for it when the default row height is unchanged and the sheet is
        not in Excel 2010 mode); such rows of one run only are rendered whole, a run at a
        time (`_Run`), the others one by one (`_write_one`)."""
        if not self.columns:
            return super()._write_rows()
        groups = self._groups()
        bounds = [(g[0].row, g[0].row + len(g[0].values) - 1, g[0].col, g[-1].col) for g in groups]
        self.row_spans = spans = self._spans(bounds)
        first, last = self.dim_rowmin, self.dim_rowmax
        plain = self.default_row_height == self.original_row_height and self.excel_version != 2010
        # Rows written one by one: rows with xlsxwriter cells, row settings or comments,
        # rows two runs share, and every row of a sheet whose rows are not plain.
        single = {r for r, cells in self.table.items() if cells}
        single.update(self.row_info, self.comments)
        for i, (top, bottom, _, _) in enumerate(bounds):
            for top2, bottom2, _, _ in bounds[:i]:
                single.update(range(max(top, top2), min(bottom, bottom2) + 1))
        if not plain:
            single.update(range(first, last + 1))
        singles = sorted(r for r in single if first <= r <= last)
        runs = [_Run(g, spans) for g in groups]
        events = [(r, None, None, None) for r in singles]
        for (top, bottom, _, _), run in zip(bounds, runs, strict=True):
            start = top  # split the run's rows at the single rows
            for r in singles[bisect_left(singles, top) : bisect_right(singles, bottom)]:
                if r > start:
                    events.append((start, r, run, None))
                start = r + 1
            if start <= bottom:
                events.append((start, bottom + 1, run, None))
        events.sort(key=itemgetter(0))
        write = self.fh.write
        for row, stop, run, _ in events:
            if run is not None:
                write(run.rows(row, stop))
                continue
            parts = [
                (b[2], b[3], run.cells(row))
                for b, run in zip(bounds, runs, strict=True)
                if b[0] <= row <= b[1]
            ]
            self._write_one(row, spans.get(row // 16), parts, plain)

    def _write_one(self, row: int, span: str | None, parts: list, plain: bool) -> None:
        """Write one row: its column runs `parts`, [(first col, last col, <c> elements)],
        and its xlsxwriter cells."""
        cells, info = self.table.get(row), self.row_info
        if not cells and not parts:
            if row in info or row in self.comments:
                self._write_empty_row(row, span, info.get(row))
            return
        write = self.fh.write
        if plain and row not in info:
            write(f'<row r="{row + 1}" spans="{span}">' if span else f'<row r="{row + 1}">')
        else:
            self._write_row(row, span, info.get(row))
        if not cells and len(parts) == 1:
            write(parts[0][2])
        else:
            self._write_merged(row, parts, cells or {})
        write("</row>")

    def _write_merged(self, row: int, parts: list, cells: dict) -> None:
        """Write a row's column runs and xlsxwriter cells in column order; refuse overlaps."""
        merged = sorted(parts + [(col, col, c) for col, c in cells.items()], key=itemgetter(0))
        end = -1
        for first, last, part in merged:
            if first <= end:
                raise ValueError(f"cell {cell(row, first)} is written twice")
            end = last
            if isinstance(part, str):
                self.fh.write(part)
            else:
                self._write_cell(row, first, part)

    def _groups(self) -> list[list[_Column]]:
        """The stored columns in runs: columns side by side with the same rows, joined;
        runs of no rows left out."""
        groups: list[list[_Column]] = []
        for c in sorted(self.columns, key=lambda c: (c.row, c.col)):
            g = groups[-1] if groups else None
            if g and (g[-1].row, len(g[-1].values), g[-1].col + 1) == (c.row, len(c.values), c.col):
                g.append(c)
            else:
                groups.append([c])
        return [g for g in groups if g[0].values]

    def _spans(self, groups: list[tuple[int, int, int, int]]) -> dict[int, str]:
        """The <row spans="..."> of each block of 16 rows: its first to last used column
        (what xlsxwriter's _calculate_spans gives, with the stored columns counted)."""
        low: dict[int, int] = {}
        high: dict[int, int] = {}
        blocks = [(r // 16, min(cols), max(cols)) for r, cols in self.table.items() if cols]
        blocks += [(r // 16, min(cols), max(cols)) for r, cols in self.comments.items() if cols]
        for top, bottom, first, last in groups:
            blocks += [(b, first, last) for b in range(top // 16, bottom // 16 + 1)]
        for block, first, last in blocks:
            low[block] = min(low.get(block, first), first)
            high[block] = max(high.get(block, last), last)
        return {block: f"{low[block] + 1}:{high[block] + 1}" for block in low}


class Sheet:
    """One worksheet plus the workbook's formats, writing typed cells and tracking widths."""

    def __init__(self, book: xlsxwriter.Workbook, formats: dict, name: str):
        self.ws = book.add_worksheet(name, worksheet_class=ColumnWorksheet)
        self.f, self.widths = formats, {}
        self.numbers: dict[int, tuple[float, float, bool]] = {}  # col -> (min, max, money)
        self.ws.set_landscape()
        self.ws.set_paper(9)  # A4
        self.ws.fit_to_pages(1, 0)
        self.ws.repeat_rows(0)

    def _fit(self, col: int, text: str) -> None:
        """Remember the widest text of each column (wide CJK characters count twice)."""
        if text.isascii():
            w = len(text)
        else:
            w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
        if w > self.widths.get(col, 0):
            self.widths[col] = w

    def _fit_texts(self, col: int, texts) -> None:
        """_fit over `texts`: the longest ASCII text (as wide as it is long), then the
        others longest first, stopping once no shorter text can be wider (a text is at
        most twice its length wide)."""
        distinct = set(texts)
        plain = list(filter(str.isascii, distinct))  # each as wide as it is long
        if plain:
            self._fit(col, max(plain, key=len))
        wide = list(filterfalse(str.isascii, distinct))
        lengths = list(map(len, wide))
        if not lengths:
            return
        # The widest is at least as wide as the longest is long, so a text at most half as
        # long cannot be wider: only the longer ones are sorted.
        longer = compress(wide, map((max(lengths) // 2).__lt__, lengths))
        for text in sorted(longer, key=len, reverse=True):
            if 2 * len(text) <= self.widths.get(col, 0):
                break
            self._fit(col, text)

    def _fit_number(self, col: int, value: float, kind: str) -> None:
        """Remember the largest number of each column; finish() sizes the column for it."""
        low, high, money = self.numbers.get(col, (0.0, 0.0, False))
        self.numbers[col] = (min(low, value), max(high, value), money or kind == "money")

    def _text_format(self, text: str, fmt: str | None):
        """The format of a text cell: Excel's quote prefix when it starts like a formula."""
        return self.f["quoted"] if text.startswith(RISKY) else self.f.get(fmt)

    def text(self, row: int, col: int, value, fmt: str | None = None) -> None:
        """A text cell, never a formula, whatever it starts with ('' for None/NaN)."""
        text = _texts([value])[0]
        self.ws.write_string(row, col, text, self._text_format(text, fmt))
        self._fit(col, text)

    def number(self, row: int, col: int, value, kind: str = "int") -> None:
        """A numeric cell in format `kind` (int, money, rate); blank for None/NaN."""
        value = _numbers([value])[0]
        if value is None:
            self.ws.write_blank(row, col, None, self.f[kind])
        else:
            self.ws.write_number(row, col, value, self.f[kind])
            self._fit_number(col, value, kind)

    def text_column(self, row: int, col: int, values: list, fmt: str | None = None) -> None:
        """`values` as text cells down column `col` from `row`, by the rules of `text`, in
        one ColumnWorksheet column."""
        texts = _texts(values)
        self.ws.write_text_column(row, col, texts, self.f.get(fmt), self.f["quoted"])
        self._fit_texts(col, texts)

    def number_column(self, row: int, col: int, values: list, kind: str) -> None:
        """`values` as numeric cells in format `kind` down column `col` from `row`, by the
        rules of `number`, in one ColumnWorksheet column."""
        numbers = _numbers(values)
        self.ws.write_number_column(row, col, numbers, self.f[kind])
        present = [v for v in numbers if v is not None] if None in numbers else numbers
        if present:
            self._fit_number(col, min(present), kind)
            self._fit_number(col, max(present), kind)

    def datetime_column(self, row: int, col: int, values: pd.Series) -> None:
        """UTC timestamps as date-time cells in the business zone down column `col` from
        `row`; blank for missing ones."""
        serials = _excel_datetimes(values, config.business_zone())
        self.ws.write_number_column(row, col, serials, self.f["datetime"])
        if any(v is not None for v in serials):
            self._fit(col, "2026-11-22 23:59")

    def formula(self, row: int, col: int, formula: str, value, kind: str) -> None:
        """A formula with its computed value cached (blank text when the value is None)."""
        if value is None or (isinstance(value, float) and value != value):
            value = ""
        else:
            value = float(value)
        self.ws.write_formula(row, col, formula, self.f[kind], value)
        self._fit(col, f"{value:,.2f}¥" if value != "" else "")

    def header(self, row: int, col: int, names: list[str]) -> None:
        """Bold header cells starting at (row, col)."""
        for i, name in enumerate(names):
            self.ws.write_string(row, col + i, name, self.f["header"])
            self._fit(col + i, name)

    def finish(self, freeze_rows: int = 1) -> None:
        """Freeze the header rows and size the columns to what was written."""
        self.ws.freeze_panes(freeze_rows, 0)
        for col, (low, high, money) in self.numbers.items():
            for value in (low, high):
                self._fit(col, f"{value:,.2f}" + ("¥" if money else ""))
        for col, w in self.widths.items():
            self.ws.set_column(col, col, min(max(w + 2, 8), 60))


def _formats(book: xlsxwriter.Workbook) -> dict:
    """The workbook's cell formats by name."""
    base = {"font_name": "Noto Sans CJK SC", "font_size": 10}
    spec = {
        None: {},
        "int": {"num_format": "#,##0"},
        "money": {"num_format": MONEY},
        "rate": {"num_format": RATE},
        "header": {"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "text_wrap": False},
        "total": {"bold": True, "top": 1},
        "total_money": {"bold": True, "top": 1, "num_format": MONEY},
        "total_int": {"bold": True, "top": 1, "num_format": "#,##0"},
        "quoted": {"quote_prefix": True},
        "flag": {"font_color": "#9C0006", "bg_color": "#FFC7CE"},
        "title": {"bold": True, "font_size": 13},
        "wrap": {"text_wrap": True, "valign": "top"},
        "datetime": {"num_format": "yyyy-mm-dd hh:mm"},
    }
    return {k: book.add_format({**base, **v}) for k, v in spec.items()}


def write_workbook(figures: WeeklyFigures, target: str | IO[bytes]) -> None:
    """Write every sheet of the weekly workbook to a path or binary file object."""
    book = _Workbook(target, {"strings_to_formulas": False, "in_memory": True})
    book.set_properties({"title": f"Weekly sheet {figures.week}", "author": "salesops"})
    f = _formats(book)
    _summary(Sheet(book, f, "Summary"), figures)
    _weekly(book, Sheet(book, f, "Weekly"), figures.weekly)
    _channels(book, Sheet(book, f, "Channels"), figures.channels)
    _products(Sheet(book, f, "Products"), figures.products)
    _customers(Sheet(book, f, "Customers"), figures)
    _referrals(Sheet(book, f, "Referrals & agents"), figures)
    _table(
        Sheet(book, f, "Communities"),
        figures.communities,
        [
            ("name", "community 社群", "text"),
            ("owner", "owner 群主", "text"),
            ("channel", "channel 渠道", "text"),
            ("members", "members 成员", "int"),
            ("bought_this_week", "bought this week 本周购买", "int"),
            ("bought_ever", "ever bought 曾购买", "int"),
            ("conversion", "conversion 转化率", "rate"),
            ("revenue", "revenue this week 本周销售额", "money"),
        ],
    )
    _staff(Sheet(book, f, "Staff"), figures.staff)
    _notes(Sheet(book, f, "Notes"), figures)
    book.close()


def _value(v):
    """A plain Python number from a DataFrame cell (None for missing)."""
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return None
    return float(v) if isinstance(v, Decimal) else v


def _texts(values: list) -> list[str]:
    """The texts of cells: '' for None/NaN, else str(value)."""
    if set(map(type, values)) <= {str}:  # plain texts, the common case
        return list(values)
    return ["" if v is None or v != v else str(v) for v in values]


def _numbers(values: list) -> list[float | None]:
    """The numbers of cells as floats (Decimal, int and numpy numbers alike); None, a blank
    cell, for None/NaN/NA."""
    if set(map(type, values)) <= _PLAIN_NUMBERS:
        floats = list(map(float, values))
        if not any(map(math.isnan, floats)):
            return floats
    floats = [None if v is None or v is pd.NA else float(v) for v in values]
    return [None if v is None or v != v else v for v in floats]


_PLAIN_NUMBERS = {float, int, Decimal, np.float64, np.int64}  # float() of each is its value


def _excel_datetimes(values: pd.Series, zone) -> list[float | None]:
    """Aware timestamps as Excel serial date-times (1900 date system) of their wall-clock
    time in `zone`, computed exactly as xlsxwriter's write_datetime does; None for missing.
    """
    local = pd.to_datetime(pd.Series(values), utc=True).dt.tz_convert(zone).dt.tz_localize(None)
    missing = local.isna().to_numpy()
    since = local.to_numpy("datetime64[us]") - np.datetime64("1899-12-31T00:00", "us")
    days, rest = np.divmod(since.astype(np.int64), 86_400_000_000)  # in microseconds
    seconds, micros = np.divmod(rest, 1_000_000)
    serial = days + (seconds.astype(float) + micros.astype(float) / 1e6) / 86400
    serial[days == 1] -= 1  # 1900-01-01 is serial 1, as in xlsxwriter
    serial[serial > 59] += 1  # Excel's 29 February 1900
    return [None if m else v for m, v in zip(missing, serial.tolist(), strict=True)]


def _table(sheet: Sheet, df: pd.DataFrame, columns: list[tuple], start_col: int = 0) -> None:
    """A plain table: (column, header, kind) per column, header in row 1, then the rows.

    Written a column at a time (the agent tree runs to tens of thousands of rows) through
    ColumnWorksheet, by the same cell rules as Sheet.text and Sheet.number.
    """
    sheet.header(0, start_col, [h for _, h, _ in columns])
    for c, (name, _, kind) in enumerate(columns, start=start_col):
        if kind == "text":
            sheet.text_column(1, c, df[name].tolist())
        elif kind == "datetime":
            sheet.datetime_column(1, c, df[name])
        else:
            sheet.number_column(1, c, df[name].tolist(), kind)
    if start_col == 0:
        sheet.ws.autofilter(0, 0, max(len(df), 1), len(columns) - 1)
    sheet.finish()


def _summary(sheet: Sheet, figures: WeeklyFigures) -> None:
    """This week against last week with absolute and % change (formulas, cached)."""
    this, last = figures.week, figures.week.shift(-1)
    sheet.header(
        0,
        0,
        [
            "metric 指标",
            f"this week 本周 {this}",
            f"last week 上周 {last}",
            "change 变化",
            "change % 变化率",
        ],
    )
    for r, row in enumerate(figures.summary().itertuples(index=False), start=1):
        kind = {
            "revenue": "money",
            "aov": "money",
            "gross_margin": "rate",
            "repeat_rate": "rate",
        }.get(row.key, "int")
        a, b = _value(row.this_week), _value(row.last_week)
        sheet.text(r, 0, row.label)
        sheet.number(r, 1, a, kind)
        sheet.number(r, 2, b, kind)
        b_, c_ = cell(r, 1), cell(r, 2)
        both = a is not None and b is not None
        sheet.formula(r, 3, f'=IF(OR({b_}="",{c_}=""),"",{b_}-{c_})', a - b if both else None, kind)
        pct = (a - b) / b if both and b else None
        sheet.formula(r, 4, f'=IF(OR({b_}="",{c_}="",{c_}=0),"",({b_}-{c_})/{c_})', pct, "rate")
    # Footnotes are written past the width tracking so they do not widen column A.
    sheet.ws.write_string(
        12, 0, f"{this}: {this.monday} – {this.sunday} ({figures.zone})", sheet.f[None]
    )
    sheet.ws.write_string(
        13, 0, "Definitions: see the Notes sheet. 指标定义见 Notes 工作表。", sheet.f[None]
    )
    sheet.finish()


def _weekly(book, sheet: Sheet, weekly: pd.DataFrame) -> None:
    """One row per week with the exact headers the issue names, and a revenue chart."""
    names = [
        "week",
        "orders",
        "revenue",
        "customers",
        "new_customers",
        "repeat_customers",
        "aov",
        "gross_margin",
    ]
    sheet.header(0, 0, names)
    for r, row in enumerate(weekly.itertuples(index=False), start=1):
        sheet.text(r, 0, row.week)
        sheet.number(r, 1, row.orders)
        sheet.number(r, 2, _value(row.revenue), "money")
        for c, name in enumerate(["customers", "new_customers", "repeat_customers"], start=3):
            sheet.number(r, c, getattr(row, name))
        orders, revenue = int(row.orders), _value(row.revenue)
        sheet.formula(
            r,
            6,
            f"=IF({cell(r, 1)}=0,0,{cell(r, 2)}/{cell(r, 1)})",
            revenue / orders if orders else 0,
            "money",
        )
        sheet.number(r, 7, _value(row.gross_margin), "rate")
    n = len(weekly)
    sheet.ws.autofilter(0, 0, n, len(names) - 1)
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "revenue 销售额",
            "categories": ["Weekly", 1, 0, n, 0],
            "values": ["Weekly", 1, 2, n, 2],
            "fill": {"color": "#4472C4"},
        }
    )
    line = book.add_chart({"type": "line"})
    line.add_series(
        {
            "name": "orders 订单数",
            "categories": ["Weekly", 1, 0, n, 0],
            "values": ["Weekly", 1, 1, n, 1],
            "y2_axis": True,
            "line": {"color": "#ED7D31", "width": 2},
        }
    )
    chart.combine(line)
    chart.set_title({"name": "Revenue by week 每周销售额"})
    chart.set_y_axis({"num_format": "#,##0"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 320})
    sheet.ws.insert_chart(1, len(names) + 1, chart)
    sheet.finish()


def _channels(book, sheet: Sheet, df: pd.DataFrame) -> None:
    """Per channel with share of revenue, change against last week, a total and a chart."""
    names = [
        "channel 渠道",
        "orders 订单数",
        "revenue 销售额",
        "share 占比",
        "customers 客户数",
        "new customers 新客户",
        "AOV 客单价",
        "gross margin 毛利率",
        "last week revenue 上周销售额",
        "change 变化",
        "change % 变化率",
    ]
    sheet.header(0, 0, names)
    n = len(df)
    total = float(sum(_value(v) or 0 for v in df["revenue"])) if n else 0.0
    rev_range = f"{cell(1, 2, True, True)}:{cell(max(n, 1), 2, True, True)}"
    for r, row in enumerate(df.itertuples(index=False), start=1):
        rev, prev = _value(row.revenue), _value(row.prev_revenue)
        sheet.text(r, 0, row.name)
        sheet.number(r, 1, row.orders)
        sheet.number(r, 2, rev, "money")
        sheet.formula(
            r,
            3,
            f"=IF(SUM({rev_range})=0,0,{cell(r, 2)}/SUM({rev_range}))",
            rev / total if total else 0,
            "rate",
        )
        sheet.number(r, 4, row.customers)
        sheet.number(r, 5, row.new_customers)
        sheet.formula(
            r,
            6,
            f"=IF({cell(r, 1)}=0,0,{cell(r, 2)}/{cell(r, 1)})",
            rev / row.orders if row.orders else 0,
            "money",
        )
        sheet.number(r, 7, _value(row.gross_margin), "rate")
        sheet.number(r, 8, prev, "money")
        sheet.formula(r, 9, f"={cell(r, 2)}-{cell(r, 8)}", rev - prev, "money")
        sheet.formula(
            r,
            10,
            f'=IF({cell(r, 8)}=0,"",({cell(r, 2)}-{cell(r, 8)})/{cell(r, 8)})',
            (rev - prev) / prev if prev else None,
            "rate",
        )
    t = n + 1
    sheet.ws.write_string(t, 0, "Total 合计", sheet.f["total"])
    for c, kind, name in [
        (1, "int", "orders"),
        (2, "money", "revenue"),
        (8, "money", "prev_revenue"),
    ]:
        col_sum = float(sum(_value(v) or 0 for v in df[name]))
        sheet.ws.write_formula(
            t, c, f"=SUM({cell(1, c)}:{cell(max(n, 1), c)})", sheet.f[f"total_{kind}"], col_sum
        )
    if n:
        chart = book.add_chart({"type": "pie"})
        chart.add_series(
            {
                "name": "Channel mix 渠道占比",
                "categories": ["Channels", 1, 0, n, 0],
                "values": ["Channels", 1, 2, n, 2],
                "data_labels": {"percentage": True},
            }
        )
        chart.set_title({"name": "Revenue by channel 渠道销售额占比"})
        chart.set_size({"width": 560, "height": 340})
        sheet.ws.insert_chart(t + 2, 0, chart)
    sheet.finish()


def _products(sheet: Sheet, df: pd.DataFrame) -> None:
    """Per product: units, revenue, cost, margin, buyers and repeat buyers."""
    _table(
        sheet,
        df,
        [
            ("sku", "SKU", "text"),
            ("name", "product 商品", "text"),
            ("category", "category 品类", "text"),
            ("units", "units 件数", "int"),
            ("revenue", "revenue 销售额", "money"),
            ("cost", "cost 成本", "money"),
            ("gross_margin", "gross margin 毛利率", "rate"),
            ("buyers", "buyers 购买人数", "int"),
            ("repeat_buyers", "repeat buyers 复购人数", "int"),
        ],
    )


def _customers(sheet: Sheet, figures: WeeklyFigures) -> None:
    """New customers of the week (left) and the top customers by revenue (right)."""
    new = figures.new_customers.assign(
        referrer=[
            (c + " " + n if isinstance(n, str) else c)
            if isinstance(c, str)
            else (n if isinstance(n, str) else "")
            for c, n in zip(
                figures.new_customers["referrer_code"],
                figures.new_customers["referrer"],
                strict=True,
            )
        ]
    )
    _table(
        sheet,
        new,
        [
            ("code", "new customer 新客户编号", "text"),
            ("name", "name 姓名", "text"),
            ("channel", "channel 来源渠道", "text"),
            ("referrer", "referrer 推荐人", "text"),
            ("first_order_no", "first order 首单号", "text"),
            ("first_at", "first order time 首单时间", "datetime"),
            ("first_amount", "first order amount 首单金额", "money"),
        ],
    )
    top = figures.top_customers.assign(rank=range(1, len(figures.top_customers) + 1))
    _table(
        sheet,
        top,
        [
            ("rank", f"top {len(top)} 排名", "int"),
            ("code", "code 编号", "text"),
            ("name", "name 姓名", "text"),
            ("channel", "channel 渠道", "text"),
            ("orders", "orders 订单数", "int"),
            ("revenue", "revenue 销售额", "money"),
        ],
        start_col=8,
    )


def _referrals(sheet: Sheet, figures: WeeklyFigures) -> None:
    """Referral revenue and top referrers (left); the reseller tree with flags (right)."""
    totals = figures.referral_totals or {}
    everyone = pd.DataFrame(
        [
            {
                "code": "",
                "name": "All referred customers 全部转介绍客户",
                "referred": None,
                "buyers": totals.get("referred_buyers"),
                "referred_revenue": totals.get("referred_revenue"),
            }
        ]
    )
    rows = pd.concat([everyone, figures.referrers], ignore_index=True)
    week_revenue = _value(totals.get("revenue")) or 0
    rows["share"] = [
        (_value(v) or 0) / week_revenue if week_revenue else None for v in rows["referred_revenue"]
    ]
    _table(
        sheet,
        rows,
        [
            ("code", "referrer 推荐人编号", "text"),
            ("name", "name 姓名", "text"),
            ("referred", "referred (ever) 推荐人数", "int"),
            ("buyers", "bought this week 本周购买", "int"),
            ("referred_revenue", "their revenue 推荐销售额", "money"),
            ("share", "share of revenue 占比", "rate"),
        ],
    )
    agents = figures.agents.assign(
        flag=[
            "tier ≥3: pyramid-selling risk 三级及以上：传销风险" if d else ""
            for d in figures.agents["deep"]
        ]
    )
    _table(
        sheet,
        agents,
        [
            ("code", "agent 代理编号", "text"),
            ("name", "name 姓名", "text"),
            ("parent_code", "recruited by 上级", "text"),
            ("tier", "tier 层级", "int"),
            ("recruits", "recruits 直属下级", "int"),
            ("orders", "orders this week 本周订单", "int"),
            ("revenue", "sales this week 本周进货额", "money"),
            ("flag", "flag 风险", "text"),
        ],
        start_col=7,
    )
    last = len(agents)
    if last:
        sheet.ws.conditional_format(
            1,
            7,
            last,
            14,
            {"type": "formula", "criteria": f"=${cell(1, 10)[0]}2>=3", "format": sheet.f["flag"]},
        )


def _staff(sheet: Sheet, df: pd.DataFrame) -> None:
    """Per staff member: orders entered, follow-ups done and overdue, with a total row."""
    _table(
        sheet,
        df,
        [
            ("staff", "staff 员工", "text"),
            ("display_name", "name 姓名", "text"),
            ("orders_entered", "orders entered 录入订单", "int"),
            ("followups_done", "follow-ups done 完成跟进", "int"),
            ("followups_overdue", "follow-ups overdue 逾期跟进", "int"),
        ],
    )
    t = len(df) + 1
    sheet.ws.write_string(t, 0, "Total 合计", sheet.f["total"])
    for c, name in [(2, "orders_entered"), (3, "followups_done"), (4, "followups_overdue")]:
        sheet.ws.write_formula(
            t,
            c,
            f"=SUM({cell(1, c)}:{cell(max(t - 1, 1), c)})",
            sheet.f["total_int"],
            int(df[name].sum()),
        )


def _notes(sheet: Sheet, figures: WeeklyFigures) -> None:
    """The definitions, the database, the time zone and when the file was generated."""
    start, end = figures.week.bounds()
    generated = figures.generated_at.astimezone(config.business_zone())
    facts = [
        ("week 周", f"{figures.week}: {figures.week.monday} 00:00 – {figures.week.sunday} 24:00"),
        ("time zone 时区", f"{figures.zone} (UTC {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M})"),
        ("database 数据库", figures.database),
        ("generated 生成时间", f"{generated:%Y-%m-%d %H:%M:%S} {figures.zone}"),
        ("weeks on Weekly 周数", str(figures.count)),
    ]
    sheet.header(0, 0, ["note 说明", "value 内容"])
    for r, (k, v) in enumerate(facts, start=1):
        sheet.text(r, 0, k)
        sheet.text(r, 1, v)
    for r, text in enumerate(DEFINITIONS, start=len(facts) + 2):
        sheet.text(r, 0, "definition 定义")
        sheet.ws.write_string(r, 1, text, sheet.f["wrap"])
    sheet.finish()
    sheet.ws.set_column(1, 1, 100)
