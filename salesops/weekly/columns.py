"""The xlsxwriter column engine: worksheets that take whole columns of cells at once.

xlsxwriter keeps an object per cell; the weekly workbook's big tables (new customers, the
reseller tree: tens of thousands of cells) are written a column at a time through
`ColumnWorksheet` instead, which renders their XML in one pass when the sheet is stored.
`Workbook` stores its parts at a faster zlib level. Both rely on private xlsxwriter
methods: XLSXWRITER_PRIVATE lists them with the signatures this code was written
against, `check_xlsxwriter` refuses an xlsxwriter that differs (at run time, when a
worksheet is made), and tests/test_weekly_xlsx.py fails loudly when an upgrade changes
them. pyproject.toml pins xlsxwriter to the minor version they were read from.
"""

from __future__ import annotations

import inspect
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from operator import add, itemgetter
from types import FunctionType
from zipfile import ZipFile

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.utility import xl_rowcol_to_cell as cell
from xlsxwriter.worksheet import Worksheet

RISKY = ("=", "+", "-", "@", "\t", "\r")
# The private xlsxwriter methods this module overrides or calls, with their parameters as
# xlsxwriter 3.3.1 has them (pyproject pins ~=3.3.1). check_xlsxwriter refuses another
# major version, or one where any of them is missing or takes other parameters.
XLSXWRITER_MAJOR = 3
XLSXWRITER_PRIVATE = {
    "Worksheet._write_rows": "(self)",
    "Worksheet._write_row": "(self, row, spans, row_info=None, empty_row=False)",
    "Worksheet._write_empty_row": "(self, row, spans, row_info=None)",
    "Worksheet._write_cell": "(self, row, col, cell)",
    "Worksheet._check_dimensions": "(self, row, col, ignore_row=False, ignore_col=False)",
    "Worksheet._get_range_data": "(self, row_start, col_start, row_end, col_end)",
    "Workbook._store_workbook": "(self)",
    "Format._get_xf_index": "(self)",
    "SharedStringTable._get_shared_string_index": "(self, string)",
}
# Private attributes ColumnWorksheet reads on a worksheet of a workbook being stored.
XLSXWRITER_ATTRIBUTES = (
    "table",
    "row_info",
    "comments",
    "row_spans",
    "dim_rowmin",
    "dim_rowmax",
    "default_row_height",
    "original_row_height",
    "excel_version",
    "constant_memory",
    "str_table",
    "fh",
)
XLS_STRMAX = 32767  # Excel's longest text, in UTF-16 units (xlsxwriter truncates to it)
# Text that Excel stores with _xHHHH_ escapes: control characters, the non-characters
# U+FFFE/U+FFFF, and text that already looks like such an escape.
_EXCEL_ESCAPED = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")


ZIP_LEVEL = 1  # zlib level of the workbook's parts (xlsxwriter's ZipFile uses the default, 6)


class _ZipFile(ZipFile):
    """The zip file `Workbook` writes: its parts deflated at zlib level ZIP_LEVEL unless
    told otherwise (much faster than the default level for a somewhat larger file:
    BENCHMARKS.md, "Measurements behind the code"; any deflate level is plain deflate to
    Excel, LibreOffice and openpyxl)."""

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


class Workbook(xlsxwriter.Workbook):
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


def _bare_signature(function) -> str:
    """A function's parameters with their defaults, without annotations: `(self, row)`."""
    params = inspect.signature(function).parameters.values()
    return str(inspect.Signature([p.replace(annotation=p.empty) for p in params]))


@cache
def private_api_changes() -> tuple[str, ...]:
    """How the installed xlsxwriter differs from the private methods XLSXWRITER_PRIVATE
    lists (one line each: missing, or its parameters now); empty when it does not."""
    from xlsxwriter.sharedstrings import SharedStringTable

    classes = {
        "Worksheet": Worksheet,
        "Workbook": xlsxwriter.Workbook,
        "Format": Format,
        "SharedStringTable": SharedStringTable,
    }
    changes = []
    for name, expected in XLSXWRITER_PRIVATE.items():
        owner, method = name.split(".")
        function = getattr(classes[owner], method, None)
        if function is None:
            changes.append(f"{name} is missing")
        elif (found := _bare_signature(function)) != expected:
            changes.append(f"{name} takes {found}, not {expected}")
    return tuple(changes)


def check_xlsxwriter() -> None:
    """Refuse an xlsxwriter whose private API ColumnWorksheet was not written for."""
    version = xlsxwriter.__version__
    changes = private_api_changes()
    if version.split(".")[0] != str(XLSXWRITER_MAJOR) or changes:
        raise RuntimeError(
            f"salesops.weekly.columns needs xlsxwriter {XLSXWRITER_MAJOR}.x (written against "
            f"3.3.1): its ColumnWorksheet overrides or calls xlsxwriter's private "
            f"{', '.join(XLSXWRITER_PRIVATE)}; installed is xlsxwriter {version}"
            + (f", where {'; '.join(changes)}" if changes else "")
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

    xlsxwriter keeps an object per cell and writes each through several calls, which is
    most of the workbook's time at tens of thousands of cells (BENCHMARKS.md,
    "Measurements behind the code"). `write_text_column` and `write_number_column` keep
    a column as a plain list instead; when xlsxwriter writes the sheet's <sheetData>,
    `_write_rows` renders each column in one pass, joins side-by-side columns of the same
    rows, and merges the rows with the cells written the usual way (headers, formulas,
    totals) in column order. A cell written both ways is refused. Texts are inline
    strings (t="inlineStr"), except those that start like a formula (they get the
    quote-prefix format) and those that need Excel's _xHHHH_ escapes (control
    characters): these go to the shared string table exactly as write_string stores them,
    so every reader decodes them as before and the sheet XML never holds formula-like
    text. Numbers are written as write_number writes them (`.16G`).

    Column cells are not in xlsxwriter's cell table, so a chart may not read them
    (refused) and autofit() does not see them. Private xlsxwriter pieces relied on:
    XLSXWRITER_PRIVATE (Worksheet._write_rows overridden, _get_range_data guarded, the
    others called) and XLSXWRITER_ATTRIBUTES; the version and the methods' parameters are
    checked on construction (check_xlsxwriter).
    """

    def __init__(self) -> None:
        check_xlsxwriter()
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
