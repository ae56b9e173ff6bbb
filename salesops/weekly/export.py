"""The weekly workbook as a file: what `salesops export weekly` writes and the weekly page
downloads, from one place so both hand out the same file."""

from __future__ import annotations

import io
from pathlib import Path

from ..db import Database
from ..files import private_file
from ..weeks import Week
from .collect import collect
from .figures import Progress, WeeklyFigures
from .workbook import write_workbook


def default_path(week: Week) -> Path:
    """Where `salesops export weekly` writes by default: exports/weekly-YYYY-Www.xlsx."""
    return Path("exports") / f"weekly-{week}.xlsx"


def export_weekly(
    db: Database,
    week: Week | None = None,
    weeks: int = 12,
    path: Path | str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Collect the figures and write the workbook; returns the file's path."""
    figures = collect(db, week, weeks, progress)
    target = Path(path) if path else default_path(figures.week)
    with private_file(target) as f:  # owner-only; no half-written workbook on a failure
        write_workbook(figures, f)
    if progress:
        progress("workbook")
    return target


def workbook_bytes(figures: WeeklyFigures) -> tuple[str, bytes]:
    """The workbook of `figures` as (file name, bytes), for a browser download."""
    buffer = io.BytesIO()
    write_workbook(figures, buffer)
    return default_path(figures.week).name, buffer.getvalue()
