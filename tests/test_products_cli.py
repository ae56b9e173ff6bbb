"""`salesops products ...` and `salesops channels ...` from an empty migrated database, on
SQLite and PostgreSQL: add, list (text and --json), edit, archive, import (Chinese
headers, GB18030, .xlsx, bad rows by row and column with nothing written, --update)."""

import json
from decimal import Decimal

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from importfiles import count, snapshot, write_csv, write_xlsx

from salesops import audit, products
from salesops.cli import main

HEADERS_ZH = ["商品编码", "商品名称", "分类", "售价", "成本", "库存", "别名"]
ROWS = [
    ["BERRY-1", "奶油草莓 500g", "水果", "39.00", "21.50", "12", "草莓，奶油草莓"],
    ["CHERRY-1", "车厘子 1斤", "水果", "99", "60", "", "车厘子、樱桃"],
    ["BAG", "环保袋", "", "1.50", "", "", ""],
]


def run(db_url, *args, ok=True):
    """Run `salesops --db URL args`; check the exit status."""
    result = CliRunner().invoke(main, ["--db", db_url, *args])
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def listed(db_url) -> dict[str, dict]:
    """`products list --json` by SKU."""
    return {p["sku"]: p for p in json.loads(run(db_url, "products", "list", "--json"))}


def test_products_add_list_edit_and_archive(db, db_url):
    out = run(
        db_url,
        *("products", "add", "--sku", "BERRY-1", "--name", "奶油草莓 500g", "--price", "39"),
        *("--cost", "21.50", "--category", "水果", "--aliases", "草莓,奶油草莓", "--stock", "12"),
    )
    assert "BERRY-1 奶油草莓 500g (¥39.00, cost ¥21.50, margin 44.9%, stock 12)" in out
    got = listed(db_url)["BERRY-1"]
    assert got == {
        "sku": "BERRY-1",
        "name": "奶油草莓 500g",
        "category": "水果",
        "price": "39.00",
        "unit_cost": "21.50",
        "margin": "0.4487",
        "stock_on_hand": 12,
        "reorder_level": None,
        "active": True,
        "aliases": ["草莓", "奶油草莓"],
    }
    run(db_url, "products", "edit", "BERRY-1", "--price", "45", "--cost", "", "--stock", "9")
    got = listed(db_url)["BERRY-1"]
    assert (got["price"], got["unit_cost"], got["margin"], got["stock_on_hand"]) == (
        "45.00",
        None,
        None,
        9,
    )
    text = run(db_url, "products", "list")
    assert "BERRY-1" in text and "¥45.00" in text and "1 products, 0 archived" in text
    assert "archived BERRY-1" in run(db_url, "products", "archive", "BERRY-1")
    assert listed(db_url)["BERRY-1"]["active"] is False
    assert "archived" in run(db_url, "products", "list")
    run(db_url, "products", "restore", "BERRY-1")
    assert listed(db_url)["BERRY-1"]["active"] is True


def test_products_add_refuses_bad_input_and_writes_nothing(db, db_url):
    out = run(db_url, "products", "add", "--sku", "X", "--name", "x", "--price", "abc", ok=False)
    assert "price" in out and "Traceback" not in out
    run(db_url, "products", "add", "--sku", "A", "--name", "草莓", "--price", "1")
    out = run(
        db_url,
        "products",
        "add",
        "--sku",
        "B",
        "--name",
        "b",
        "--price",
        "1",
        "--aliases",
        "草莓",
        ok=False,
    )
    assert "A 草莓" in out
    assert set(listed(db_url)) == {"A"}
    assert "'NOPE'" in run(db_url, "products", "edit", "NOPE", "--price", "1", ok=False)


@pytest.mark.parametrize("kind", ["utf-8", "gb18030", "xlsx"])
def test_products_import_reads_chinese_headers_in_every_file_kind(db, db_url, tmp_path, kind):
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "商品.xlsx", HEADERS_ZH, [_numbers(r) for r in ROWS])
    else:
        path = write_csv(tmp_path / "商品.csv", HEADERS_ZH, ROWS, encoding=kind)
    out = run(db_url, "products", "import", str(path))
    assert "3 new" in out or "新增 3" in out
    got = listed(db_url)
    assert got["BERRY-1"]["aliases"] == ["草莓", "奶油草莓"]
    assert got["BERRY-1"]["stock_on_hand"] == 12 and got["CHERRY-1"]["stock_on_hand"] is None
    assert got["CHERRY-1"]["unit_cost"] == "60.00" and got["BAG"]["unit_cost"] is None
    assert [p["sku"] for p in products.products_named(db, "樱桃")] == ["CHERRY-1"]
    again = run(db_url, "products", "import", str(path))
    assert "3 already present" in again or "3 个已存在" in again


def _numbers(row):
    """A row as Excel holds it: prices and stock as numbers."""
    return [float(v) if v.replace(".", "").isdigit() else v for v in row]


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(db, db_url, tmp_path):
    run(db_url, "products", "add", "--sku", "OLD", "--name", "旧品", "--price", "5")
    before = snapshot(db)
    rows = [
        ["N1", "好的", "", "10", "4", "", ""],
        ["N2", "", "", "10", "", "", ""],  # no name
        ["N3", "坏价", "", "十元", "", "", ""],  # not a price
        ["N4", "坏库存", "", "10", "", "-2", ""],  # not a count
        ["N1", "重复", "", "10", "", "", ""],  # SKU twice
        ["N6", "别名冲突", "", "10", "", "", "旧品"],  # names another product
        ["N7", "行内冲突", "", "10", "", "", "好的"],  # names a row above
    ]
    path = write_csv(tmp_path / "bad.csv", HEADERS_ZH, rows, encoding="gb18030")
    out = run(db_url, "products", "import", str(path), ok=False)
    for row, column in [(3, "商品名称"), (4, "售价"), (5, "库存"), (6, "商品编码"), (7, "别名")]:
        assert f"第 {row} 行，{column} 列" in out or f"row {row}, column {column}" in out, out
    assert "row 8, column 别名" in out or "第 8 行，别名 列" in out
    assert snapshot(db) == before


def test_reimport_changes_price_and_cost_only_with_update(db, db_url, tmp_path):
    first = write_csv(tmp_path / "a.csv", HEADERS_ZH, ROWS)
    run(db_url, "products", "import", str(first))
    imports_before = count(db, "imports")
    changed = [["BERRY-1", "改名不算", "", "42.00", "25", "99", "新别名"]]
    path = write_csv(tmp_path / "b.csv", HEADERS_ZH, changed)
    run(db_url, "products", "import", str(path))
    got = listed(db_url)["BERRY-1"]
    assert (got["price"], got["unit_cost"]) == ("39.00", "21.50")
    assert count(db, "imports") == imports_before  # nothing new: nothing recorded
    out = run(db_url, "products", "import", "--update", str(path))
    assert "1 updated" in out or "更新 1" in out
    got = listed(db_url)["BERRY-1"]
    assert (got["price"], got["unit_cost"], got["name"], got["stock_on_hand"]) == (
        "42.00",
        "25.00",
        "奶油草莓 500g",
        12,
    )
    assert got["aliases"] == ["草莓", "奶油草莓"]
    with db.read() as conn:
        change = audit.history(conn, "products", products.product_id(db, "BERRY-1"))[-1]
    assert change["old_values"] == {"price": "39.00", "unit_cost": "21.50"}
    assert change["new_values"]["price"] == "42.00" and change["new_values"]["import_id"]


def test_import_dry_run_and_a_missing_sku_column(db, db_url, tmp_path):
    path = write_csv(tmp_path / "a.csv", HEADERS_ZH, ROWS)
    out = run(db_url, "products", "import", "--dry-run", str(path))
    assert "BERRY-1" in out and listed(db_url) == {}
    bad = write_csv(tmp_path / "no_sku.csv", ["商品名称", "售价"], [["x", "1"]])
    assert "sku" in run(db_url, "products", "import", str(bad), ok=False)


def test_channels_add_list_rename_archive_and_default(db, db_url):
    assert "added channel ch01 小红书" in run(db_url, "channels", "add", "小红书")
    run(db_url, "channels", "add", "朋友圈", "--code", "moments", "--name-en", "WeChat Moments")
    assert "'不行'" in run(db_url, "channels", "add", "x", "--code", "不行", ok=False)
    run(db_url, "channels", "default", "moments")
    run(db_url, "channels", "rename", "ch01", "小红书店")
    run(db_url, "channels", "archive", "ch01")
    out = run(db_url, "channels", "list").splitlines()
    assert out[0].split() == ["ch01", "小红书店", "/", "小红书店", "(archived)"]
    assert out[1].split()[:2] == ["moments", "朋友圈"] and "(default for imports)" in out[1]
    assert "朋友圈" in run(db_url, "channels", "archive", "moments", ok=False)
    assert "ch01 小红书店" in run(db_url, "channels", "add", "小红书店", ok=False)


def test_an_orders_import_without_a_channel_uses_the_default_channel(db, db_url, tmp_path):
    from salesops.orders import get_order

    run(db_url, "channels", "add", "社群团购", "--code", "group")
    run(db_url, "channels", "default", "group")
    run(db_url, "products", "add", "--sku", "BERRY-1", "--name", "草莓", "--price", "39")
    path = write_csv(
        tmp_path / "orders.csv",
        ["order_no", "ordered_at", "customer_name", "mobile", "sku", "quantity", "amount"],
        [["G1", "2026-12-01 10:00", "李梅", "13800138000", "BERRY-1", "2", "78.00"]],
    )
    run(db_url, "import", "orders", str(path))
    with db.read() as conn:
        order_id = conn.execute(sa.text("select id from orders")).scalar()
    order = get_order(db, order_id)
    assert order["goods_amount"] == Decimal("78.00")
    assert run(db_url, "channels", "list").splitlines()[0].startswith("group")
    with db.read() as conn:
        code = conn.execute(
            sa.text("select c.code from orders o join channels c on c.id = o.channel_id")
        ).scalar()
    assert code == "group"
