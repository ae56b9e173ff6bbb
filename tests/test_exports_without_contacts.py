"""Minimum exposure (PIPL): the files we hand out that need no contact details carry none.
The manager's weekly workbook and the agents' statement workbook, made from an empty
database whose customers have known mobiles, WeChat IDs and addresses (on their records,
in their address books and on their orders' ship-to), hold names and money but none of
those, and the agents' workbook is written owner-only."""

from __future__ import annotations

import io
import os
import stat
from datetime import UTC, datetime

import openpyxl
from agentshop import build
from click.testing import CliRunner
from conftest import LI, WANG

from salesops import address_book, customers, orders
from salesops.agents import commission
from salesops.agents.workbook import statement_workbook
from salesops.cli import main
from salesops.weekly.export import export_weekly
from salesops.weeks import parse_week

# What must never reach these files.
CONTACTS = [
    "13900000001",
    "13900000002",
    "13900000011",
    "13900000012",
    "13900000020",
    "13700001234",
    "jia_agent_wx",
    "sanke_wx",
    "文三路 90 号",
    "文三路90号",
    "世纪大道100号",
    "小雨妈妈",
]


def _shop(db) -> dict:
    """The agent network of tests/agentshop.py with WeChat IDs, an address book entry and
    orders in October 2026, one sent to a gift recipient."""
    ids = build(db)
    commission.set_rule(db, {"basis": "own_sales", "kind": "rate", "value": "10"}, actor=LI)
    for who, wechat in (("甲", "jia_agent_wx"), ("散客", "sanke_wx")):
        row = customers.get_customer(db, ids[who])
        customers.update_customer(db, ids[who], {"wechat_id": wechat}, row["version"])
    home = address_book.add_address(
        db, ids["甲客"], address_book.parse("甲的客户 13900000011 浙江省杭州市西湖区文三路 90 号")
    )
    when = datetime(2026, 10, 14, 4, tzinfo=UTC)
    tea = [{"product_id": ids["tea"], "quantity": 2}]
    orders.create_order(db, ids["甲客"], tea, agent=ids["甲"], ordered_at=when, status="paid",
                        ship_to=home["id"], actor=WANG)  # fmt: skip
    orders.create_order(
        db, ids["散客"], tea, ordered_at=when, status="paid", actor=WANG,
        ship_to=address_book.parse("小雨妈妈 13700001234 上海市浦东新区世纪大道100号")
        | {"save": False},
    )  # fmt: skip
    orders.create_order(db, ids["乙客"], tea, agent=ids["乙"], ordered_at=when, status="paid",
                        actor=WANG)  # fmt: skip
    return ids


def _cells(data) -> str:
    """Every cell of every sheet of an .xlsx (bytes or path), as one text."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    book = openpyxl.load_workbook(source)
    return "\n".join(
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


def test_the_weekly_workbook_holds_no_contact_details(db, tmp_path):
    _shop(db)
    path = export_weekly(db, parse_week("2026-W42"), 4, tmp_path / "weekly.xlsx")

    text = _cells(path)

    assert "朋友圈" in text and "256" in text  # the week's figures are there
    assert [v for v in CONTACTS if v in text] == []


def test_the_agents_workbook_holds_names_and_money_but_no_contact_details(db, db_url, tmp_path):
    _shop(db)
    name, data = statement_workbook(db, "2026-10")

    text = _cells(data)

    assert "代理甲" in text and "代理乙" in text  # who is paid: by name
    assert [v for v in CONTACTS if v in text] == []
    target = tmp_path / "agents.xlsx"
    out = CliRunner().invoke(main, ["--db", db_url, "agents", "export", "2026-10", "-o", target])
    assert out.exit_code == 0, out.output
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert [v for v in CONTACTS if v in _cells(target)] == []
