"""The month's statements as one Excel workbook (Summary, a sheet per agent, Notes), read
back by openpyxl and by LibreOffice; the commands for rules, statements, close, pay and
export; on both databases from an empty one."""

from __future__ import annotations

import openpyxl
import pytest
from agentshop import build
from click.testing import CliRunner
from conftest import LI
from test_agent_statements import at, sell

from salesops import customers
from salesops.agents import commission
from salesops.cli import main


def run(db_url, *args, ok=True):
    """Run `salesops --db URL args`; check the exit status."""
    result = CliRunner().invoke(main, ["--db", db_url, *args])
    assert (result.exit_code == 0) == ok, result.output
    return result.output


@pytest.fixture
def shop(db):
    """The network with 10 % on own sales and a 2 % override; an agent named like a formula."""
    ids = build(db)
    commission.set_rule(db, {"basis": "own_sales", "kind": "rate", "value": "10"}, actor=LI)
    commission.set_rule(db, {"basis": "downline_sales", "kind": "rate", "value": "2"}, actor=LI)
    row = customers.get_customer(db, ids["乙"])
    customers.update_customer(db, ids["乙"], {"name": "=HYPERLINK(1)"}, row["version"])
    sell(db, "甲客", "甲", at(10), qty=2, ids=ids)
    sell(db, "乙客", "乙", at(10, 12), qty=3, ids=ids)
    return ids


def test_the_commands_set_rules_list_close_pay_and_export(db, db_url, shop, tmp_path, english):
    out = run(db_url, "agents", "rule", "recruitment", "per_unit", "50", ok=False)
    assert "禁止传销条例" in out
    assert "#1\t(every level)\town_sales\t10.00%" in run(db_url, "agents", "rules")
    out = run(db_url, "agents", "statements", "2026-10")
    assert "C000001 代理甲\tsales ¥256.00\tcommission ¥33.28" in out and "open" in out
    assert "2026-10 closed: 2 statements" in run(db_url, "agents", "close", "2026-10")
    first = run(db_url, "agents", "statements", "2026-10").splitlines()[0]
    number = first.split("\t")[0].lstrip("#")
    assert "unpaid" in first
    assert "paid by" in run(db_url, "agents", "pay", number)
    assert "was paid by" in run(db_url, "agents", "pay", number, ok=False)
    target = tmp_path / "s.xlsx"
    assert f"wrote {target}" in run(db_url, "agents", "export", "2026-10", "-o", str(target))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Summary", "C000001 代理甲", "C000002 =HYPERLINK(1)", "Notes"]


def _check_book(book, libreoffice=False):
    """The cells of the October workbook, as openpyxl or LibreOffice reads them."""
    summary = book["Summary"]
    rows = [[c.value for c in r] for r in summary.iter_rows(min_row=2, max_row=3)]
    assert rows[0][:6] == ["C000001", "代理甲", 256, 33.28, 0, 33.28]
    assert rows[1][:2] == ["C000002", "=HYPERLINK(1)"]  # text, never a formula
    assert summary["C2"].number_format.startswith("[$¥-804]#,##0.00")
    total = summary["F4"].value
    assert total == 33.28 + 38.4 if libreoffice else str(total).startswith("=SUM(F2:F3)")
    jia = book["C000001 代理甲"]
    assert [c.value for c in jia[1]][:6] == [
        "order 订单号",
        "ordered 下单时间",
        "kind 类型",
        "sales 销售额",
        "units 件数",
        "commission 佣金",
    ]
    assert [jia.cell(3, c).value for c in (3, 4, 6)] == ["override 管理奖", 384, 7.68]


def test_the_workbook_has_a_summary_a_sheet_per_agent_and_its_finish(db, shop, tmp_path):
    from salesops.agents.workbook import statement_workbook

    name, data = statement_workbook(db, "2026-10")
    assert name == "agent-statements-2026-10.xlsx"
    path = tmp_path / name
    path.write_bytes(data)
    book = openpyxl.load_workbook(path)
    _check_book(book)
    assert book["Summary"]["B3"].quotePrefix


@pytest.mark.slow  # LibreOffice opens and saves the workbook
def test_libreoffice_reads_the_statements_workbook(db, shop, tmp_path):
    from conftest import libreoffice_convert

    from salesops.agents.workbook import statement_workbook

    name, data = statement_workbook(db, "2026-10")
    path = tmp_path / name
    path.write_bytes(data)
    saved = libreoffice_convert(path, "xlsx", tmp_path / "lo", tmp_path)
    _check_book(openpyxl.load_workbook(saved, data_only=True), libreoffice=True)
