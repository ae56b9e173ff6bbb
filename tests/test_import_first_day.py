"""Orders files as marketplaces export them: buyer ids without names, a cost per line,
products named by SKU alone. On SQLite and PostgreSQL, from an empty shop and with basics.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from importfiles import snapshot, write_csv, write_xlsx

from salesops import customers as customer_service
from salesops.importer import import_orders
from salesops.schema import customers, order_lines, orders, products
from salesops.weekly import collect
from salesops.weeks import parse_week

REF_ONLY = ["订单号", "下单时间", "客户编号", "商品编码", "商品名称", "数量", "单价"]
REF_ROWS = [
    ["M-1", "2026-11-02 10:00", "B00001", "SOAP", "手工皂", "2", "15.00"],
    ["M-1", "2026-11-02 10:00", "B00001", "TOWEL", "毛巾", "1", "9.90"],
    ["M-2", "2026-11-03 11:00", "B00002", "SOAP", "手工皂", "1", "15.00"],
    ["M-3", "2026-11-04 12:00", "B00001", "SOAP", "手工皂", "3", "15.00"],
]


def _customers(db) -> dict[str, dict]:
    with db.read() as conn:
        rows = conn.execute(sa.select(customers)).mappings()
        return {r["code"]: dict(r) for r in rows}


def _lines(db) -> list[tuple]:
    """(order_no, sku, quantity, amount, unit_cost) of every line, in file order."""
    o, ln = orders.c, order_lines.c
    with db.read() as conn:
        rows = conn.execute(
            sa.select(o.order_no, ln.sku, ln.quantity, ln.amount, ln.unit_cost)
            .join(orders, o.id == ln.order_id)
            .order_by(o.order_no, ln.line_no)
        )
        return [tuple(r) for r in rows]


def _product(db, sku) -> dict:
    with db.read() as conn:
        return dict(conn.execute(sa.select(products).where(products.c.sku == sku)).mappings().one())


def test_an_orders_file_with_only_customer_refs_imports_with_placeholder_names(
    db, tmp_path, monkeypatch
):
    monkeypatch.delenv("SALESOPS_LANG", raising=False)
    path = write_csv(tmp_path / "o.csv", REF_ONLY, REF_ROWS, encoding="gb18030")
    report = import_orders(db, path)
    assert report.problems == [] and report.written, report.lines()
    people = _customers(db)
    assert {c: (p["name"], p["to_complete"]) for c, p in people.items()} == {
        "B00001": ("客户 B00001", "name"),
        "B00002": ("客户 B00002", "name"),
    }
    assert len(_lines(db)) == 4
    # products created from the file without a cost column have none
    assert _product(db, "SOAP")["unit_cost"] is None


def test_a_new_customer_known_only_by_mobile_is_named_from_the_generated_code(
    db, basics, tmp_path, english
):
    headers = ["order_no", "ordered_at", "mobile", "wechat_id", "sku", "quantity", "amount"]
    rows = [
        ["X1", "2026-11-02", "13800001111", "", "TEA-01", "1", "128"],
        ["X2", "2026-11-02", "", "buyer_wx", "TEA-01", "1", "128"],
    ]
    report = import_orders(db, write_csv(tmp_path / "m.csv", headers, rows))
    assert report.problems == [] and report.written
    named = sorted((p["name"], p["to_complete"]) for p in _customers(db).values())
    codes = sorted(_customers(db))
    assert named == [(f"Customer {codes[0]}", "name"), (f"Customer {codes[1]}", "name")]
    assert all(code.startswith("C") and len(code) == 7 for code in codes)


def test_a_named_customer_is_not_flagged_and_a_real_name_clears_the_flag(db, tmp_path):
    rows = [[*r[:3], "王芳" if r[2] == "B00002" else "", *r[3:]] for r in REF_ROWS]
    headers = [*REF_ONLY[:3], "客户姓名", *REF_ONLY[3:]]
    assert import_orders(db, write_csv(tmp_path / "o.csv", headers, rows)).written
    people = _customers(db)
    assert people["B00002"]["name"] == "王芳" and people["B00002"]["to_complete"] is None
    first = people["B00001"]
    assert first["to_complete"] == "name"
    # an edit of something else leaves the flag; a real name clears it
    first = customer_service.update_customer(db, first["id"], {"region": "杭州"}, first["version"])
    assert first["to_complete"] == "name"
    done = customer_service.update_customer(db, first["id"], {"name": "李娜"}, first["version"])
    assert done["to_complete"] is None and done["name"] == "李娜"
    assert _customers(db)["B00001"]["to_complete"] is None


COST_HEADERS = ["订单号", "下单时间", "客户编号", "商品编码", "数量", "金额", "成本"]
COST_ROWS = [
    ["C-1", "2026-11-02 10:00", "B1", "SOAP", "2", "30.00", "6.40"],
    ["C-1", "2026-11-02 10:00", "B1", "TEA-01", "1", "128.00", ""],
    ["C-2", "2026-11-03 10:00", "B2", "SOAP", "1", "15.00", ""],
    ["C-3", "2026-11-04 10:00", "B1", "SOAP", "3", "45.00", "7.15"],
    ["C-3", "2026-11-04 10:00", "B1", "HONEY-02", "2", "137.00", "29.99"],
    ["C-4", "2026-11-05 10:00", "B2", "GIFT-03", "1", "9.90", ""],
]


@pytest.mark.parametrize("kind", ["utf-8", "gb18030", "xlsx"])
def test_unit_costs_from_the_file_give_an_exact_margin(db, basics, tmp_path, kind):
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "c.xlsx", COST_HEADERS, COST_ROWS)
    else:
        path = write_csv(tmp_path / "c.csv", COST_HEADERS, COST_ROWS, encoding=kind)
    report = import_orders(db, path)
    assert report.problems == [] and report.written, report.lines()
    assert _lines(db) == [
        ("C-1", "SOAP", 2, Decimal("30.00"), Decimal("6.40")),
        ("C-1", "TEA-01", 1, Decimal("128.00"), Decimal("51.20")),  # the catalogue's cost
        ("C-2", "SOAP", 1, Decimal("15.00"), None),  # a new product's line without a cost
        ("C-3", "SOAP", 3, Decimal("45.00"), Decimal("7.15")),
        ("C-3", "HONEY-02", 2, Decimal("137.00"), Decimal("29.99")),  # the file's, not 30.10
        ("C-4", "GIFT-03", 1, Decimal("9.90"), None),  # no cost anywhere
    ]
    # the product the file created costs what its latest line with a cost says
    assert _product(db, "SOAP")["unit_cost"] == Decimal("7.15")
    assert _product(db, "HONEY-02")["unit_cost"] == Decimal("30.10")  # the catalogue stays
    week = collect.collect(db, parse_week("2026-W45"), weeks=2).weekly.iloc[-1]
    costed = Decimal("30.00") + 128 + 45 + 137
    cost = 2 * Decimal("6.40") + Decimal("51.20") + 3 * Decimal("7.15") + 2 * Decimal("29.99")
    assert week["revenue"] == costed + 15 + Decimal("9.90")
    assert week["costed_revenue"] == costed and week["cost"] == cost
    assert week["gross_profit"] == costed - cost == Decimal("194.57")
    assert abs(Decimal(str(week["gross_margin"])) - (costed - cost) / costed) < Decimal("1e-9")


def test_existing_products_are_found_by_sku_alone(db, basics, tmp_path, english):
    headers = ["order_no", "ordered_at", "customer_ref", "channel", "sku", "quantity", "unit_price"]
    rows = [["S-1", "2026-11-02", "B1", "micro_store", "TEA-01", "2", "120"]]
    report = import_orders(db, write_csv(tmp_path / "s.csv", headers, rows), strict=True)
    assert report.problems == [] and report.written
    assert report.created["products"] == []
    with db.read() as conn:
        line = conn.execute(sa.select(order_lines)).mappings().one()
    assert (line["product_name"], line["unit_cost"]) == ("明前龙井 250g", Decimal("51.20"))
    assert line["product_id"] == _product(db, "TEA-01")["id"]


BAD_COSTS = [
    (1, "十元", "is not an amount"),
    (1, "-1", "is not an amount"),
    (4, "1.234", "is not an amount"),
]


@pytest.mark.parametrize("row,value,reason", BAD_COSTS)
def test_a_bad_cost_is_named_by_row_and_column_and_nothing_is_written(
    db, basics, tmp_path, english, row, value, reason
):
    rows = [r[:] for r in COST_ROWS]
    rows[row][6] = value
    before = snapshot(db)
    report = import_orders(db, write_csv(tmp_path / "b.csv", COST_HEADERS, rows))
    assert [(p.row, p.column, p.value) for p in report.problems] == [(row + 2, "成本", value)]
    assert reason in report.problems[0].reason
    assert not report.written and snapshot(db) == before


def test_the_customers_list_marks_and_filters_customers_to_complete(db, tmp_path, english):
    from conftest import as_person

    from widgets.customer_form import CustomerForm
    from widgets.customer_picker import CustomerPicker

    rows = [[*r[:3], "王芳" if r[2] == "B00002" else "", *r[3:]] for r in REF_ROWS]
    headers = [*REF_ONLY[:3], "客户姓名", *REF_ONLY[3:]]
    import_orders(db, write_csv(tmp_path / "o.csv", headers, rows))
    staff = as_person(db, "wang.fang")
    picker = CustomerPicker(staff.search, to_complete=staff.customers_to_complete, debounce=0)
    picker.term.value = "B0000"  # both, by code: only the placeholder is marked
    marked = {text for text, _ in picker.results.options if "[name to complete]" in text}
    assert marked == {"Customer B00001  B00001  [name to complete]"}
    assert len(picker.results.options) == 2
    picker.term.value = ""
    picker.only_to_complete.value = True  # every customer to complete, without typing
    assert [text.split("  ")[0] for text, _ in picker.results.options] == ["Customer B00001"]
    picker.term.value = "王"
    assert picker.results.options == ()
    # the form says so until a real name is saved, then the list no longer has them
    form = CustomerForm.for_page(staff)
    form.value = staff.customers_to_complete()[0]["id"]
    assert "so-customer-to-complete" in form.title.value
    form.inputs["name"].value = "李娜"
    form.save.click()
    assert "so-customer-to-complete" not in form.title.value
    assert staff.customers_to_complete() == []
    picker.term.value = ""
    assert picker.results.options == ()
