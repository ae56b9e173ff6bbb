"""Helpers for the weekly sheet's tests: export a workbook and read its sheets back."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pandas as pd
import sqlalchemy as sa

from salesops.schema import order_refunds
from salesops.schema import orders as orders_table
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


def pandas_refunds(db, week) -> tuple[int, Decimal]:
    """Refunds issued in `week` (count, amount) computed with pandas from the raw rows."""
    start, end = parse_week(week).bounds()
    with db.read() as conn:
        r = pd.read_sql(sa.select(order_refunds), conn)
        o = pd.read_sql(sa.select(orders_table.c.id, orders_table.c.deleted_at), conn)
    r = r.merge(o, left_on="order_id", right_on="id", suffixes=("", "_o"))
    when = pd.to_datetime(r["refunded_at"], utc=True)
    live = r["deleted_at"].isna()
    chosen = r[live & (when >= pd.Timestamp(start)) & (when < pd.Timestamp(end))]
    return len(chosen), sum((Decimal(str(a)) for a in chosen["amount"]), Decimal("0"))
