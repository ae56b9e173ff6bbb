"""Helpers for the import tests: write CSV (any encoding) and .xlsx files, snapshot a DB."""

from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa

from salesops.schema import metadata

ORDER_HEADERS_ZH = [
    "订单号",
    "下单时间",
    "客户编号",
    "客户姓名",
    "手机",
    "微信号",
    "渠道",
    "商品编码",
    "商品名称",
    "数量",
    "单价",
    "金额",
    "状态",
]
ORDER_HEADERS_EN = [
    "order_no",
    "ordered_at",
    "customer_ref",
    "customer_name",
    "mobile",
    "wechat_id",
    "channel",
    "sku",
    "product_name",
    "quantity",
    "unit_price",
    "amount",
    "status",
]
# Three orders, four lines, two customers, a known and a new product, a new channel.
ORDER_ROWS = [
    [
        "A001",
        "2024-03-05 14:30",
        "",
        "张伟",
        "+86 138-0013-8000",
        "zhangwei88",
        "微店",
        "TEA-01",
        "明前龙井 250g",
        "2",
        "128.00",
        "256.00",
        "已完成",
    ],
    [
        "A001",
        "2024-03-05 14:30",
        "",
        "张伟",
        "13800138000",
        "",
        "微店",
        "GIFT-03",
        "礼盒包装",
        "1",
        "9.90",
        "9.90",
        "已完成",
    ],
    [
        "A002",
        "2024/3/6",
        "007",
        "李娜",
        "13900139000",
        "",
        "",
        "HONEY-02",
        "土蜂蜜 500g",
        "3",
        "",
        "205.50",
        "",
    ],
    [
        "A003",
        "2024年3月7日 09:05",
        "",
        "张伟",
        "",
        "ZhangWei88",
        "抖音小店",
        "NEW-SKU",
        "新品试吃装",
        "1",
        "0",
        "0",
        "paid",
    ],
]


def write_csv(path: Path, headers, rows, encoding: str = "utf-8") -> Path:
    """A CSV file in `encoding` ('utf-8-sig' writes the BOM)."""
    with open(path, "w", encoding=encoding, newline="") as f:
        out = csv.writer(f)
        out.writerow(headers)
        out.writerows(rows)
    return path


def write_xlsx(path: Path, headers, rows) -> Path:
    """An .xlsx file with the header row and rows as given (numbers stay text unless
    they are already numbers)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def snapshot(db, skip=()) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order (for "nothing changed" checks)."""
    out = {}
    with db.read() as conn:
        for table in metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def count(db, table: str) -> int:
    """Rows in one table."""
    with db.read() as conn:
        return conn.execute(sa.text(f"select count(*) from {table}")).scalar()
