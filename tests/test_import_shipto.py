"""The orders import's optional ship-to and shipment columns: 收货人, 收货电话, 收货地址 (a
whole line, parsed), 快递公司, 快递单号; bad cells reported by column, nothing written."""

from __future__ import annotations

import csv

import sqlalchemy as sa

from salesops.importer import import_orders
from salesops.schema import customers, orders

HEADERS = ["订单号", "下单时间", "手机", "商品编码", "数量", "单价", "状态"]
SHIP = ["收货人", "收货电话", "收货地址", "快递公司", "快递单号"]


def write(path, rows, headers=HEADERS + SHIP):
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([headers, *rows])
    return path


def stored(db, order_no):
    with db.read() as conn:
        return conn.execute(sa.select(orders).where(orders.c.order_no == order_no)).mappings().one()


def test_the_ship_to_and_courier_columns_are_parsed_and_copied_onto_the_orders(
    db, basics, tmp_path
):
    path = write(
        tmp_path / "orders.csv",
        [
            ["B001", "2026-11-02 10:00", "13800138000", "TEA-01", "1", "128", "已发货", "李四",
             "139-0000-1111", "浙江省杭州市余杭区文一西路 969 号", "顺丰", "SF 1234 5678 9012 3"],
            ["B001", "2026-11-02 10:00", "13800138000", "GIFT-03", "1", "20", "已发货", "", "",
             "", "", ""],
            ["B002", "2026-11-03 09:00", "13700001234", "TEA-01", "2", "128", "已付款", "",
             "", "王五 13700001234 北京市朝阳区建国路 88 号", "", ""],
            ["B003", "2026-11-03 09:30", "13600001234", "TEA-01", "1", "128", "已付款", "赵六",
             "", "", "自提", ""],
        ],
    )  # fmt: skip
    report = import_orders(db, path)
    assert report.problems == [] and report.written, report.lines()
    one = stored(db, "B001")
    assert (one["ship_recipient"], one["ship_mobile"]) == ("李四", "13900001111")
    assert (one["ship_province"], one["ship_city"], one["ship_district"]) == (
        "浙江省", "杭州市", "余杭区",
    )  # fmt: skip
    assert (one["courier"], one["tracking_no"]) == ("sf", "SF1234567890123")
    two = stored(db, "B002")
    assert (two["ship_recipient"], two["ship_city"], two["courier"]) == ("王五", "北京市", None)
    three = stored(db, "B003")
    assert (three["ship_recipient"], three["ship_detail"], three["courier"]) == (
        "赵六", None, "pickup",
    )  # fmt: skip
    with db.read() as conn:  # with no name column, the recipient names the new customer
        name = conn.execute(
            sa.select(customers.c.name).where(customers.c.mobile == "13600001234")
        ).scalar()
    assert name == "赵六"


def test_bad_ship_cells_are_reported_by_column_and_nothing_is_written(db, basics, tmp_path):
    path = write(
        tmp_path / "bad.csv",
        [
            ["C001", "2026-11-02 10:00", "13800138000", "TEA-01", "1", "128", "已发货", "李四",
             "", "浙江省杭州市余杭区文一西路 969 号", "顺丰", "SF123"],
            ["C002", "2026-11-02 11:00", "13800138000", "TEA-01", "1", "128", "已发货", "李四",
             "12345", "浙江省杭州市余杭区文一西路 969 号", "", "78123456789012"],
            ["C003", "2026-11-02 12:00", "13800138000", "TEA-01", "1", "128", "已付款", "李四",
             "", "火星 某某路 1 号", "", ""],
        ],
    )  # fmt: skip
    report = import_orders(db, path)
    got = {(p.row, p.column) for p in report.problems}
    assert {(2, "快递单号"), (3, "收货电话"), (3, "快递公司"), (4, "收货地址")} <= got, (
        report.lines()
    )
    assert not report.written
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orders)).scalar() == 0


def test_a_file_without_the_columns_imports_as_before(db, buyer, tmp_path):
    path = write(
        tmp_path / "plain.csv",
        [["D001", "2026-11-02 10:00", "13800138000", "TEA-01", "1", "128", "已付款"]],
        HEADERS,
    )
    assert import_orders(db, path).written
    one = stored(db, "D001")
    assert one["ship_recipient"] is None and one["courier"] is None
