"""The weekly sheet on hand-made shops (week boundaries, empty weeks, what counts, a
snapshot, formula-like names), from the command line, and opened by LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
import threading
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner
from importfiles import write_csv
from weeklysheet import export, sheet_rows

from salesops import customers, orders
from salesops.cli import main
from salesops.importer import import_orders
from salesops.weekly import collect
from salesops.weeks import last_complete_week, parse_week

SHANGHAI = ZoneInfo("Asia/Shanghai")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


# -- hand-made shops on SQLite and PostgreSQL ---------------------------------------------


def shanghai(y, mo, d, h=12, mi=0, sec=0) -> datetime:
    """A Shanghai wall-clock time as an aware datetime."""
    return datetime(y, mo, d, h, mi, sec, tzinfo=SHANGHAI)


def order(db, customer, when, sku="TEA-01", qty=1, status="paid"):
    """Record one order of `qty` x `sku` at `when`."""
    return orders.create_order(
        db, customer["id"], [{"sku": sku, "quantity": qty}], ordered_at=when, status=status
    )


def test_sunday_2359_and_monday_0000_in_shanghai_fall_in_different_weeks(db, buyer, tmp_path):
    order(db, buyer, shanghai(2026, 11, 22, 23, 59, 59))  # Sunday of W47, 15:59:59 UTC
    order(db, buyer, shanghai(2026, 11, 23, 0, 0, 0), qty=2)  # Monday of W48, 16:00 UTC Sunday
    values, _, _ = export(db, tmp_path, "2026-W48", weeks=2)
    w47, w48 = sheet_rows(values["Weekly"])
    assert (w47["week"], w47["orders"], w47["revenue"]) == ("2026-W47", 1, 128.0)
    assert (w48["week"], w48["orders"], w48["revenue"]) == ("2026-W48", 1, 256.0)
    assert (w47["new_customers"], w48["new_customers"], w48["repeat_customers"]) == (1, 0, 1)


def test_weeks_without_orders_are_rows_of_zeros(db, buyer, tmp_path):
    order(db, buyer, shanghai(2026, 10, 1))  # W40
    order(db, buyer, shanghai(2026, 11, 18), sku="GIFT-03")  # W47, no known cost
    values, _, _ = export(db, tmp_path, "2026-W47", weeks=12)
    rows = sheet_rows(values["Weekly"])
    assert [r["week"] for r in rows][0] == "2026-W36" and len(rows) == 12
    for r in rows:
        if r["week"] not in ("2026-W40", "2026-W47"):
            assert [r[k] for k in ("orders", "revenue", "customers", "aov")] == [0, 0, 0, 0]
            assert r["gross_margin"] is None
    assert rows[-1]["repeat_customers"] == 1 and rows[-1]["gross_margin"] is None
    assert rows[4]["gross_margin"] == pytest.approx((128 - 51.2) / 128)


def test_an_empty_database_still_gives_a_whole_workbook(db, tmp_path):
    values, _, _ = export(db, tmp_path, "2026-W47", weeks=3)
    assert values.sheetnames == [
        "Summary",
        "Weekly",
        "Channels",
        "Products",
        "Customers",
        "Referrals & agents",
        "Communities",
        "Staff",
        "Notes",
    ]
    assert [r["orders"] for r in sheet_rows(values["Weekly"])] == [0, 0, 0]


def test_cancelled_and_refunded_orders_are_not_counted(db, buyer, basics, tmp_path):
    order(db, buyer, shanghai(2026, 11, 10), status="cancelled")  # W46, not counted
    other = customers.create_customer(db, {"name": "李娜", "channel_id": basics["micro_store"]})
    order(db, other, shanghai(2026, 11, 11), status="refunded")  # W46, not counted
    order(db, buyer, shanghai(2026, 11, 17), qty=3)  # W47: counted, and buyer is still new
    order(db, other, shanghai(2026, 11, 18), status="cancelled")
    values, _, _ = export(db, tmp_path, "2026-W47", weeks=2)
    w46, w47 = sheet_rows(values["Weekly"])
    assert (w46["orders"], w46["revenue"], w46["customers"]) == (0, 0, 0)
    assert (w47["orders"], w47["revenue"], w47["customers"]) == (1, 384.0, 1)
    assert (w47["new_customers"], w47["repeat_customers"]) == (1, 0)
    channels = sheet_rows(values["Channels"])
    assert [r["channel 渠道"] for r in channels] == ["朋友圈", "Total 合计"]


def test_an_order_saved_while_the_sheet_is_collected_is_in_no_sheet(db, buyer, monkeypatch):
    """The eleven queries read one snapshot, in both of collect()'s threads: an order
    committed after the first query ends appears nowhere, so Summary and Channels agree."""
    order(db, buyer, shanghai(2026, 11, 17))
    fetch, saved, once = collect.queries.fetch_df, [], threading.Lock()

    def fetch_then_save(target, name, **params):
        df = fetch(target, name, **params)
        with once:  # collect() runs queries in two threads; the order is saved once
            if not saved:  # a staff member saves an order of the same week, elsewhere
                saved.append(order(db, buyer, shanghai(2026, 11, 18), qty=2))
        return df

    monkeypatch.setattr(collect.queries, "fetch_df", fetch_then_save)
    figures = collect.collect(db, parse_week("2026-W47"), 2)
    assert saved
    assert int(figures.series.iloc[-1]["orders"]) == 1
    assert int(figures.channels["orders"].sum()) == 1
    assert int(figures.products["units"].sum()) == 1
    assert collect.collect(db, parse_week("2026-W47"), 2).channels["orders"].sum() == 2


def test_a_customer_named_like_a_formula_comes_out_as_text(db, basics, tmp_path):
    """Names that look like formulas arrive through an orders import, as they would from a
    shop platform's export, and reach the sheet as text."""
    evil = '=HYPERLINK("http://example.com","x")'
    headers = [
        "order_no",
        "ordered_at",
        "customer_name",
        "mobile",
        "channel",
        "sku",
        "quantity",
        "amount",
    ]
    rows = [
        ["X-1", "2026-11-17 10:00", evil, "13900000001", "朋友圈", "TEA-01", "1", "128.00"],
        [
            "X-2",
            "2026-11-18 10:00",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "13900000002",
            "微店",
            "TEA-01",
            "1",
            "128.00",
        ],
    ]
    report = import_orders(db, write_csv(tmp_path / "evil.csv", headers, rows))
    assert report.counts["customers_created"] == 2
    values, formulas, path = export(db, tmp_path, "2026-W47", weeks=1)
    cells = [c for row in formulas["Customers"].iter_rows() for c in row if c.value == evil]
    assert len(cells) == 2  # new customers and top customers
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells)
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("HYPERLINK" in x or "SUM(1+1)" in x for x in sheets)  # no <f> anywhere
    assert values["Customers"]["B3"].value == "@SUM(1+1)*cmd|' /C calc'!A0"


# -- the command line ------------------------------------------------------------------------


def test_cli_writes_the_chosen_week_and_prints_its_path(db_url, tmp_path):
    out = tmp_path / "sheet.xlsx"
    result = CliRunner().invoke(
        main,
        ["--db", db_url, "export", "weekly", "--week", "2026-W47", "--weeks", "4", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str(out)
    assert len(sheet_rows(openpyxl.load_workbook(out)["Weekly"])) == 4


def test_cli_refuses_a_bad_week_in_plain_words_and_writes_nothing(db_url, tmp_path):
    result = CliRunner(env={"SALESOPS_LANG": "en"}).invoke(
        main,
        ["--db", db_url, "export", "weekly", "--week", "2026-W60", "-o", str(tmp_path / "x.xlsx")],
    )
    assert result.exit_code == 1
    assert "'2026-W60' is not an ISO week" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "x.xlsx").exists()


def test_cli_default_path_is_the_last_complete_week(db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--db", db_url, "export", "weekly", "--weeks", "2"])
    assert result.exit_code == 0, result.output
    expected = f"exports/weekly-{last_complete_week()}.xlsx"
    assert result.output.strip().splitlines()[-1] == expected
    assert (tmp_path / expected).exists()


# -- a real spreadsheet program opens it ------------------------------------------------------


def test_libreoffice_opens_the_workbook_and_shows_the_cached_figures(demo_db, tmp_path):
    from conftest import libreoffice_convert, missing_service

    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        missing_service("LibreOffice (soffice) and poppler (pdftoppm) are needed")
    values, _, path = export(demo_db, tmp_path, "2026-W47")
    pdf = libreoffice_convert(path, "pdf", tmp_path, tmp_path)
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    revenue = values["Summary"]["B3"].value
    assert f"¥{revenue:,.2f}" in text  # the cached value, in the money format
    assert "销售额" in text and "Revenue" in text
    aov = values["Summary"]["D7"].value  # a formula cell: LibreOffice shows its cached value
    assert f"¥{aov:,.2f}" in text or f"-¥{-aov:,.2f}" in text
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(ARTIFACTS / "weekly-sheet-page1"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "weekly-sheet-page1.png").stat().st_size > 10_000
