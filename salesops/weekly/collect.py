"""Collecting the weekly sheet's figures: twelve named queries on one snapshot.

`collect(db, week, weeks=12)` runs the queries in queries/weekly.sql (aggregation happens in
the database; nothing loads all orders) and returns a `WeeklyFigures`
(salesops.weekly.figures), which salesops.weekly.export writes as the workbook.
"""

from __future__ import annotations

import queue
from concurrent.futures import ThreadPoolExecutor, as_completed

import pandas as pd

from .. import config, queries
from ..agents.checks import CHECK_COLUMNS, compliance
from ..db import Database
from ..weeks import Week, last_complete_week, week_range, weeks_param
from .figures import Progress, WeeklyFigures

TOP_CUSTOMERS = 20
TOP_REFERRERS = 20


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
        ("refunds", "week_refunds", {"prev_start": prev_start, **span}),
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
    checks = pd.DataFrame(compliance(db, until=week.bounds()[1]), columns=CHECK_COLUMNS)
    refunds = found.pop("refunds").iloc[0].to_dict()
    return WeeklyFigures(
        week=week,
        count=weeks,
        referral_totals=totals.iloc[0].to_dict() if len(totals) else {},
        refunds=refunds,
        database=_safe_url(db),
        zone=str(config.business_zone()),
        agent_checks=checks,
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


STEPS = 12  # queries collect() runs, for progress bars


def _safe_url(db: Database) -> str:
    """The database URL without its password, for the Notes sheet."""
    return db.engine.url.render_as_string(hide_password=True)
