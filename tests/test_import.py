"""Importing orders and customers from CSV and Excel: on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from importfiles import (
    ORDER_HEADERS_EN,
    ORDER_HEADERS_ZH,
    ORDER_ROWS,
    count,
    snapshot,
    write_csv,
    write_xlsx,
)

from salesops.actors import Actor
from salesops.cli import main
from salesops.errors import PermissionDenied
from salesops.files import formula_safe
from salesops.importer import ImportFileError, import_customers, import_orders
from salesops.schema import audit_log, channels, customers, order_lines, orders, products


def _orders(db) -> dict[str, dict]:
    with db.read() as conn:
        rows = conn.execute(
            sa.select(orders, customers.c.code, customers.c.mobile, channels.c.name.label("ch"))
            .join(customers, customers.c.id == orders.c.customer_id)
            .join(channels, channels.c.id == orders.c.channel_id)
        ).mappings()
        return {r["order_no"]: dict(r) for r in rows}


def _lines(db, order_no) -> list[tuple]:
    with db.read() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.select(
                    order_lines.c.sku,
                    order_lines.c.quantity,
                    order_lines.c.unit_price,
                    order_lines.c.discount,
                    order_lines.c.amount,
                )
                .join(orders, orders.c.id == order_lines.c.order_id)
                .where(orders.c.order_no == order_no)
                .order_by(order_lines.c.line_no)
            )
        ]


def test_orders_file_with_chinese_headers_creates_orders_customers_products_channels(
    db, basics, tmp_path
):
    path = write_csv(tmp_path / "orders.csv", ORDER_HEADERS_ZH, ORDER_ROWS)
    report = import_orders(db, path, actor=Actor("importer", "manager"))
    assert report.problems == [] and report.written
    got = _orders(db)
    assert set(got) == {"A001", "A002", "A003"}
    # Shanghai 14:30 is 06:30 UTC; a date alone is midnight in the business zone.
    assert got["A001"]["ordered_at"] == datetime(2024, 3, 5, 6, 30, tzinfo=UTC)
    assert got["A002"]["ordered_at"] == datetime(2024, 3, 5, 16, 0, tzinfo=UTC)
    assert got["A001"]["total"] == Decimal("265.90") and got["A001"]["status"] == "completed"
    assert got["A002"]["status"] == "completed"  # blank status means completed
    assert got["A003"]["status"] == "paid" and got["A003"]["total"] == Decimal("0.00")
    # A003 names only a WeChat ID, matched case-insensitively to A001's new customer.
    assert got["A003"]["customer_id"] == got["A001"]["customer_id"]
    assert got["A002"]["code"] == "007"  # leading zeros kept
    assert got["A001"]["mobile"] == "13800138000"
    assert got["A003"]["ch"] == "抖音小店" and got["A001"]["ch"] == "微店"
    assert _lines(db, "A002") == [
        ("HONEY-02", 3, Decimal("68.50"), Decimal("0.00"), Decimal("205.50"))
    ]
    assert report.created["products"] == ["NEW-SKU"]
    assert sorted(report.created["channels"]) == ["offline", "抖音小店"]
    assert report.counts["customers_created"] == 2
    with db.read() as conn:
        actions = conn.execute(sa.select(audit_log.c.table_name, audit_log.c.actor)).all()
    tables = [t for t, _ in actions]
    assert tables.count("orders") == 3 and tables.count("customers") == 2
    assert tables.count("products") == 1 and tables.count("imports") == 1
    assert {a for _, a in actions} == {"importer"}


def _content(db):
    """What an import produced, independent of ids and timestamps."""
    return sorted(
        (
            o["order_no"],
            o["code"],
            o["mobile"],
            o["ordered_at"],
            o["total"],
            o["status"],
            o["ch"],
            tuple(_lines(db, o["order_no"])),
        )
        for o in _orders(db).values()
    )


@pytest.mark.parametrize("kind", ["utf-8", "utf-8-sig", "gb18030", "xlsx"])
def test_every_file_kind_and_encoding_gives_the_same_orders(db, basics, tmp_path, kind):
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "orders.xlsx", ORDER_HEADERS_ZH, ORDER_ROWS)
    else:
        path = write_csv(tmp_path / "orders.csv", ORDER_HEADERS_ZH, ORDER_ROWS, kind)
    report = import_orders(db, path)
    assert report.problems == [], report.lines()
    assert report.encoding == ("xlsx" if kind == "xlsx" else kind)
    assert len(_content(db)) == 3
    assert _content(db)[0][:3] == ("A001", "C000001", "13800138000")


def test_xlsx_typed_cells_numbers_and_datetimes_are_read(db, basics, tmp_path):
    rows = [
        [
            "B1",
            datetime(2024, 5, 1, 10, 0),
            None,
            "王芳",
            13700137000,
            None,
            None,
            "TEA-01",
            None,
            2,
            128,
            256.0,
            None,
        ]
    ]
    path = write_xlsx(tmp_path / "typed.xlsx", ORDER_HEADERS_EN, rows)
    report = import_orders(db, path)
    assert report.problems == [], report.lines()
    got = _orders(db)["B1"]
    assert got["mobile"] == "13700137000"
    assert got["ordered_at"] == datetime(2024, 5, 1, 2, 0, tzinfo=UTC)
    assert got["total"] == Decimal("256.00")


def test_reimporting_the_same_file_creates_nothing_and_says_so(db, basics, tmp_path):
    path = write_csv(tmp_path / "orders.csv", ORDER_HEADERS_ZH, ORDER_ROWS)
    import_orders(db, path)
    before = snapshot(db)
    again = import_orders(db, path)
    assert again.problems == [] and not again.written
    assert again.counts["orders_present"] == 3 and again.counts["orders_created"] == 0
    assert snapshot(db) == before
    assert any("nothing new" in line or "没有新内容" in line for line in again.lines())


def test_an_existing_order_no_with_different_content_is_reported_not_merged(db, basics, tmp_path):
    import_orders(db, write_csv(tmp_path / "a.csv", ORDER_HEADERS_ZH, ORDER_ROWS))
    before = snapshot(db)
    changed = [r[:] for r in ORDER_ROWS]
    changed[2][11] = "999.00"  # A002's amount
    changed[2][10] = ""
    report = import_orders(
        db,
        write_csv(tmp_path / "b.csv", ORDER_HEADERS_ZH, changed),
    )
    assert [(p.row, p.column, p.value) for p in report.problems] == [(4, "订单号", "A002")]
    assert "A002" in report.problems[0].reason
    assert snapshot(db) == before


BAD_CELLS = [
    # (column index, bad value, header, reason fragment in English)
    (1, "next tuesday", "ordered_at", "is not a date"),
    (1, "2024-02-30", "ordered_at", "is not a date"),
    (9, "-1", "quantity", "is not a quantity"),
    (9, "two", "quantity", "is not a quantity"),
    (9, "0", "quantity", "is not a quantity"),
    (11, "-5.00", "amount", "is not an amount"),
    (11, "abc", "amount", "is not an amount"),
    (10, "1.234", "unit_price", "is not an amount"),
    (4, "1380013800", "mobile", "is not a mobile number"),
    (7, "", "sku", "required"),
    (0, "", "order_no", "required"),
    (11, "300.00", "amount", "is not quantity x unit price"),
    (3, "张" * 101, "customer_name", "longer than 100"),
    (8, "茶\x07叶", "product_name", "control characters"),
    (7, "X" * 65, "sku", "longer than 64"),
]


@pytest.mark.parametrize(
    "column,value,header,reason", BAD_CELLS, ids=[f"{c[2]}-{c[1][:12]!r}" for c in BAD_CELLS]
)
def test_each_bad_cell_is_reported_with_row_column_value_and_reason(
    db, basics, tmp_path, monkeypatch, column, value, header, reason
):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    rows = [r[:] for r in ORDER_ROWS]
    rows[0][column] = value
    before = snapshot(db)
    report = import_orders(db, write_csv(tmp_path / "bad.csv", ORDER_HEADERS_EN, rows))
    problems = [(p.row, p.column, p.value) for p in report.problems]
    assert problems == [(2, header, value)], report.lines()
    assert reason in report.problems[0].reason
    assert str(report.problems[0]).startswith(f"row 2, column {header}, value ")
    assert not report.written and not report.ok
    assert snapshot(db) == before


def test_reasons_are_in_chinese_by_default(db, basics, tmp_path, monkeypatch):
    monkeypatch.delenv("SALESOPS_LANG", raising=False)
    rows = [r[:] for r in ORDER_ROWS]
    rows[0][9] = "两个"
    report = import_orders(db, write_csv(tmp_path / "bad.csv", ORDER_HEADERS_ZH, rows))
    assert str(report.problems[0]).startswith("第 2 行，数量 列，值 '两个'：")
    assert "不是有效数量" in report.problems[0].reason


def test_an_order_no_with_conflicting_customer_or_date_is_reported(
    db, basics, tmp_path, monkeypatch
):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    rows = [r[:] for r in ORDER_ROWS]
    rows[1][1] = "2024-03-06 14:30"  # A001's second line on another day
    rows[1][4] = "13900139000"  # and another customer's mobile
    report = import_orders(db, write_csv(tmp_path / "c.csv", ORDER_HEADERS_EN, rows))
    assert [(p.row, p.column) for p in report.problems] == [(3, "ordered_at"), (3, "mobile")]
    assert "different ordered_at than row 2" in report.problems[0].reason
    assert count(db, "orders") == 0


def test_missing_identity_and_missing_amount_are_reported(db, basics, tmp_path, monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    rows = [r[:] for r in ORDER_ROWS]
    rows[2][2] = rows[2][4] = ""  # A002: no ref, no mobile, no WeChat
    rows[3][10] = rows[3][11] = ""  # A003: neither unit price nor amount
    report = import_orders(db, write_csv(tmp_path / "m.csv", ORDER_HEADERS_EN, rows))
    assert [(p.row, p.column) for p in report.problems] == [
        (4, "customer_ref / mobile / wechat_id"),
        (5, "amount"),
    ]
    assert all("required" in p.reason for p in report.problems)


def test_a_file_without_a_required_column_is_refused_naming_it(db, tmp_path, monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    headers = [h for h in ORDER_HEADERS_EN if h != "sku"]
    rows = [r[:7] + r[8:] for r in ORDER_ROWS]
    with pytest.raises(ImportFileError, match="no sku column"):
        import_orders(db, write_csv(tmp_path / "x.csv", headers, rows))


def test_skip_invalid_writes_the_good_orders_and_a_rejected_file(db, basics, tmp_path, monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    rows = [r[:] for r in ORDER_ROWS]
    rows[1][9] = "-2"  # second line of A001 is bad: all of A001 is left out
    path = write_csv(tmp_path / "orders.csv", ORDER_HEADERS_EN, rows)
    report = import_orders(db, path, skip_invalid=True)
    assert report.ok and report.written
    assert set(_orders(db)) == {"A002", "A003"}
    rejected = tmp_path / "orders.csv.rejected.csv"
    assert report.rejected_path == rejected and report.rejected_rows == 2
    with open(rejected, encoding="utf-8-sig", newline="") as f:
        got = list(csv.reader(f))
    assert got[0] == ["row", *ORDER_HEADERS_EN, "reason"]
    assert [r[0] for r in got[1:]] == ["2", "3"]
    # cells a spreadsheet would run as formulas (+86 ...) keep a leading ' (salesops.files)
    assert got[1][1:-1] == [formula_safe(c) for c in rows[0]]
    assert "another row of order A001" in got[1][-1]
    assert "is not a quantity" in got[2][-1]
    # A003's customer is the same WeChat ID as rejected A001's: still created, once.
    assert count(db, "customers") == 2


def test_dry_run_reports_what_would_be_created_and_writes_nothing(db, basics, tmp_path):
    before = snapshot(db)
    path = write_csv(tmp_path / "orders.csv", ORDER_HEADERS_ZH, ORDER_ROWS)
    report = import_orders(db, path, dry_run=True, actor=Actor("amy", "staff"))
    assert report.counts["orders_created"] == 3 and report.created["products"] == ["NEW-SKU"]
    assert not report.written and snapshot(db) == before


def test_staff_may_only_dry_run(db, basics, tmp_path):
    path = write_csv(tmp_path / "orders.csv", ORDER_HEADERS_ZH, ORDER_ROWS)
    with pytest.raises(PermissionDenied):
        import_orders(db, path, actor=Actor("amy", "staff"))
    assert count(db, "orders") == 0


def test_strict_refuses_unknown_products_and_channels(db, basics, tmp_path, monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    report = import_orders(
        db, write_csv(tmp_path / "o.csv", ORDER_HEADERS_EN, ORDER_ROWS), strict=True
    )
    assert {(p.row, p.column, p.value) for p in report.problems} == {
        (4, "channel", "offline"),
        (5, "channel", "抖音小店"),
        (5, "sku", "NEW-SKU"),
    }
    assert all("--strict" in p.reason for p in report.problems)
    assert count(db, "orders") == 0 and count(db, "products") == 3


def test_a_mapping_file_renames_other_headers(db, basics, tmp_path):
    headers = [
        "单号",
        "时间",
        "编号",
        "买家",
        "买家手机",
        "微信",
        "店铺",
        "编码",
        "名称",
        "件数",
        "价格",
        "实付",
        "交易状态",
    ]
    path = write_csv(tmp_path / "shop.csv", headers, ORDER_ROWS)
    mapping = tmp_path / "map.yml"
    mapping.write_text(
        "columns:\n  单号: order_no\n  时间: ordered_at\n  编号: customer_ref\n"
        "  买家: customer_name\n  买家手机: mobile\n  店铺: channel\n"
        "  编码: sku\n  名称: product_name\n  件数: quantity\n"
        "  价格: unit_price\n  实付: amount\n  交易状态: status\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["--db", db.url, "import", "orders", str(path), "--map", str(mapping)]
    )
    assert result.exit_code == 0, result.output
    assert set(_orders(db)) == {"A001", "A002", "A003"}


def test_cli_exits_non_zero_and_lists_every_problem(db, basics, tmp_path):
    rows = [r[:] for r in ORDER_ROWS]
    rows[0][9], rows[2][1] = "x", "yesterday"
    path = write_csv(tmp_path / "o.csv", ORDER_HEADERS_EN, rows)
    result = CliRunner(env={"SALESOPS_LANG": "en"}).invoke(
        main, ["--db", db.url, "import", "orders", str(path)]
    )
    assert result.exit_code == 1
    assert "row 2, column quantity, value 'x'" in result.output
    assert "row 4, column ordered_at, value 'yesterday'" in result.output
    assert "nothing was written" in result.output
    assert count(db, "orders") == 0


def test_customers_match_by_ref_then_mobile_then_wechat(db, basics, tmp_path):
    from salesops.customers import create_customer

    a = create_customer(db, {"name": "甲", "code": "K1", "mobile": "13800000001"})
    b = create_customer(db, {"name": "乙", "mobile": "13800000002", "wechat_id": "YiYi"})
    c = create_customer(db, {"name": "丙", "wechat_id": "bing_3"})
    rows = [
        # ref wins over a mobile that belongs to someone else
        ["R1", "2024-01-01", "K1", "", "13800000002", "", "", "TEA-01", "", "1", "128", "", ""],
        ["R2", "2024-01-01", "", "", "+86 138 0000 0002", "", "", "TEA-01", "", "1", "128", "", ""],
        ["R3", "2024-01-01", "", "", "", "BING_3", "", "TEA-01", "", "1", "128", "", ""],
    ]
    report = import_orders(db, write_csv(tmp_path / "m.csv", ORDER_HEADERS_EN, rows))
    assert report.problems == [] and report.counts["customers_created"] == 0
    got = _orders(db)
    assert [got[n]["customer_id"] for n in ("R1", "R2", "R3")] == [a["id"], b["id"], c["id"]]


CUSTOMER_HEADERS = [
    "客户编号",
    "姓名",
    "手机",
    "微信号",
    "地区",
    "渠道",
    "推荐人编号",
    "标签",
    "备注",
]


def test_customers_file_creates_updates_and_links_referrers(db, basics, tmp_path):
    from salesops.customers import create_customer

    old = create_customer(db, {"name": "老客户", "mobile": "13800000009"})
    rows = [
        ["V1", "王一", "13900000001", "wang1", "浙江 杭州", "朋友圈", "V2", "茶,VIP", ""],
        ["V2", "王二", "13900000002", "", "浙江 宁波", "微店", "", "", "老客户介绍"],
        ["", "老客户改名", "13800000009", "", "上海", "", "", "", ""],
        ["", "无编号", "", "wu_bianhao", "", "小红书", "V1", "", ""],
    ]
    path = write_csv(tmp_path / "c.csv", CUSTOMER_HEADERS, rows)
    report = import_customers(db, path)
    assert report.problems == [], report.lines()
    assert report.counts["customers_created"] == 3 and report.counts["customers_present"] == 1
    with db.read() as conn:
        got = {r.name: r for r in conn.execute(sa.select(customers))}
    assert got["王一"].referrer_id == got["王二"].id  # referrer further down the file
    assert got["无编号"].referrer_id == got["王一"].id and got["无编号"].code.startswith("C")
    assert got["王一"].tags == "茶,VIP" and got["王一"].region == "浙江 杭州"
    assert got["老客户"].region is None  # present, not updated without --update
    updated = import_customers(db, path, update=True)
    assert updated.counts["customers_updated"] == 4 or updated.counts["customers_updated"] >= 1
    with db.read() as conn:
        row = conn.execute(sa.select(customers).where(customers.c.id == old["id"])).one()
    assert row.name == "老客户改名" and row.region == "上海" and row.version == 2


def test_customers_file_problems_are_reported(db, basics, tmp_path, monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    rows = [
        ["V1", "王一", "12345", "", "", "", "", "", ""],
        ["V2", "", "13900000002", "", "", "", "", "", ""],
        ["V3", "王三", "13900000003", "", "", "", "NOPE", "", ""],
        ["V4", "王四", "13900000003", "", "", "", "", "", ""],
        ["V5", "王五", "", "", "", "", "V6", "", ""],
        ["V6", "王六", "", "", "", "", "V5", "", ""],
    ]
    report = import_customers(db, write_csv(tmp_path / "c.csv", CUSTOMER_HEADERS, rows))
    got = [(p.row, p.column) for p in report.problems]
    assert (2, "手机") in got and (3, "姓名") in got and (4, "推荐人编号") in got
    assert (5, "姓名") in got  # same mobile as row 4
    assert (6, "推荐人编号") in got or (7, "推荐人编号") in got  # V5 <-> V6 loop
    assert count(db, "customers") == 0


def test_gb18030_customers_file_reimports_as_present(db, tmp_path):
    rows = [["V1", "王一", "13900000001", "", "", "", "", "", ""]]
    path = write_csv(tmp_path / "c.csv", CUSTOMER_HEADERS, rows, "gb18030")
    assert import_customers(db, path).counts["customers_created"] == 1
    again = import_customers(db, path)
    assert again.counts["customers_present"] == 1 and not again.written


def test_order_numbers_and_codes_like_generated_ones_move_the_counters(db, basics, tmp_path):
    from salesops.customers import create_customer
    from salesops.orders import create_order

    rows = [
        [
            "SO00000042",
            "2024-01-01",
            "C000077",
            "某人",
            "",
            "",
            "",
            "TEA-01",
            "",
            "1",
            "128",
            "",
            "",
        ]
    ]
    import_orders(db, write_csv(tmp_path / "o.csv", ORDER_HEADERS_EN, rows))
    person = create_customer(db, {"name": "新人"})
    order = create_order(
        db, person["id"], [{"sku": "TEA-01", "quantity": 1}], channel="wechat_moments"
    )
    assert person["code"] == "C000078" and order["order_no"] == "SO00000043"


def test_products_created_by_an_import_are_usable(db, basics, tmp_path):
    import_orders(db, write_csv(tmp_path / "o.csv", ORDER_HEADERS_ZH, ORDER_ROWS))
    with db.read() as conn:
        p = conn.execute(sa.select(products).where(products.c.sku == "NEW-SKU")).one()
    assert p.name == "新品试吃装" and p.price == Decimal("0.00")
