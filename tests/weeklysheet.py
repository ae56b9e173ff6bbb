"""Helpers for the weekly sheet's tests: export a workbook and read its sheets back."""

from __future__ import annotations

import openpyxl

from salesops.weekly.export import export_weekly
from salesops.weeks import parse_week


def sheet_rows(ws, header_row: int = 1) -> list[dict]:
    """The rows under the header of a worksheet as dicts keyed by header text."""
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:] if any(v is not None for v in r)]


def export(db, tmp_path, week: str, weeks: int = 12):
    """Export `week` and open it twice: cached values, and formulas as written."""
    path = export_weekly(db, parse_week(week), weeks, tmp_path / f"{week}.xlsx")
    return openpyxl.load_workbook(path, data_only=True), openpyxl.load_workbook(path), path
