"""The weekly sheet and page say how much of revenue has a known cost, so a gross margin
over half the lines reads as partial: checked against pandas, on both databases, on the
demo, and as LibreOffice shows the workbook."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from conftest import as_person
from test_weekly import counted_orders, raw_tables
from weeklysheet import export, sheet_rows

from salesops import orders
from salesops.weekly.workbook import COVERAGE_LABEL
from widgets.weekly_sheet import WeeklySheet

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)  # Wednesday of W48: W47 is complete


def order(db, customer, day, lines):
    """An order of (sku, quantity) lines on a day of November 2026, noon in Shanghai."""
    when = datetime(2026, 11, day, 12, 0, tzinfo=SHANGHAI)
    items = [{"sku": sku, "quantity": q} for sku, q in lines]
    return orders.create_order(db, customer["id"], items, ordered_at=when, status="paid")


def expected_share(db, week: str) -> Decimal | None:
    """Revenue on lines with a known cost / revenue, for `week`, from the raw tables."""
    counted = counted_orders(raw_tables(db))
    week_rows = counted[counted["week"] == week]
    revenue = sum(week_rows["revenue"], Decimal(0))
    return sum(week_rows["costed"], Decimal(0)) / revenue if revenue else None


def notes(values) -> dict:
    """The Notes sheet's note -> value."""
    return {r["note 说明"]: r["value 内容"] for r in sheet_rows(values["Notes"])}


def test_notes_and_page_give_the_share_of_revenue_with_a_known_cost(db, buyer, tmp_path, english):
    # W47: 2 x TEA-01 (cost known, 256.00) and 3 x GIFT-03 (no cost, 29.70); W46 all costed
    order(db, buyer, 17, [("TEA-01", 2), ("GIFT-03", 3)])
    order(db, buyer, 10, [("HONEY-02", 1)])
    share = expected_share(db, "2026-W47")
    assert share == Decimal("256.00") / Decimal("285.70")
    values, _, _ = export(db, tmp_path, "2026-W47", weeks=2)
    got = notes(values)
    assert got[COVERAGE_LABEL] == pytest.approx(float(share), rel=1e-12)
    text = got["gross margin covers 毛利率覆盖"]
    assert "Gross margin is partial" in text and "89.6%" in text
    assert "¥256.00 of ¥285.70" in text
    assert values["Summary"]["A17"].value == text  # under the figures as well
    page = WeeklySheet.for_page(as_person(db, "li.ming", "manager"), now=NOW)
    assert "Gross margin is partial: it covers 89.6% of revenue" in page.cost_share.value
    assert "¥256.00 of ¥285.70" in page.cost_share.value
    page.picker.value = "2026-W46"
    assert "covers all revenue" in page.cost_share.value
    page.picker.value = "2026-W45"  # no revenue: nothing to say
    assert page.cost_share.value == ""


def test_a_week_with_no_costed_line_says_there_is_no_margin(db, buyer, tmp_path, english):
    order(db, buyer, 17, [("GIFT-03", 1)])
    values, _, _ = export(db, tmp_path, "2026-W47", weeks=2)
    got = notes(values)
    assert got[COVERAGE_LABEL] == 0
    assert "no gross margin" in got["gross margin covers 毛利率覆盖"]
    assert values["Summary"]["B8"].value is None  # the margin itself is blank
    last = notes(export(db, tmp_path, "2026-W46", weeks=2)[0])
    assert last[COVERAGE_LABEL] is None and "No revenue" in last["gross margin covers 毛利率覆盖"]


def test_the_share_on_the_demo_data_matches_pandas(demo_db, tmp_path):
    values, _, _ = export(demo_db, tmp_path, "2026-W47")
    share = expected_share(demo_db, "2026-W47")
    assert Decimal("0.05") < share < Decimal("0.999")  # the demo has products without a cost
    assert notes(values)[COVERAGE_LABEL] == pytest.approx(float(share), rel=1e-12)
    assert f"{share:.1%}" in notes(values)["gross margin covers 毛利率覆盖"]


@pytest.mark.slow
def test_libreoffice_shows_the_share_on_the_notes_sheet(db, buyer, tmp_path):
    from conftest import libreoffice_convert, missing_service

    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        missing_service("LibreOffice (soffice) and poppler (pdftotext) are needed")
    order(db, buyer, 17, [("TEA-01", 2), ("GIFT-03", 3)])
    _, _, path = export(db, tmp_path, "2026-W47", weeks=2)
    pdf = libreoffice_convert(path, "pdf", tmp_path, tmp_path)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    assert "成本已知的销售额占比" in flat
    assert "89.6%" in flat  # the share cell, in its 0.0% format
    assert "Gross margin is partial" in flat
