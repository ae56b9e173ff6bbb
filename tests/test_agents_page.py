"""The Agents page's components without a browser: levels and prices, rules (a forbidden
one refused in plain words), statements (close, pay, download) and checks; a staff member
is refused; on both databases from an empty one."""

from __future__ import annotations

import base64
import html
import io
import re

import openpyxl
import pytest
from agentshop import build
from conftest import LI, WANG
from test_agent_statements import at, sell

from salesops.web.pagedata import PageData
from widgets.agents_app import AgentsApp, last_month


@pytest.fixture
def shop(db):
    return build(db)


def page(db, actor=LI) -> AgentsApp:
    return AgentsApp.for_page(PageData(db, actor=lambda: actor))


def test_levels_tab_sets_a_price_and_an_agents_level(db, shop, english):
    app = page(db)
    panel = app.levels_panel
    assert "一级代理" in panel.prices.value and "own price" in panel.prices.value
    panel.level.value, panel.product.value = "二级代理", "HONEY-02"
    assert panel.price.value == "61.65"  # the current price: 10 % off 68.50
    panel.price.value = "59"
    panel.save_price.click()
    assert panel.message.kind == "success", panel.message.value
    assert "¥59.00" in panel.prices.value
    panel.agent.value, panel.agent_level.value = "C000002", "一级代理"
    panel.save_level.click()
    assert panel.message.value == "C000002 代理乙 is now at 一级代理."
    panel.new_name.value, panel.new_discount.value = "三级代理", "150"
    panel.add.click()
    assert panel.message.kind == "error" and "percentage" in panel.message.value


def test_rules_tab_refuses_a_forbidden_rule_and_statements_close_and_pay(db, shop, english):
    sell(db, "甲客", "甲", at(10), qty=2, ids=shop)
    app = page(db)
    app.tabs.selected_index = 1
    app.rule_basis.value, app.rule_kind.value, app.rule_value.value = "own_sales", "rate", "10"
    app.rule_save.click()
    assert app.rules_message.kind == "success" and "10.00%" in app.rules_list.value
    app.rule_basis.options = [("x", "recruitment")]
    app.rule_save.click()
    assert app.rules_message.kind == "error" and "禁止传销条例" in app.rules_message.value
    app.month.value = "2026-10"
    app.tabs.selected_index = 2
    app.show.click()
    assert "C000001 代理甲" in app.statement_list.value and "¥25.60" in app.statement_list.value
    assert app.pay.disabled  # open months cannot be paid
    app.close.click()
    assert app.st_message.value == "2026-10 closed: 1 statements stored."
    # Nothing is chosen for the manager: no statement is marked paid unasked.
    assert app.pay_pick.value is None and app.pay_pick.index == 0 and app.pay.disabled
    app.pay.click()
    paid = re.compile(r"paid \d{4}-\d\d-\d\d")  # the state of a paid statement
    assert app.st_message.kind == "error" and not paid.search(app.statement_list.value)
    app.pay_pick.value = app.pay_pick.options[1][1]
    assert app.pay_pick.label.startswith("C000001 代理甲") and not app.pay.disabled
    app.pay.click()
    assert app.st_message.kind == "success" and paid.search(app.statement_list.value)
    assert app.pay_pick.value is None and app.pay_pick.index == 0  # nothing left to pay
    data = base64.b64decode(re.search(r"base64,([^\"]+)", app.download.value).group(1))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Summary", "C000001 代理甲", "Notes"]


def test_checks_tab_lists_flags_and_staff_are_refused(db, shop, english):
    from salesops import customers

    customers.create_customer(
        db, {"name": "丙", "mobile": "13700000009", "is_agent": True, "parent_agent_id": shop["乙"]}
    )
    app = page(db)
    app.tabs.selected_index = 3
    assert "tier 3: C000001 → C000002 → C000006" in app.check_list.value
    assert "not a legal finding" in app.check_list.value
    staff = page(db, WANG)
    staff.show.click()
    assert (
        staff.st_message.kind == "error" and "wang.fang (staff) may not" in staff.st_message.value
    )


def test_last_month_is_the_month_before():
    from datetime import date

    assert last_month(date(2026, 1, 5)) == "2025-12"
    assert last_month(date(2026, 12, 6)) == "2026-11"


def test_an_uploaded_price_table_is_checked_then_imported(db, shop, english):
    from datetime import UTC, datetime

    app = page(db)
    panel = app.levels_panel
    content = "商品编码,一级代理\nTEA-01,75\nNOPE,1\n".encode("gb18030")

    def upload(data: bytes) -> None:
        panel.file.value = (
            {
                "name": "价格表.csv",
                "type": "text/csv",
                "size": len(data),
                "content": memoryview(data),
                "last_modified": datetime.now(UTC),
            },
        )

    upload(content)
    assert "row 3, column 商品编码, value 'NOPE'" in html.unescape(panel.report.value)
    assert panel.import_.disabled
    upload("商品编码,一级代理\nTEA-01,75\n".encode("gb18030"))
    assert "Dry run" in panel.report.value and not panel.import_.disabled
    assert "¥80.00" in panel.prices.value
    panel.import_.click()
    assert "Imported: 1 prices changed." in panel.report.value and panel.import_.disabled
    assert "¥75.00" in panel.prices.value
