"""One worksheet of the weekly workbook: typed cells (text, money, rate, date-time,
formula with its value), columns sized to their content, and whole tables.

Every sheet has its header in row 1, frozen, and columns sized to their content (CJK
characters count double). Money is `¥#,##0.00`, rates `0.0%`. No text is ever written as
a formula, so a customer named `=HYPERLINK(...)` stays text (formula injection); such
texts also get Excel's quote prefix, so editing the cell keeps it text. Single cells go
through xlsxwriter; tables a column at a time through salesops.weekly.columns.
"""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal
from itertools import compress, filterfalse

import numpy as np
import pandas as pd
import xlsxwriter

from .. import config
from .columns import RISKY, ColumnWorksheet

MONEY = "[$¥-804]#,##0.00"
RATE = "0.0%"


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


def formats(book: xlsxwriter.Workbook) -> dict:
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


def cell_value(v):
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


def table(sheet: Sheet, df: pd.DataFrame, columns: list[tuple], start_col: int = 0) -> None:
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
