"""The benchmark suite's own plumbing: report formatting, failures reported not skipped,
and the 360 benchmark's floor running the same queries as the view (on the demo data)."""

from __future__ import annotations

import pytest

from bench import c360_bench, dbs, generator_bench, report, run, ship_bench, slips_bench
from salesops.web.pagedata import PageData

# The benchmarks' own code, run on small databases.
pytestmark = pytest.mark.slow


def test_sizes_and_names_are_parsed_and_unknown_names_refused(capsys):
    args = run.parse_args(["--sizes", "1M,10k", "--only", "search,360"])
    assert args.sizes == [10_000, 1_000_000]
    assert args.only == ["search", "360"]
    with pytest.raises(SystemExit):
        run.parse_args(["--only", "serach"])
    assert "unknown benchmark(s) serach" in capsys.readouterr().err


def test_the_big_database_is_parsed_and_cached_apart_from_the_standard_one(capsys):
    assert run.parse_args([]).big == (1_000_000, 6)
    assert run.parse_args(["--big", "100k:4"]).big == (100_000, 4)
    assert run.parse_args(["--big", ""]).big == ""
    with pytest.raises(SystemExit):
        run.parse_args(["--big", "1M"])
    assert "--big: CUSTOMERS:ORDERS_PER_CUSTOMER" in capsys.readouterr().err
    standard, big = dbs._marker("sqlite", 1_000_000), dbs._marker("sqlite", 1_000_000, 6)
    assert standard.name == "sqlite-1M.json" and big.name == "sqlite-1M_x6.json"
    assert dbs._wanted(1_000_000, 6)["orders"] == 6_000_000


def test_section_has_machine_versions_and_a_row_per_size(tmp_path):
    fig = report.Figure("Search by name prefix, SQLite", ["customers", "app p95", "rows"])
    fig.rows += [["10k", 0.123, 1_234], ["1M", 1234.5, 5]]
    ok = report.Result("search", "1. Customer search", figures=[fig], load=(1.0, 2.0))
    text = run.section([ok], [10_000, 1_000_000], ["sqlite"], run.datetime(2026, 12, 1, 13))
    assert text.startswith("## Suite run of 2026-12-01 13:00 UTC: search")
    assert "cores" in text and "GiB RAM" in text
    assert "SQLAlchemy " in text and "pandas " in text and "SQLite 3." in text
    assert "| 10k | 0.12 | 1,234 |" in text and "| 1M | 1,234 | 5 |" in text
    assert "Failed" not in text
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nearlier figures\n")
    run.record(text, out)
    run.record(text, out)
    kept = out.read_text()
    assert kept.startswith("# Benchmarks\n\nearlier figures\n\n## Suite run")
    assert kept.count("## Suite run of") == 2


def test_a_failing_benchmark_is_reported_and_the_run_fails(tmp_path, monkeypatch):
    def broken(ctx):
        raise ImportError("No module named 'bench.concurrency'")

    monkeypatch.setitem(run.BENCHES, "concurrency", ("5. Concurrent staff", broken))
    out = tmp_path / "BENCHMARKS.md"
    assert run.main(["--only", "concurrency", "--sizes", "10k", "--output", str(out)]) == 1
    text = out.read_text()
    assert "**Failed**: 5. Concurrent staff" in text
    assert "**FAILED**: 'ImportError: No module named 'bench.concurrency''" not in text
    assert "**FAILED**: `ImportError: No module named 'bench.concurrency'`" in text


def test_other_benchmarks_markdown_is_what_main_returns_or_prints(monkeypatch, capsys):
    import types

    printed = types.SimpleNamespace(main=lambda argv: print("| page | s |", *argv))
    returned = types.SimpleNamespace(main=lambda argv: "**table** " + " ".join(argv))
    monkeypatch.setitem(__import__("sys").modules, "bench.fake_printed", printed)
    monkeypatch.setitem(__import__("sys").modules, "bench.fake_returned", returned)
    assert run._call_main("bench.fake_printed", ["--runs", "1"]) == "| page | s | --runs 1\n"
    assert run._call_main("bench.fake_returned", ["x"]) == "**table** x"


def test_c360_floor_runs_the_same_queries_as_the_view(demo_db):
    page = PageData(demo_db)
    floor = c360_bench.Floor(demo_db)
    try:
        for cid in c360_bench.sample_ids(demo_db, 15):
            view = page.customer_360(cid)
            parts = len(view["orders"]) + len(view["followups"]) + len(view["referrals"])
            assert len(floor(cid)) == 2 + parts  # profile and totals: one row each
    finally:
        floor.close()


def test_a_pooled_postgresql_connection_that_died_while_idle_is_replaced(pg_server, monkeypatch):
    """The engine pings only connections idle a while (salesops.db._ping_when_idle); one
    whose server process ended meanwhile is replaced before use, not handed to the caller."""
    import psycopg
    import sqlalchemy as sa

    from salesops import db as dbmod
    from tests.conftest import pg_url

    db = dbmod.Database(pg_url(pg_server, template=None))
    try:
        with db.engine.connect() as conn:
            pid = conn.exec_driver_sql("select pg_backend_pid()").scalar()
        admin = pg_server.url().replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(admin, autocommit=True) as killer:
            killer.execute("select pg_terminate_backend(%s)", (pid,))
        monkeypatch.setattr(dbmod, "PING_AFTER_IDLE_S", 0.0)
        with db.read() as conn:
            assert conn.execute(sa.text("select pg_backend_pid()")).scalar() != pid
    finally:
        db.dispose()


def test_the_timed_generator_run_counts_what_the_demo_command_wrote():
    got = generator_bench.generator_run(300, 900)
    assert got["rows"] > 300 + 900  # customers, orders, and their lines, history, ...
    assert got["seconds"] > 0 and 20 < got["rss_mb"] < 1000


def test_slips_benchmark_orders_are_valid_slips_and_its_report_has_both_sizes():
    from salesops import slips

    batch = slips_bench.orders(60, seed=3)
    assert batch == slips_bench.orders(60, seed=3)  # seeded
    checked = slips.data.slips_from(batch)
    assert len(checked) == 60 and max(len(s.lines) for s in checked) == 30
    one = slips_bench.child("label", 4, 3)
    assert one["pages"] >= 5 and one["bytes"] > 10_000 and one["seconds"] > 0
    rows = {
        k: {"seconds": s, "cpu": s / 2, "pages": 9, "bytes": 2048}
        for k, s in (("floor", 1.0), ("a4", 2.0), ("label", 12.0))
    }
    text = slips_bench.report(60, 1, rows)
    assert "| a4 | 2.00 | 1.00 | 2.00 | 1.00 | 0.50 | 9 | 2 | yes |" in text
    assert "| label | 12.00 | 1.00 | 12.00 | 6.00 | 0.50 | 9 | 2 | **NO** |" in text


def test_ship_benchmark_ships_every_line_and_reports_the_ratio_against_its_goal():
    results = ship_bench.run(lines=40, rounds=2, backends=("sqlite",))
    (row,) = results
    assert len(row["all"]["app"]) == len(row["all"]["floor"]) == 2
    assert row["ratio"] == row["app"] / row["floor"] > 0
    text = ship_bench.report(40, 2, [{**row, "app": 3.0, "floor": 1.0, "ratio": 3.0}])
    assert "| sqlite | 3.00 | 1.00 | 3.00 | no |" in text
    assert "Goal: ratio <= 2.0" in text


def test_saves_benchmark_saves_through_the_delaying_proxy_and_counts_round_trips(capsys):
    from bench import saves

    text = saves.main(["--delays", "0", "20", "--saves", "2"])
    rows = [r for r in text.splitlines() if r.startswith("| 0 ms") or r.startswith("| 20 ms")]
    assert len(rows) == 2
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        # a save and a move to paid: one read and one write statement each (goal: <= 3)
        assert int(cells[2]) == int(cells[5]) == 2
    # the proxy's delay is seen: the 20 ms row (two round trips: +80 ms) is slower than the
    # loopback one, by more than a loaded machine's noise
    assert float(rows[1].split("|")[2].split()[0]) > float(rows[0].split("|")[2].split()[0])
