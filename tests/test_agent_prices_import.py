"""`salesops agents ...` for levels and prices, and the price-table import (.csv in UTF-8
and GB18030, .xlsx; all or nothing, problems by row and column), from an empty database on
both databases; the orders import takes an agent's price as given."""

from __future__ import annotations

from decimal import Decimal

import pytest
from agentshop import build
from click.testing import CliRunner
from importfiles import snapshot, write_csv, write_xlsx

from salesops.agents import levels
from salesops.cli import main
from salesops.importer import import_orders
from salesops.orders import get_order


def run(db_url, *args, ok=True):
    """Run `salesops --db URL args`; check the exit status."""
    result = CliRunner().invoke(main, ["--db", db_url, *args])
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def prices(db, level: str) -> dict[str, tuple[Decimal, bool]]:
    """{sku: (price, own)} at one level."""
    _found, rows = levels.price_table(db)
    return {r["sku"]: (r[level]["price"], r[level]["own"]) for r in rows}


def test_levels_and_set_level_from_the_command_line(db, db_url, english):
    assert "no agent levels yet" in run(db_url, "agents", "levels")
    build(db)
    run(db_url, "agents", "add-level", "三级代理", "--discount", "5")
    out = run(db_url, "agents", "levels")
    assert out.splitlines() == [
        "一级代理\t30.00% off\t1 agents",
        "二级代理\t10.00% off\t1 agents",
        "三级代理\t5.00% off\t0 agents",
    ]
    assert "C000002 代理乙: level 三级代理" in run(
        db_url, "agents", "set-level", "C000002", "三级代理"
    )
    assert "1 agents" in run(db_url, "agents", "levels").splitlines()[2]
    out = run(db_url, "agents", "set-level", "C000005", "一级代理", ok=False)
    assert "C000005" in out and "not an agent" in out
    assert "no agent level named '九级'" in run(
        db_url, "agents", "set-level", "C000001", "九级", ok=False
    )
    run(db_url, "agents", "price", "三级代理", "HONEY-02", "60")
    table = run(db_url, "agents", "prices").splitlines()
    assert table[0] == "sku\tname\tretail\t一级代理\t二级代理\t三级代理"
    assert table[1] == "HONEY-02\t土蜂蜜 500g\t¥68.50\t¥47.95\t¥61.65\t¥60.00*"


@pytest.mark.parametrize("kind", ["utf-8", "gb18030", "xlsx"])
def test_a_price_table_sets_each_levels_prices(db, db_url, tmp_path, kind, english):
    build(db)
    headers = ["商品编码", "一级代理", "二级代理"]
    rows = [["TEA-01", "-", "100"], ["HONEY-02", "45.5", ""]]
    path = (
        write_xlsx(tmp_path / "p.xlsx", headers, rows)
        if kind == "xlsx"
        else write_csv(tmp_path / "p.csv", headers, rows, kind)
    )
    out = run(db_url, "agents", "import-prices", str(path), "--dry-run")
    assert "3 prices to set or clear" in out and "Dry run" in out
    assert prices(db, "一级代理")["TEA-01"] == (Decimal("80.00"), True)
    out = run(db_url, "agents", "import-prices", str(path))
    assert "Imported: 3 prices changed." in out
    assert prices(db, "一级代理") == {
        "HONEY-02": (Decimal("45.50"), True),
        "TEA-01": (Decimal("89.60"), False),  # cleared: 30 % off again
    }
    assert prices(db, "二级代理") == {
        "HONEY-02": (Decimal("61.65"), False),  # blank: left as it was
        "TEA-01": (Decimal("100.00"), True),
    }
    assert "0 prices to set or clear, 3 unchanged" in run(
        db_url, "agents", "import-prices", str(path)
    )


def test_a_bad_price_table_is_reported_by_row_and_column_and_changes_nothing(
    db, db_url, tmp_path, english
):
    build(db)
    path = write_csv(
        tmp_path / "bad.csv",
        ["sku", "一级代理", "二级代理"],
        [
            ["TEA-01", "70", "十元"],
            ["NOPE-9", "1", ""],
            ["TEA-01", "60", ""],
            ["HONEY-02", "40", ""],
        ],
    )
    before = snapshot(db)
    out = run(db_url, "agents", "import-prices", str(path), ok=False)
    assert "row 2, column 二级代理, value '十元'" in out
    assert "row 3, column sku, value 'NOPE-9': no product with this SKU" in out
    assert "row 4, column sku, value 'TEA-01': the same SKU as row 2" in out
    assert "3 problems: nothing was imported" in out
    assert snapshot(db) == before
    out = run(
        db_url,
        "agents",
        "import-prices",
        str(write_csv(tmp_path / "x.csv", ["sku", "价格"], [["TEA-01", "1"]])),
        ok=False,
    )
    assert "no column names an agent level" in out and "一级代理, 二级代理" in out


def test_the_orders_import_takes_an_agents_price_as_given(db, tmp_path):
    build(db)
    headers = ["order_no", "ordered_at", "customer_ref", "sku", "quantity", "unit_price"]
    path = write_csv(
        tmp_path / "o.csv", headers, [["A9", "2026-11-02 10:00", "C000001", "TEA-01", "3", "78.00"]]
    )
    report = import_orders(db, path)
    assert report.problems == [], report.lines()
    with db.read() as conn:
        order_id = conn.exec_driver_sql("select id from orders where order_no = 'A9'").scalar()
    assert get_order(db, order_id)["lines"][0]["unit_price"] == Decimal("78.00")
