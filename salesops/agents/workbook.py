"""A month's agent statements as one Excel workbook: a Summary sheet, one sheet per agent
with their lines, and Notes; with the weekly sheet's finish (salesops.weekly.sheet: money
as ¥#,##0.00, CJK widths, frozen headers, texts never formulas: a name like `=HYPERLINK(..)`
stays text with Excel's quote prefix). Totals are formulas written with their values.
"""

from __future__ import annotations

import io
import re

import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell as cell

from .. import config
from ..weekly.columns import Workbook
from ..weekly.sheet import Sheet, formats, table
from .commission import LAW
from .statements import Statement, statements

KINDS = {"own": "own sale 自己销售", "override": "override 管理奖", "adjustment": "adjustment 调整"}
NOTES = [
    "A month is a calendar month in the business zone. An order counts when it was sold "
    "through the agent (seller of record), is paid, shipped or completed, and was ordered in "
    "the month. 代理作为销售方、已付款/已发货/已完成、下单时间在本月的订单计入。",
    "Commission is paid on an agent's own sales to end customers and, at most one level "
    "down, on the sales of agents they recruited directly (override). Nothing is paid for "
    "recruiting, entry fees, first stock purchases or sales two or more levels down. "
    "佣金只按代理本人对终端客户的销售，以及最多一层直接发展代理的销售计算。",
    f"Why: {LAW}.",
    "A closed month is stored and never recomputed; refunds or cancellations after it are "
    "adjustments in the next open month. 已结算月份不再变动；之后的退款在下一个月份作为调整。",
]
SHEET_NAME = re.compile(r"[\[\]:*?/\\']")


def statement_workbook(db, month: str) -> tuple[str, bytes]:
    """(file name, bytes) of `month`'s statements as an .xlsx workbook."""
    found = statements(db, month)
    buffer = io.BytesIO()
    book = Workbook(buffer, {"strings_to_formulas": False, "in_memory": True})
    book.set_properties({"title": f"Agent statements {month}", "author": "salesops"})
    f = formats(book)
    _summary(Sheet(book, f, "Summary"), found, month)
    used = {"Summary", "Notes"}
    for st in found:
        _agent(Sheet(book, f, _sheet_name(st, used)), st)
    _notes(Sheet(book, f, "Notes"), month, found)
    book.close()
    return f"agent-statements-{month}.xlsx", buffer.getvalue()


def _sheet_name(st: Statement, used: set[str]) -> str:
    """A sheet name from the agent's code and name: at most 31 characters, none of the
    characters Excel refuses, unique."""
    name = SHEET_NAME.sub("_", f"{st.code} {st.name}")[:31].strip()
    while name in used:
        name = name[:28] + f"~{len(used)}"
    used.add(name)
    return name


def _summary(sheet: Sheet, found: list[Statement], month: str) -> None:
    """One row per agent: sales, commission, adjustments, total, paid; a total row."""
    zone = config.business_zone()
    rows = pd.DataFrame(
        [
            {
                "code": st.code,
                "name": st.name,
                "sales": st.sales,
                "commission": st.commission,
                "adjustments": st.adjustments,
                "total": st.total,
                "state": "paid 已付"
                if st.paid_at
                else ("unpaid 未付" if st.closed else "open 未结算"),
                "paid": f"{st.paid_at.astimezone(zone):%Y-%m-%d %H:%M} {st.paid_by}"
                if st.paid_at
                else "",
            }
            for st in found
        ],
        columns=["code", "name", "sales", "commission", "adjustments", "total", "state", "paid"],
    )
    table(
        sheet,
        rows,
        [
            ("code", f"agent 代理编号 ({month})", "text"),
            ("name", "name 姓名", "text"),
            ("sales", "own sales 自己销售额", "money"),
            ("commission", "commission 佣金", "money"),
            ("adjustments", "adjustments 调整", "money"),
            ("total", "total 合计", "money"),
            ("state", "state 状态", "text"),
            ("paid", "paid 付款", "text"),
        ],
    )
    _totals(
        sheet,
        len(rows),
        {2: rows["sales"], 3: rows["commission"], 4: rows["adjustments"], 5: rows["total"]},
    )


def _totals(sheet: Sheet, n: int, columns: dict[int, pd.Series]) -> None:
    """A total row under `n` data rows: SUM formulas with their values."""
    t = n + 1
    sheet.ws.write_string(t, 0, "Total 合计", sheet.f["total"])
    for c, values in columns.items():
        formula = f"=SUM({cell(1, c)}:{cell(max(t - 1, 1), c)})"
        sheet.ws.write_formula(t, c, formula, sheet.f["total_money"], float(sum(values, 0)))


def _agent(sheet: Sheet, st: Statement) -> None:
    """One agent's lines: order, when, buyer, kind, sales, units, commission; a total."""
    lines = pd.DataFrame(
        st.lines,
        columns=["order_no", "ordered_at", "buyer_id", "kind", "sales", "quantity", "commission"],
    )
    lines["kind"] = lines["kind"].map(KINDS)
    table(
        sheet,
        lines,
        [
            ("order_no", "order 订单号", "text"),
            ("ordered_at", "ordered 下单时间", "datetime"),
            ("kind", "kind 类型", "text"),
            ("sales", "sales 销售额", "money"),
            ("quantity", "units 件数", "int"),
            ("commission", "commission 佣金", "money"),
        ],
    )
    _totals(sheet, len(lines), {3: lines["sales"], 5: lines["commission"]})
    sheet.ws.write_string(len(lines) + 3, 0, f"{st.code} {st.name}", sheet.f[None])


def _notes(sheet: Sheet, month: str, found: list[Statement]) -> None:
    """The month, whether it is closed, and the definitions."""
    closed = bool(found) and found[0].closed
    sheet.header(0, 0, ["note 说明", "value 内容"])
    sheet.text(1, 0, "month 月份")
    sheet.text(1, 1, f"{month} ({config.business_zone()})")
    sheet.text(2, 0, "state 状态")
    sheet.text(2, 1, "closed 已结算" if closed else "open: figures may still change 未结算")
    for r, text in enumerate(NOTES, start=4):
        sheet.text(r, 0, "definition 定义")
        sheet.ws.write_string(r, 1, text, sheet.f["wrap"])
    sheet.ws.set_column(1, 1, 90)
    sheet.finish()
