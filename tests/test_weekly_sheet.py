"""The weekly sheet page: the widget without a browser, then the page in Chromium."""

from __future__ import annotations

import base64
import io
import os
import re
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from salesops import customers, orders
from salesops.actors import Actor
from salesops.errors import PermissionDenied
from salesops.web.pagedata import PageData
from salesops.weeks import Week, parse_week
from widgets.weekly_sheet import WeeklySheet, week_options

MANAGER = Actor("li.ming", "manager")
STAFF = Actor("wang.fang", "staff")
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # a Wednesday: the last complete week is W47


def fake_figures(week: str, weeks: int):
    """Figures shaped like salesops.weekly.figures.WeeklyFigures, with made-up numbers."""
    w = parse_week(week)
    labels = [str(w.shift(i - weeks + 1)) for i in range(weeks)]
    summary = pd.DataFrame(
        [
            ("orders", "Orders 订单数", 12, 10),
            ("revenue", "Revenue 销售额", Decimal("1234.5"), Decimal("1000")),
            ("gross_margin", "Gross margin 毛利率", 0.4321, None),
        ],
        columns=["key", "label", "this_week", "last_week"],
    )
    cover = {"revenue": Decimal("1234.5"), "costed_revenue": Decimal("987.6")}
    return SimpleNamespace(
        week=w,
        summary=lambda: summary,
        cost_coverage=lambda: {**cover, "share": cover["costed_revenue"] / cover["revenue"]},
        weekly=pd.DataFrame({"week": labels, "revenue": range(weeks)}),
    )


def make(actor=MANAGER, figures=fake_figures, calls=None):
    """A WeeklySheet on fake data functions; `calls` collects what was asked."""
    calls = [] if calls is None else calls

    def recorded(week, weeks):
        calls.append((week, weeks))
        return figures(week, weeks)

    return WeeklySheet(
        recorded,
        lambda f: (f"weekly-{f.week}.xlsx", f"xlsx {f.week}".encode()),
        lambda: actor,
        now=NOW,
    ), calls


def href_bytes(sheet) -> tuple[str, bytes]:
    """The download anchor's file name and the bytes its data: URI holds."""
    value = sheet.download.value
    name = re.search(r'download="([^"]+)"', value)[1]
    payload = re.search(r"base64,([A-Za-z0-9+/=]+)", value)[1]
    return name, base64.b64decode(payload)


def test_opens_on_the_last_complete_week_with_numbers_chart_and_download():
    sheet, calls = make()
    assert calls == [("2026-W47", 12)] and sheet.week == "2026-W47"
    assert href_bytes(sheet) == ("weekly-2026-W47.xlsx", b"xlsx 2026-W47")
    shown = {c._dom_classes[0]: c.value for c in sheet.numbers.children}
    assert "¥1,234.50" in shown["so-weekly-number-revenue"]
    assert "43.2%" in shown["so-weekly-number-gross_margin"]
    assert "¥1,000.00" in shown["so-weekly-number-revenue"]  # last week underneath
    assert sheet.chart.value.count("<rect") == 12 and "2026-W47" in sheet.chart.value
    assert sheet.message.kind == "success"


def test_picking_a_week_refreshes_everything_for_that_week():
    sheet, calls = make()
    sheet.picker.value = "2026-W40"
    assert calls[-1] == ("2026-W40", 12) and sheet.week == "2026-W40"
    assert href_bytes(sheet)[0] == "weekly-2026-W40.xlsx"
    sheet.weeks.value = 4
    assert calls[-1] == ("2026-W40", 4) and sheet.chart.value.count("<rect") == 4
    assert sheet.picker.options[1] == ("2026-W47 (11-16 – 11-22)", "2026-W47")
    assert sheet.picker.options[0][1] == "2026-W48"  # the week in progress, to look at today


def test_the_week_in_progress_can_be_picked(monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    sheet, calls = make()
    assert sheet.picker.value == "2026-W47"  # the last complete week by default
    assert sheet.picker.options[0] == ("2026-W48 (this week so far)", "2026-W48")
    sheet.picker.value = "2026-W48"
    assert calls[-1] == ("2026-W48", 12)


def test_a_staff_actor_is_refused_in_plain_words_before_any_figure_is_read(monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    sheet, calls = make(actor=STAFF)
    assert calls == []
    assert sheet.message.kind == "error"
    assert "This page is for managers" in sheet.message.value
    assert "wang.fang" in sheet.message.value and "Traceback" not in sheet.message.value
    assert not hasattr(sheet, "download")


def test_a_failing_data_function_shows_a_message_and_offers_no_stale_file(caplog):
    def broken(week, weeks):
        if week != "2026-W47":
            raise RuntimeError("database went away")
        return fake_figures(week, weeks)

    sheet, _ = make(figures=broken)
    sheet.picker.value = "2026-W46"
    assert sheet.message.kind == "error" and "database went away" not in sheet.message.value
    assert sheet.download.value == ""


def test_page_data_refuses_staff_and_hands_managers_the_exported_file(db, basics, tmp_path):
    buyer = customers.create_customer(db, {"name": "王小明", "channel_id": basics["micro_store"]})
    orders.create_order(
        db,
        buyer["id"],
        [{"sku": "TEA-01", "quantity": 2}],
        ordered_at=datetime(2026, 11, 17, 4, 0, tzinfo=UTC),
        status="paid",
    )
    with pytest.raises(PermissionDenied):
        PageData(db, actor=lambda: STAFF).weekly_figures("2026-W47")
    data = PageData(db, actor=lambda: MANAGER)
    sheet = WeeklySheet.for_page(data, now=NOW)
    name, blob = href_bytes(sheet)
    assert name == "weekly-2026-W47.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(blob), data_only=True)
    last = list(book["Weekly"].iter_rows(values_only=True))[-1]
    assert last[:3] == ("2026-W47", 1, 256.0)
    assert Week(2026, 47) == data.weekly_figures("2026-W47").week


# -- in a real browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manager_server(tmp_path_factory):
    """A live server whose page kernels act for a manager, over demo data."""
    from browser import LiveServer, apps_copy

    root = tmp_path_factory.mktemp("weekly-serve")
    old = os.environ.get("SALESOPS_ROLE")
    os.environ["SALESOPS_ROLE"] = "manager"
    try:
        server = LiveServer(
            root, apps_copy(root), init_args=("demo", "--customers", "300", "--orders", "3000")
        ).start()
    finally:
        if old is None:
            os.environ.pop("SALESOPS_ROLE")
        else:
            os.environ["SALESOPS_ROLE"] = old
    yield server
    server.stop()


@pytest.mark.browser
def test_the_page_downloads_the_workbook_of_the_picked_week(context, manager_server, tmp_path):
    from browser import close_page, goto, screenshot

    page = context.new_page()
    goto(page, manager_server.url("weekly_sheet.ipynb"), ".so-weekly-download-link")
    wanted = dict((v, k) for k, v in week_options(Week(2026, 47)))["2026-W46"]
    page.locator(".so-weekly-week select").select_option(label=wanted)
    link = page.locator(".so-weekly-download-link", has_text="2026-W46")
    link.wait_for(state="visible")
    screenshot(page, "weekly-sheet-page")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "weekly-2026-W46.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = openpyxl.load_workbook(path, data_only=True)
    assert list(book["Weekly"].iter_rows(values_only=True))[-1][0] == "2026-W46"
    assert "2026-W46" in book["Summary"]["B1"].value
    assert "Traceback" not in page.content()
    close_page(page)
