"""The weekly workbook's big tables, written a column at a time: every cell comes back as
the DataFrame had it (value, type, number format, text that looks like a formula), in
openpyxl and in LibreOffice. No database: the figures are made up here."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from salesops.weekly import columns as engine
from salesops.weekly.figures import WeeklyFigures
from salesops.weekly.sheet import MONEY
from salesops.weekly.workbook import write_workbook
from salesops.weeks import parse_week

ZONE = "Asia/Shanghai"
# Texts a shop platform's export can carry: formula look-alikes (RISKY), Chinese, XML
# specials, white space at the ends, control characters, Excel's own escape syntax, emoji.
TRICKY = [
    '=HYPERLINK("http://example.com","x")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+86 138 0013 8000",
    "-5",
    "\tTab first",
    "\rCR first",
    "王小明",
    "云南古树普洱茶饼357g",
    "A&B <b>x</b> 'q' \"qq\"",
    "<r>rich</r>",
    "  padded  ",
    "line\nbreak",
    "bell\x07",
    "_x0041_ looks escaped",
    "🙂 emoji",
    "",
    None,
    float("nan"),
]
# (column, kind) of the new-customers table (Customers, from column A) and the first seven
# columns of the agent tree (Referrals & agents, from column H); the eighth is the flag.
NEW_CUSTOMERS = [
    ("code", "text"),
    ("name", "text"),
    ("channel", "text"),
    ("referrer", "text"),
    ("first_order_no", "text"),
    ("first_at", "datetime"),
    ("first_amount", "money"),
]
AGENTS = [
    ("code", "text"),
    ("name", "text"),
    ("parent_code", "text"),
    ("tier", "int"),
    ("recruits", "int"),
    ("orders", "int"),
    ("revenue", "money"),
]
FORMATS = {"text": "General", "int": "#,##0", "money": MONEY, "datetime": "yyyy-mm-dd hh:mm"}


def big_figures(agents: int = 2500, new: int = 800) -> WeeklyFigures:
    """Weekly figures with a big agent tree and many new customers full of TRICKY texts,
    blank money, missing times and a negative zero; the other tables are small."""
    n = len(TRICKY)
    money = [None, Decimal("0.00"), Decimal("-0.00"), Decimal("12.34"), Decimal("98765.43")]
    start = datetime(2026, 11, 15, 16, 0, tzinfo=UTC)  # Monday 00:00 of 2026-W47 in Shanghai
    customers = pd.DataFrame(
        {
            "code": [f"C{i:06d}" for i in range(new)],
            "name": [TRICKY[i % n] for i in range(new)],
            "channel": ["朋友圈", "微店", "社群"] * (new // 3) + ["朋友圈"] * (new % 3),
            "referrer_code": [f"C{i:06d}" if i % 4 == 0 else None for i in range(new)],
            "referrer": [TRICKY[(i + 3) % n] if i % 4 == 0 else None for i in range(new)],
            "first_order_no": [f"SO{i:08d}" for i in range(new)],
            "first_at": pd.to_datetime(
                [None if i % 50 == 7 else start + timedelta(seconds=613 * i) for i in range(new)],
                utc=True,
            ),
            "first_amount": [money[i % len(money)] for i in range(new)],
        }
    )
    tree = pd.DataFrame(
        {
            "code": [f"C{i:06d}" for i in range(agents)],
            "name": [TRICKY[(i * 7) % n] for i in range(agents)],
            "parent_code": [None if i == 0 else f"C{(i - 1) // 3:06d}" for i in range(agents)],
            "tier": [1 + i % 6 for i in range(agents)],
            "path": ["" for _ in range(agents)],
            "recruits": [(i * 13) % 9 for i in range(agents)],
            "orders": [(i * 7) % 5 for i in range(agents)],
            "revenue": [money[(i * 3) % len(money)] for i in range(agents)],
            "deep": [1 + i % 6 >= 3 for i in range(agents)],
        }
    )
    week = pd.DataFrame(
        {
            "week": ["2026-W46", "2026-W47"],
            "orders": [3, 4],
            "revenue": [Decimal("300.00"), Decimal("456.78")],
            "costed_revenue": [Decimal("120.00"), Decimal("0.00")],
            "customers": [2, 3],
            "new_customers": [1, 2],
            "repeat_customers": [1, 1],
            "gross_margin": [0.5, None],
        }
    )
    staff = pd.DataFrame(
        {
            "staff": ["li.lei"],
            "display_name": ["李雷"],
            "orders_entered": [4],
            "followups_done": [1],
            "followups_overdue": [0],
        }
    )
    return WeeklyFigures(
        week=parse_week("2026-W47"),
        series=week,
        count=2,
        channels=pd.DataFrame(
            {
                "name": ["朋友圈"],
                "orders": [4],
                "revenue": [Decimal("456.78")],
                "customers": [3],
                "new_customers": [2],
                "gross_margin": [0.25],
                "prev_revenue": [Decimal("300.00")],
            }
        ),
        products=pd.DataFrame(
            {
                "sku": ["TEA-01"],
                "name": ["普洱茶"],
                "category": ["食品"],
                "units": [4],
                "revenue": [Decimal("456.78")],
                "cost": [Decimal("100.00")],
                "gross_margin": [0.78],
                "buyers": [3],
                "repeat_buyers": [1],
            }
        ),
        new_customers=customers,
        top_customers=customers.head(20).assign(orders=1, revenue=Decimal("1.00")),
        referral_totals={
            "referred_revenue": Decimal("12.34"),
            "revenue": Decimal("456.78"),
            "referred_buyers": 1,
        },
        referrers=pd.DataFrame(
            {
                "code": ["C000000"],
                "name": ["王小明"],
                "referred": [2],
                "buyers": [1],
                "referred_revenue": [Decimal("12.34")],
            }
        ),
        agents=tree,
        communities=pd.DataFrame(
            {
                "name": ["宝妈群"],
                "owner": ["张三"],
                "channel": ["社群"],
                "members": [10],
                "bought_this_week": [2],
                "bought_ever": [5],
                "conversion": [0.5],
                "revenue": [Decimal("12.34")],
            }
        ),
        staff=staff,
        prev_staff=staff,
        database="sqlite:///made-up.db",
        zone=ZONE,
    )


def excel_form(text: str) -> str:
    """A text as openpyxl reads it back: it does not decode Excel's _xHHHH_ escapes of
    control characters."""
    return re.sub(r"[\x00-\x08\x0b-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", text)


def expected_cell(value, kind: str):
    """What a DataFrame cell of `kind` reads back as: text ('' when missing), int, float,
    a naive Shanghai wall-clock datetime, or None for a blank cell."""
    missing = value is None or (isinstance(value, float) and value != value) or value is pd.NaT
    if kind == "text":
        return "" if missing else str(value)
    if missing:
        return None
    if kind == "datetime":
        return pd.Timestamp(value).tz_convert(ZONE).tz_localize(None).to_pydatetime()
    return int(value) if kind == "int" else float(value)


def assert_table(ws, df, spec, first_col: int, *, libreoffice: bool = False):
    """Every row of `df` under the header of `ws` from column `first_col` (1-based), cell
    for cell: value, type, number format, quote prefix on formula-like text, and no
    formula. With `libreoffice` (a file LibreOffice saved after reading ours) the number
    formats and quote prefixes are its own, an empty text is a blank cell, and escaped
    control characters may come back decoded."""
    assert ws.cell(len(df) + 1, first_col).value is not None or len(df) == 0
    for i, row in enumerate(df[[name for name, _ in spec]].itertuples(index=False), start=2):
        for c, ((name, kind), value) in enumerate(zip(spec, row, strict=True), start=first_col):
            got, want = ws.cell(i, c), expected_cell(value, kind)
            where = f"{got.coordinate} ({name}={value!r})"
            assert got.data_type != "f", where
            if kind == "text" and libreoffice:
                assert got.value in ((want, excel_form(want)) if want else (None,)), where
                assert got.data_type == ("s" if want else "n"), where
                continue
            if kind == "text":
                assert (got.value, got.data_type) == (excel_form(want), "s"), where
                assert got.quotePrefix == want.startswith(engine.RISKY), where
            elif kind == "datetime" and want is not None:
                assert isinstance(got.value, datetime), where
                assert abs(got.value - want) < timedelta(milliseconds=1), where
            elif want is None:
                assert got.value is None, where
            else:  # openpyxl reads 12 as int and 12.5 as float, whatever the format
                assert got.value == want and isinstance(got.value, int | float), where
                assert kind == "money" or isinstance(got.value, int), where
            if not libreoffice:
                assert got.number_format == FORMATS[kind], where


def assert_big_tables(book, figures: WeeklyFigures, *, libreoffice: bool = False):
    """The new customers and the agent tree of `figures`, cell for cell, in `book`."""
    new = figures.new_customers.assign(
        referrer=[
            " ".join(p for p in (c, n) if isinstance(p, str))
            for c, n in zip(
                figures.new_customers["referrer_code"],
                figures.new_customers["referrer"],
                strict=True,
            )
        ]
    )
    assert_table(book["Customers"], new, NEW_CUSTOMERS, 1, libreoffice=libreoffice)
    agents = book["Referrals & agents"]
    assert_table(agents, figures.agents, AGENTS, 8, libreoffice=libreoffice)
    flags = [agents.cell(i, 15).value for i in range(2, len(figures.agents) + 2)]
    assert [bool(f) for f in flags] == list(figures.agents["deep"])
    assert agents.cell(len(figures.agents) + 2, 8).value is None  # nothing past the table


def test_big_tables_read_back_cell_for_cell_in_openpyxl(tmp_path):
    figures = big_figures()
    path = tmp_path / "big.xlsx"
    write_workbook(figures, path)
    book = openpyxl.load_workbook(path)
    assert_big_tables(book, figures)
    ws = book["Referrals & agents"]
    assert ws.freeze_panes == "A2"
    assert ws["H1"].value == "agent 代理编号" and ws["H1"].font.b
    assert ws.column_dimensions["I"].width >= 2 * len("云南古树普洱茶饼")  # CJK counts double
    assert book["Customers"].freeze_panes == "A2"
    with zipfile.ZipFile(path) as z:  # sheet5 is Customers, sheet6 Referrals & agents
        sheets = [z.read(f"xl/worksheets/sheet{i}.xml").decode() for i in (5, 6)]
    # No formula, and no text that starts like one inline in the sheet XML (those are
    # shared strings with the quote prefix); the same text inside a longer one may be.
    assert "<is><t>C000016 @SUM(1+1)" in sheets[0]
    assert not any(re.search(r"<f>|<t[^>]*>[=+\-@\t\r]", x) for x in sheets)


@pytest.mark.slow  # LibreOffice opens and saves the workbook
def test_libreoffice_reads_every_cell_of_the_big_tables(tmp_path):
    from conftest import libreoffice_convert

    figures = big_figures()
    path = tmp_path / "big.xlsx"
    write_workbook(figures, path)
    saved = libreoffice_convert(path, "xlsx", tmp_path / "saved-by-libreoffice", tmp_path)
    # LibreOffice read the file and wrote its own: the cells it saw are the cells we wrote.
    book = openpyxl.load_workbook(saved)
    assert_big_tables(book, figures, libreoffice=True)


def test_an_xlsxwriter_of_another_major_version_is_refused_in_plain_words(monkeypatch, tmp_path):
    monkeypatch.setattr(xlsxwriter, "__version__", "4.0.0")
    with pytest.raises(RuntimeError, match=r"needs xlsxwriter 3\.x .* installed is xlsxwriter 4"):
        write_workbook(big_figures(3, 3), tmp_path / "x.xlsx")


def test_the_private_xlsxwriter_methods_have_the_parameters_the_engine_was_written_for():
    changes = engine.private_api_changes()
    assert changes == (), (
        "xlsxwriter's private API changed; salesops.weekly.columns.ColumnWorksheet must be "
        "checked against it before the pin in pyproject.toml moves: " + "; ".join(changes)
    )
    book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    ws = book.add_worksheet(worksheet_class=engine.ColumnWorksheet)
    missing = [a for a in engine.XLSXWRITER_ATTRIBUTES if not hasattr(ws, a)]
    assert missing == [], f"xlsxwriter worksheets no longer have {missing}"


def test_a_private_method_with_other_parameters_is_refused_naming_it(monkeypatch, tmp_path):
    def _write_row(self, row, spans, info=None):
        """A stand-in taking other parameters than xlsxwriter 3.3.1's _write_row."""

    monkeypatch.setattr(xlsxwriter.worksheet.Worksheet, "_write_row", _write_row)
    engine.private_api_changes.cache_clear()
    try:
        with pytest.raises(
            RuntimeError, match=r"Worksheet\._write_row takes \(self, row, spans, info=None\), not"
        ):
            write_workbook(big_figures(3, 3), tmp_path / "x.xlsx")
    finally:
        engine.private_api_changes.cache_clear()


def test_a_cell_written_both_in_a_column_and_on_its_own_is_refused(tmp_path):
    book = xlsxwriter.Workbook(tmp_path / "x.xlsx")
    ws = book.add_worksheet(worksheet_class=engine.ColumnWorksheet)
    ws.write_number_column(1, 0, [1.0, 2.0, None], book.add_format())
    ws.write_string(2, 0, "again")
    with pytest.raises(ValueError, match="A3 is written twice"):
        book.close()


def test_the_fast_column_paths_render_each_cell_as_its_own_rendering_does():
    """A number column without blanks (formatted once per distinct value) and a text column
    of inline strings needing no xml:space (escaped all at once) give the same <c>
    elements as rendering each cell; texts with white space at an end take that path."""
    fmt = xlsxwriter.format.Format()
    fmt.xf_index = 3
    columns = [
        engine._Column(1, 0, [1.0, 0.0, 2.5, 1.0, 1e20, 1 / 3], fmt),
        engine._Column(1, 1, ["a", "A&B <b>", "王小明", "", "a", "x>y"], fmt, {}, fmt),
        engine._Column(1, 2, ["a", " lead", "b", "trail\n", "c", "d"], fmt, {}, fmt),
    ]
    streams = [c.stream(["2", "3", "4", "5", "6", "7"]) for c in columns]
    assert [len(s) for s in streams] == [5, 5, 4]  # the last one is rendered cell by cell
    for c, stream in zip(columns, streams, strict=True):
        got = [engine._Run._join(stream, i, i + 1) for i in range(6)]
        want = [f'<c r="{"ABC"[c.col]}{i + 2}"{end}' for i, end in enumerate(c.ends())]
        assert got == want


def test_the_workbook_parts_are_deflated_at_the_fast_level(tmp_path):
    path = tmp_path / "x.xlsx"
    write_workbook(big_figures(3, 3), path)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}
    assert engine.Workbook._store_workbook is not xlsxwriter.Workbook._store_workbook
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile  # nothing global was changed
