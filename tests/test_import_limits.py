"""Import files are bounded: size, what an .xlsx unpacks to, rows, a cell's length, a CSV
header; every refusal is a short message quoting at most a few dozen characters, never a
traceback, and nothing is written."""

from __future__ import annotations

import csv
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner
from importfiles import ORDER_HEADERS_EN, ORDER_ROWS, write_csv

from salesops.cli import main
from salesops.errors import SalesopsError
from salesops.importer import import_orders, limits
from salesops.importer.preview import preview_file

pytestmark = pytest.mark.usefixtures("english")


def _xlsx_with_cell(path, text: str):
    """An orders workbook whose second row's name is `text` (put into the XML after
    openpyxl wrote it, as openpyxl cuts cells to Excel's 32,767 characters)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(ORDER_HEADERS_EN)
    row = list(ORDER_ROWS[0])
    row[3] = "NAME-HERE"
    ws.append(row)
    plain = path.with_suffix(".plain.xlsx")
    wb.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info).replace(b"NAME-HERE", text.encode("utf-8"))
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _refused(db, path, match: str) -> str:
    """Import and preview both refuse `path` with a short message; the message."""
    with pytest.raises(SalesopsError, match=match) as refused:
        import_orders(db, path)
    with pytest.raises(SalesopsError, match=match):
        preview_file(path, "orders")
    text = str(refused.value)
    assert len(text) < 300, text
    with db.read() as conn:
        assert conn.exec_driver_sql("select count(*) from orders").scalar() == 0
    return text


def test_a_small_workbook_with_a_huge_cell_is_refused_before_it_is_read(db, basics, tmp_path):
    path = _xlsx_with_cell(tmp_path / "bomb.xlsx", "草" * 3_000_000)  # a few KB zipped
    assert path.stat().st_size < 100_000
    text = _refused(db, path, "a cell holds 3,000,000 characters")
    assert text.count("草") <= limits.QUOTE


def test_a_long_cell_in_a_csv_names_its_row_and_column(db, basics, tmp_path):
    rows = [list(r) for r in ORDER_ROWS]
    rows[2][3] = "x" * (limits.MAX_CELL + 1)
    text = _refused(db, write_csv(tmp_path / "o.csv", ORDER_HEADERS_EN, rows), "row 4, column")
    assert "customer_name" in text and text.count("x") <= limits.QUOTE + 5
    rows[2][3] = "y" * 200_000  # beyond the csv module's own field limit
    text = _refused(db, write_csv(tmp_path / "p.csv", ORDER_HEADERS_EN, rows), "more than|holds")
    assert text.count("y") <= limits.QUOTE


def test_a_csv_whose_first_line_is_huge_is_no_header(db, basics, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("a" * 200_000 + "\n1\n", encoding="utf-8")
    _refused(db, path, "first line is longer than")
    path.write_text('"' + "b" * 200_000 + "\n", encoding="utf-8")  # an open quote
    _refused(db, path, "first line is longer than")


def test_files_rows_and_unpacked_size_have_limits(db, basics, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "o.csv", ORDER_HEADERS_EN, ORDER_ROWS)
    rows, size = limits.MAX_ROWS, limits.MAX_FILE_BYTES
    monkeypatch.setattr(limits, "MAX_ROWS", 2)
    _refused(db, path, "more than 2 rows; split it")
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    _refused(db, path, "at most 0 MB")
    monkeypatch.setattr(limits, "MAX_ROWS", rows)
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", size)
    book = _xlsx_with_cell(tmp_path / "b.xlsx", "ok")
    with zipfile.ZipFile(book) as zf:
        unpacked = sum(i.file_size for i in zf.infolist())
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", unpacked - 1)
    _refused(db, book, "unpacks to more than")


def test_a_too_long_value_is_quoted_short(db, basics, tmp_path):
    rows = [list(r) for r in ORDER_ROWS]
    rows[0][3] = "名" * 300  # within the file's limits, beyond a name's 100 characters
    report = import_orders(db, write_csv(tmp_path / "o.csv", ORDER_HEADERS_EN, rows))
    [line] = [ln for ln in report.lines() if "longer than" in ln]
    assert line.count("名") <= 2 * limits.QUOTE and "…" in line


def test_the_command_line_says_it_in_a_sentence(db_url, tmp_path):
    path = tmp_path / "wide.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([ORDER_HEADERS_EN, ["z" * 300_000]])
    result = CliRunner().invoke(main, ["--db", db_url, "import", "orders", str(path)])
    assert result.exit_code == 1 and "row 2" in result.output
    assert "Traceback" not in result.output and len(result.output) < 400
