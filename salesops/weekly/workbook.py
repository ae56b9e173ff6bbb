"""The weekly workbook: its sheets (Summary, Weekly, Channels, Products, Customers,
Referrals & agents, Communities, Staff, Notes) written from a WeeklyFigures.

Derived cells (AOV, shares, changes, totals) are formulas written with their computed
value, because LibreOffice shows a formula without a cached value as 0 until
recalculated.
"""

from __future__ import annotations

from typing import IO

import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell as cell

from .. import config
from .columns import Workbook
from .figures import SUMMARY_ROWS, WeeklyFigures
from .sheet import Sheet, cell_value, formats, table

COVERAGE_LABEL = "revenue with a known cost 成本已知的销售额占比"
DEFINITIONS = [
    "A week is Monday 00:00 to Sunday 24:00 in the business zone (ISO weeks). "
    "一周为业务时区的周一 00:00 至周日 24:00（ISO 周）。",
    "An order counts when its order time falls in the week and its status is not cancelled "
    "or refunded. 订单时间在本周内且状态不是已取消或已退款的订单计入。",
    "revenue = sum of the order lines' amounts after discounts; shipping is not revenue. "
    "销售额 = 订单行折后金额之和（不含运费）。",
    "orders = number of counted orders; customers = distinct customers with a counted order.",
    "new_customers = customers whose first-ever counted order is in the week; "
    "repeat_customers = customers of the week who had a counted order before it "
    "(so new + repeat = customers). 新客户 = 首次有效订单在本周；老客户 = 本周之前已有有效订单。",
    "aov = revenue / orders (客单价). gross_margin = (revenue - cost) / revenue over lines "
    "whose cost is known, blank when none (毛利率). repeat-purchase rate = repeat_customers "
    "/ customers.",
    "Follow-ups done = done in the week; overdue = due before the week's end and not done "
    "by then. Orders entered = orders a staff member created in the week, any status.",
    "Channels: an order's channel; new customers per channel are the channel's buyers whose "
    "first-ever counted order is in the week. Products: repeat buyers bought the same "
    "product in a counted order before the week.",
    "Refunds issued = refunds (full and partial) by when they were issued, with their "
    "amount. Revenue is unchanged by them: an order counts in its own week at its line "
    "amounts; a partial refund does not lower it (a week already reported stays as "
    "reported) and shows under Refunds in the week it was issued; an order refunded in full "
    "leaves revenue (its status is refunded), as before. 退款 = 本周发出的退款（全额和部分）笔数"
    "与金额；部分退款不冲减销售额，计入发出退款的那一周。",
    "Communities: conversion = members who ever bought / members. Agents: tier 1 is "
    "recruited by the seller; tier 3 or deeper is flagged: multi-tier recruitment pay is "
    "illegal under the 2005 Regulations on the Prohibition of Pyramid Selling (禁止传销条例).",
]


def write_workbook(figures: WeeklyFigures, target: str | IO[bytes]) -> None:
    """Write every sheet of the weekly workbook to a path or binary file object."""
    book = Workbook(target, {"strings_to_formulas": False, "in_memory": True})
    book.set_properties({"title": f"Weekly sheet {figures.week}", "author": "salesops"})
    f = formats(book)
    _summary(Sheet(book, f, "Summary"), figures)
    _weekly(book, Sheet(book, f, "Weekly"), figures.weekly)
    _channels(book, Sheet(book, f, "Channels"), figures.channels)
    _products(Sheet(book, f, "Products"), figures.products)
    _customers(Sheet(book, f, "Customers"), figures)
    _referrals(Sheet(book, f, "Referrals & agents"), figures)
    table(
        Sheet(book, f, "Communities"),
        figures.communities,
        [
            ("name", "community 社群", "text"),
            ("owner", "owner 群主", "text"),
            ("channel", "channel 渠道", "text"),
            ("members", "members 成员", "int"),
            ("bought_this_week", "bought this week 本周购买", "int"),
            ("bought_ever", "ever bought 曾购买", "int"),
            ("conversion", "conversion 转化率", "rate"),
            ("revenue", "revenue this week 本周销售额", "money"),
        ],
    )
    _staff(Sheet(book, f, "Staff"), figures.staff)
    _notes(Sheet(book, f, "Notes"), figures)
    book.close()


def _summary(sheet: Sheet, figures: WeeklyFigures) -> None:
    """This week against last week with absolute and % change (formulas, cached)."""
    this, last = figures.week, figures.week.shift(-1)
    sheet.header(
        0,
        0,
        [
            "metric 指标",
            f"this week 本周 {this}",
            f"last week 上周 {last}",
            "change 变化",
            "change % 变化率",
        ],
    )
    for r, row in enumerate(figures.summary().itertuples(index=False), start=1):
        kind = {
            "revenue": "money",
            "refunded": "money",
            "aov": "money",
            "gross_margin": "rate",
            "repeat_rate": "rate",
        }.get(row.key, "int")
        a, b = cell_value(row.this_week), cell_value(row.last_week)
        sheet.text(r, 0, row.label)
        sheet.number(r, 1, a, kind)
        sheet.number(r, 2, b, kind)
        b_, c_ = cell(r, 1), cell(r, 2)
        both = a is not None and b is not None
        sheet.formula(r, 3, f'=IF(OR({b_}="",{c_}=""),"",{b_}-{c_})', a - b if both else None, kind)
        pct = (a - b) / b if both and b else None
        sheet.formula(r, 4, f'=IF(OR({b_}="",{c_}="",{c_}=0),"",({b_}-{c_})/{c_})', pct, "rate")
    # Footnotes are written past the width tracking so they do not widen column A.
    foot = len(SUMMARY_ROWS) + 2
    sheet.ws.write_string(
        foot, 0, f"{this}: {this.monday} – {this.sunday} ({figures.zone})", sheet.f[None]
    )
    sheet.ws.write_string(
        foot + 1, 0, "Definitions: see the Notes sheet. 指标定义见 Notes 工作表。", sheet.f[None]
    )
    sheet.ws.write_string(foot + 2, 0, coverage_text(figures.cost_coverage()), sheet.f[None])
    sheet.finish()


def coverage_text(cover: dict) -> str:
    """In both languages, how much of the week's revenue the gross margin covers."""
    share, revenue, costed = cover["share"], cover["revenue"], cover["costed_revenue"]
    if share is None:
        return "No revenue this week: no gross margin. 本周无销售额，无毛利率。"
    if share == 1:
        return (
            "Every line of the week has a known unit cost: the gross margin covers all revenue. "
            "本周所有订单行成本已知，毛利率覆盖全部销售额。"
        )
    if not costed:
        return (
            "No line of the week has a known unit cost: no gross margin. "
            "本周没有成本已知的订单行，无法计算毛利率。"
        )
    part = f"{share:.1%} (¥{costed:,.2f} of ¥{revenue:,.2f})"
    return (
        f"Gross margin is partial: it covers {part} of revenue, the lines with a known unit "
        f"cost. 毛利率不完整：只覆盖成本已知的订单行，占销售额 {share:.1%}"
        f"（¥{revenue:,.2f} 中的 ¥{costed:,.2f}）。"
    )


def _weekly(book, sheet: Sheet, weekly: pd.DataFrame) -> None:
    """One row per week with the exact headers README.md's "Weekly sheet" promises
    (week, orders, revenue, ...), and a revenue chart."""
    names = [
        "week",
        "orders",
        "revenue",
        "customers",
        "new_customers",
        "repeat_customers",
        "aov",
        "gross_margin",
    ]
    sheet.header(0, 0, names)
    for r, row in enumerate(weekly.itertuples(index=False), start=1):
        sheet.text(r, 0, row.week)
        sheet.number(r, 1, row.orders)
        sheet.number(r, 2, cell_value(row.revenue), "money")
        for c, name in enumerate(["customers", "new_customers", "repeat_customers"], start=3):
            sheet.number(r, c, getattr(row, name))
        orders, revenue = int(row.orders), cell_value(row.revenue)
        sheet.formula(
            r,
            6,
            f"=IF({cell(r, 1)}=0,0,{cell(r, 2)}/{cell(r, 1)})",
            revenue / orders if orders else 0,
            "money",
        )
        sheet.number(r, 7, cell_value(row.gross_margin), "rate")
    n = len(weekly)
    sheet.ws.autofilter(0, 0, n, len(names) - 1)
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "revenue 销售额",
            "categories": ["Weekly", 1, 0, n, 0],
            "values": ["Weekly", 1, 2, n, 2],
            "fill": {"color": "#4472C4"},
        }
    )
    line = book.add_chart({"type": "line"})
    line.add_series(
        {
            "name": "orders 订单数",
            "categories": ["Weekly", 1, 0, n, 0],
            "values": ["Weekly", 1, 1, n, 1],
            "y2_axis": True,
            "line": {"color": "#ED7D31", "width": 2},
        }
    )
    chart.combine(line)
    chart.set_title({"name": "Revenue by week 每周销售额"})
    chart.set_y_axis({"num_format": "#,##0"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 320})
    sheet.ws.insert_chart(1, len(names) + 1, chart)
    sheet.finish()


def _channels(book, sheet: Sheet, df: pd.DataFrame) -> None:
    """Per channel with share of revenue, change against last week, a total and a chart."""
    names = [
        "channel 渠道",
        "orders 订单数",
        "revenue 销售额",
        "share 占比",
        "customers 客户数",
        "new customers 新客户",
        "AOV 客单价",
        "gross margin 毛利率",
        "last week revenue 上周销售额",
        "change 变化",
        "change % 变化率",
    ]
    sheet.header(0, 0, names)
    n = len(df)
    total = float(sum(cell_value(v) or 0 for v in df["revenue"])) if n else 0.0
    rev_range = f"{cell(1, 2, True, True)}:{cell(max(n, 1), 2, True, True)}"
    for r, row in enumerate(df.itertuples(index=False), start=1):
        rev, prev = cell_value(row.revenue), cell_value(row.prev_revenue)
        sheet.text(r, 0, row.name)
        sheet.number(r, 1, row.orders)
        sheet.number(r, 2, rev, "money")
        sheet.formula(
            r,
            3,
            f"=IF(SUM({rev_range})=0,0,{cell(r, 2)}/SUM({rev_range}))",
            rev / total if total else 0,
            "rate",
        )
        sheet.number(r, 4, row.customers)
        sheet.number(r, 5, row.new_customers)
        sheet.formula(
            r,
            6,
            f"=IF({cell(r, 1)}=0,0,{cell(r, 2)}/{cell(r, 1)})",
            rev / row.orders if row.orders else 0,
            "money",
        )
        sheet.number(r, 7, cell_value(row.gross_margin), "rate")
        sheet.number(r, 8, prev, "money")
        sheet.formula(r, 9, f"={cell(r, 2)}-{cell(r, 8)}", rev - prev, "money")
        sheet.formula(
            r,
            10,
            f'=IF({cell(r, 8)}=0,"",({cell(r, 2)}-{cell(r, 8)})/{cell(r, 8)})',
            (rev - prev) / prev if prev else None,
            "rate",
        )
    t = n + 1
    sheet.ws.write_string(t, 0, "Total 合计", sheet.f["total"])
    for c, kind, name in [
        (1, "int", "orders"),
        (2, "money", "revenue"),
        (8, "money", "prev_revenue"),
    ]:
        col_sum = float(sum(cell_value(v) or 0 for v in df[name]))
        sheet.ws.write_formula(
            t, c, f"=SUM({cell(1, c)}:{cell(max(n, 1), c)})", sheet.f[f"total_{kind}"], col_sum
        )
    if n:
        chart = book.add_chart({"type": "pie"})
        chart.add_series(
            {
                "name": "Channel mix 渠道占比",
                "categories": ["Channels", 1, 0, n, 0],
                "values": ["Channels", 1, 2, n, 2],
                "data_labels": {"percentage": True},
            }
        )
        chart.set_title({"name": "Revenue by channel 渠道销售额占比"})
        chart.set_size({"width": 560, "height": 340})
        sheet.ws.insert_chart(t + 2, 0, chart)
    sheet.finish()


def _products(sheet: Sheet, df: pd.DataFrame) -> None:
    """Per product: units, revenue, cost, margin, buyers and repeat buyers."""
    table(
        sheet,
        df,
        [
            ("sku", "SKU", "text"),
            ("name", "product 商品", "text"),
            ("category", "category 品类", "text"),
            ("units", "units 件数", "int"),
            ("revenue", "revenue 销售额", "money"),
            ("cost", "cost 成本", "money"),
            ("gross_margin", "gross margin 毛利率", "rate"),
            ("buyers", "buyers 购买人数", "int"),
            ("repeat_buyers", "repeat buyers 复购人数", "int"),
        ],
    )


def _customers(sheet: Sheet, figures: WeeklyFigures) -> None:
    """New customers of the week (left) and the top customers by revenue (right)."""
    new = figures.new_customers.assign(
        referrer=[
            (c + " " + n if isinstance(n, str) else c)
            if isinstance(c, str)
            else (n if isinstance(n, str) else "")
            for c, n in zip(
                figures.new_customers["referrer_code"],
                figures.new_customers["referrer"],
                strict=True,
            )
        ]
    )
    table(
        sheet,
        new,
        [
            ("code", "new customer 新客户编号", "text"),
            ("name", "name 姓名", "text"),
            ("channel", "channel 来源渠道", "text"),
            ("referrer", "referrer 推荐人", "text"),
            ("first_order_no", "first order 首单号", "text"),
            ("first_at", "first order time 首单时间", "datetime"),
            ("first_amount", "first order amount 首单金额", "money"),
        ],
    )
    top = figures.top_customers.assign(rank=range(1, len(figures.top_customers) + 1))
    table(
        sheet,
        top,
        [
            ("rank", f"top {len(top)} 排名", "int"),
            ("code", "code 编号", "text"),
            ("name", "name 姓名", "text"),
            ("channel", "channel 渠道", "text"),
            ("orders", "orders 订单数", "int"),
            ("revenue", "revenue 销售额", "money"),
        ],
        start_col=8,
    )


def _referrals(sheet: Sheet, figures: WeeklyFigures) -> None:
    """Referral revenue and top referrers (left); the reseller tree with flags (right)."""
    totals = figures.referral_totals or {}
    everyone = pd.DataFrame(
        [
            {
                "code": "",
                "name": "All referred customers 全部转介绍客户",
                "referred": None,
                "buyers": totals.get("referred_buyers"),
                "referred_revenue": totals.get("referred_revenue"),
            }
        ]
    )
    rows = pd.concat([everyone, figures.referrers], ignore_index=True)
    week_revenue = cell_value(totals.get("revenue")) or 0
    rows["share"] = [
        (cell_value(v) or 0) / week_revenue if week_revenue else None
        for v in rows["referred_revenue"]
    ]
    table(
        sheet,
        rows,
        [
            ("code", "referrer 推荐人编号", "text"),
            ("name", "name 姓名", "text"),
            ("referred", "referred (ever) 推荐人数", "int"),
            ("buyers", "bought this week 本周购买", "int"),
            ("referred_revenue", "their revenue 推荐销售额", "money"),
            ("share", "share of revenue 占比", "rate"),
        ],
    )
    agents = figures.agents.assign(
        flag=[
            "tier ≥3: pyramid-selling risk 三级及以上：传销风险" if d else ""
            for d in figures.agents["deep"]
        ]
    )
    table(
        sheet,
        agents,
        [
            ("code", "agent 代理编号", "text"),
            ("name", "name 姓名", "text"),
            ("parent_code", "recruited by 上级", "text"),
            ("tier", "tier 层级", "int"),
            ("recruits", "recruits 直属下级", "int"),
            ("orders", "orders this week 本周订单", "int"),
            ("revenue", "sales this week 本周进货额", "money"),
            ("flag", "flag 风险", "text"),
        ],
        start_col=7,
    )
    last = len(agents)
    if last:
        sheet.ws.conditional_format(
            1,
            7,
            last,
            14,
            {"type": "formula", "criteria": f"=${cell(1, 10)[0]}2>=3", "format": sheet.f["flag"]},
        )
    _agent_checks(sheet, figures.agent_checks)


def _agent_checks(sheet: Sheet, checks: pd.DataFrame) -> None:
    """The agents' compliance flags (salesops.agents.checks) right of the tree: each with
    its evidence, the rule it approximates, and that it is a prompt to look."""
    if checks.empty:
        checks = pd.DataFrame(
            [{"code": "", "name": "no flags 无提示", "title": "", "evidence": "", "rule": ""}]
        )
    table(
        sheet,
        checks,
        [
            ("code", "agent 代理编号", "text"),
            ("name", "name 姓名", "text"),
            ("title", "check 检查 (a prompt to look, not a legal finding 仅提示核查)", "text"),
            ("evidence", "evidence 依据", "text"),
            ("rule", "rule it approximates 对应条款", "text"),
        ],
        start_col=16,
    )


def _staff(sheet: Sheet, df: pd.DataFrame) -> None:
    """Per staff member: orders entered, follow-ups done and overdue, with a total row."""
    table(
        sheet,
        df,
        [
            ("staff", "staff 员工", "text"),
            ("display_name", "name 姓名", "text"),
            ("orders_entered", "orders entered 录入订单", "int"),
            ("followups_done", "follow-ups done 完成跟进", "int"),
            ("followups_overdue", "follow-ups overdue 逾期跟进", "int"),
        ],
    )
    t = len(df) + 1
    sheet.ws.write_string(t, 0, "Total 合计", sheet.f["total"])
    for c, name in [(2, "orders_entered"), (3, "followups_done"), (4, "followups_overdue")]:
        sheet.ws.write_formula(
            t,
            c,
            f"=SUM({cell(1, c)}:{cell(max(t - 1, 1), c)})",
            sheet.f["total_int"],
            int(df[name].sum()),
        )


def _notes(sheet: Sheet, figures: WeeklyFigures) -> None:
    """The definitions, the database, the time zone and when the file was generated."""
    start, end = figures.week.bounds()
    generated = figures.generated_at.astimezone(config.business_zone())
    facts = [
        ("week 周", f"{figures.week}: {figures.week.monday} 00:00 – {figures.week.sunday} 24:00"),
        ("time zone 时区", f"{figures.zone} (UTC {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M})"),
        ("database 数据库", figures.database),
        ("generated 生成时间", f"{generated:%Y-%m-%d %H:%M:%S} {figures.zone}"),
        ("weeks on Weekly 周数", str(figures.count)),
    ]
    sheet.header(0, 0, ["note 说明", "value 内容"])
    for r, (k, v) in enumerate(facts, start=1):
        sheet.text(r, 0, k)
        sheet.text(r, 1, v)
    cover, r = figures.cost_coverage(), len(facts) + 1
    sheet.text(r, 0, COVERAGE_LABEL)
    sheet.number(r, 1, cell_value(cover["share"]), "rate")
    sheet.text(r + 1, 0, "gross margin covers 毛利率覆盖")
    sheet.ws.write_string(r + 1, 1, coverage_text(cover), sheet.f["wrap"])
    for r, text in enumerate(DEFINITIONS, start=len(facts) + 4):
        sheet.text(r, 0, "definition 定义")
        sheet.ws.write_string(r, 1, text, sheet.f["wrap"])
    sheet.finish()
    sheet.ws.set_column(1, 1, 100)
