"""The manager's weekly figures: everything the weekly sheet shows, collected by named SQL.

`collect(db, week, weeks=12)` runs the queries in queries/weekly.sql (aggregation happens in
the database; nothing loads all orders) and returns a `WeeklyFigures`; `export_weekly`
writes it as an Excel workbook through salesops.xlsx. The CLI (`salesops export weekly`)
and the weekly page both call these, so they hand out the same file.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import config, queries
from .db import Database
from .weeks import Week, last_complete_week, week_range, weeks_param

TOP_CUSTOMERS = 20
TOP_REFERRERS = 20
# Summary rows: (key, label); values come from the Weekly series and the Staff table.
SUMMARY_ROWS = [
    ("orders", "Orders 订单数"),
    ("revenue", "Revenue 销售额"),
    ("customers", "Customers 客户数"),
    ("new_customers", "New customers 新客户"),
    ("repeat_customers", "Repeat customers 老客户"),
    ("aov", "AOV 客单价"),
    ("gross_margin", "Gross margin 毛利率"),
    ("repeat_rate", "Repeat-purchase rate 复购率"),
    ("followups_done", "Follow-ups done 已完成跟进"),
    ("followups_overdue", "Follow-ups overdue 逾期跟进"),
]
Progress = Callable[[str], None]


@dataclass
class WeeklyFigures:
    """The figures of one weekly sheet; DataFrames are the named queries' results."""

    week: Week
    series: pd.DataFrame  # weekly_kpis, oldest first, ending with `week`, at least 2 weeks
    count: int  # how many weeks the Weekly sheet shows (the tail of `series`)
    channels: pd.DataFrame
    products: pd.DataFrame
    new_customers: pd.DataFrame
    top_customers: pd.DataFrame
    referral_totals: dict
    referrers: pd.DataFrame
    agents: pd.DataFrame
    communities: pd.DataFrame
    staff: pd.DataFrame
    prev_staff: pd.DataFrame
    database: str = ""
    zone: str = ""
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def weekly(self) -> pd.DataFrame:
        """The weeks the Weekly sheet shows: the last `count` rows of the series."""
        return self.series.iloc[-self.count :].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """This week against last week, one row per SUMMARY_ROWS entry: key, label, this, last."""
        this, last = self._totals(-1, self.staff), self._totals(-2, self.prev_staff)
        rows = [(key, label, this[key], last[key]) for key, label in SUMMARY_ROWS]
        return pd.DataFrame(rows, columns=["key", "label", "this_week", "last_week"])

    def _totals(self, pos: int, staff: pd.DataFrame) -> dict:
        """The Summary values of the week at position `pos` in the series."""
        row = self.series.iloc[pos].to_dict()
        customers, orders = int(row["customers"]), int(row["orders"])
        # Unrounded, as the Weekly sheet's AOV formula computes it (the query rounds to cents).
        row["aov"] = Decimal(row["revenue"]) / orders if orders else Decimal(0)
        row["repeat_rate"] = row["repeat_customers"] / customers if customers else None
        row["followups_done"] = int(staff["followups_done"].sum())
        row["followups_overdue"] = int(staff["followups_overdue"].sum())
        return row


def query_plan(week: Week, weeks: int = 12) -> list[tuple[str, str, dict]]:
    """(field, query name, params) of every query `collect` runs, the longest first (so
    two threads share them out evenly).

    The benchmark replays this list as bare SQL to measure the floor the export stands on.
    """
    week_range(week, weeks)  # refuses weeks < 1 in plain words
    start, end = week.bounds()
    prev_start, _ = week.shift(-1).bounds()
    span = {"start": start, "end": end}
    return [
        ("series", "weekly_kpis", {"weeks": weeks_param(week_range(week, max(weeks, 2)))}),
        ("agents", "week_agents", span),
        ("communities", "week_communities", span),
        ("channels", "week_channels", {"prev_start": prev_start, **span}),
        ("products", "week_products", span),
        ("referrers", "week_referrers", {"limit": TOP_REFERRERS, **span}),
        ("staff", "week_staff", span),
        ("prev_staff", "week_staff", {"start": prev_start, "end": start}),
        ("new_customers", "week_new_customers", span),
        ("top_customers", "week_top_customers", {"limit": TOP_CUSTOMERS, **span}),
        ("referral_totals", "week_referral_totals", span),
    ]


THREADS = 2  # collect() reads in this many threads, on connections sharing one snapshot


def collect(
    db: Database, week: Week | None = None, weeks: int = 12, progress: Progress | None = None
) -> WeeklyFigures:
    """Run every weekly query for `week` (default: the last complete one) and `weeks` weeks.

    The queries read one snapshot, so the sheets agree while staff keep saving orders; they
    run in THREADS threads on as many connections sharing that snapshot
    (Database.snapshots), each database working on its own query meanwhile. `progress` is
    called in the calling thread with each query's name as it completes.
    """
    week = week or last_complete_week()
    plan = query_plan(week, weeks)
    with db.snapshots(THREADS) as conns:
        found = dict(_run_plan(conns, plan, progress))
    totals = found.pop("referral_totals")
    return WeeklyFigures(
        week=week,
        count=weeks,
        referral_totals=totals.iloc[0].to_dict() if len(totals) else {},
        database=_safe_url(db),
        zone=str(config.business_zone()),
        **found,
    )


def _run_plan(conns: list, plan: list, progress: Progress | None):
    """Yield (field, DataFrame) for each query of `plan`, run on the connections `conns`
    (one thread per connection; each takes the next query when it is done)."""
    if len(conns) == 1:
        for field_name, name, params in plan:
            yield field_name, queries.fetch_df(conns[0], name, **params)
            if progress:
                progress(name)
        return
    free: queue.SimpleQueue = queue.SimpleQueue()
    for conn in conns:
        free.put(conn)

    def run(name: str, params: dict) -> pd.DataFrame:
        conn = free.get()
        try:
            return queries.fetch_df(conn, name, **params)
        finally:
            free.put(conn)

    with ThreadPoolExecutor(len(conns), thread_name_prefix="weekly") as pool:
        futures = {pool.submit(run, name, params): (f, name) for f, name, params in plan}
        for future in as_completed(futures):
            field_name, name = futures[future]
            yield field_name, future.result()
            if progress:
                progress(name)


STEPS = 11  # queries collect() runs, for progress bars


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
    from . import xlsx

    figures = collect(db, week, weeks, progress)
    target = Path(path) if path else default_path(figures.week)
    target.parent.mkdir(parents=True, exist_ok=True)
    xlsx.write_workbook(figures, target)
    if progress:
        progress("workbook")
    return target


def workbook_bytes(figures: WeeklyFigures) -> tuple[str, bytes]:
    """The workbook of `figures` as (file name, bytes), for a browser download."""
    import io

    from . import xlsx

    buffer = io.BytesIO()
    xlsx.write_workbook(figures, buffer)
    return default_path(figures.week).name, buffer.getvalue()


def _safe_url(db: Database) -> str:
    """The database URL without its password, for the Notes sheet."""
    return db.engine.url.render_as_string(hide_password=True)


def money_or_none(value) -> Decimal | None:
    """A money value as Decimal, None for NaN/None (pandas turns missing into NaN)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return Decimal(value)
