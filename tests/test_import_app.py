"""The import page's component without a browser: upload, preview, check, confirm, roles."""

from __future__ import annotations

import base64
import csv
import html
import io
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from importfiles import ORDER_HEADERS_ZH, ORDER_ROWS, count, snapshot, write_xlsx

from salesops.actors import Actor
from salesops.customers import create_customer
from salesops.errors import PermissionDenied
from salesops.schema import customers, imports, orders
from salesops.web.pagedata import PageData
from widgets.import_app import SHOWN_PROBLEMS, ImportApp

STAFF = Actor("amy", "staff")
MANAGER = Actor("li.lei", "manager")


pytestmark = pytest.mark.usefixtures("english")


def make_app(db, actor) -> ImportApp:
    data = PageData(db, actor=lambda: actor)
    return ImportApp(data.import_preview, data.import_file, can_write=actor.can("import.write"))


def csv_bytes(headers, rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(app: ImportApp, name: str, content: bytes) -> None:
    """What the browser's FileUpload sends when a file is chosen."""
    app.upload.value = (
        {
            "name": name,
            "type": "",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.now(UTC),
        },
    )


def shown(widget) -> bool:
    return widget.layout.display != "none"


def body_rows(html: str) -> list[str]:
    return re.findall(r"<tr><td>(.*?)</tr>", html)


def test_a_manager_previews_checks_and_imports_an_orders_file(db, basics):
    headers = [*ORDER_HEADERS_ZH, "店铺备注"]
    app = make_app(db, MANAGER)
    upload(app, "微店订单.csv", csv_bytes(headers, [[*r, "x"] for r in ORDER_ROWS], "utf-8-sig"))
    assert "微店订单.csv (utf-8-sig): 13 of 14 columns recognised" in app.mapping.value
    assert "Not used: 店铺备注" in app.mapping.value
    assert "订单号</th>" in app.preview.value and ">order_no</span>" in app.preview.value
    assert "<td>A002</td>" in app.preview.value and len(body_rows(app.preview.value)) == 4
    assert app.confirm.disabled and shown(app.confirm)

    app.check.click()
    assert app.message.kind == "success" and not app.confirm.disabled
    assert "would create products (1): NEW-SKU" in app.summary.value
    assert "orders: 3 new with 4 lines" in app.summary.value
    assert count(db, "orders") == 0  # a check writes nothing

    app.confirm.click()
    assert app.message.kind == "success", app.message.value
    assert shown(app.progress) and app.progress.value == app.progress.max == 3
    assert app.confirm.disabled and app.report.written
    assert f"import #{app.report.import_id}" in app.message.value
    with db.read() as conn:
        made = conn.execute(
            sa.select(orders.c.order_no, orders.c.created_by).order_by(orders.c.order_no)
        ).all()
        run = conn.execute(sa.select(imports.c.file_name, imports.c.actor)).one()
    assert [tuple(r) for r in made] == [("A001", "li.lei"), ("A002", "li.lei"), ("A003", "li.lei")]
    assert tuple(run) == ("微店订单.csv", "li.lei")

    app.check.click()  # the same file again: nothing new, nothing to confirm
    assert "already in salesops" in app.message.value and app.confirm.disabled


@pytest.mark.parametrize("kind", ["orders", "customers"])
def test_staff_may_check_but_not_import(db, basics, kind, tmp_path):
    app = make_app(db, STAFF)
    assert not shown(app.confirm)
    app.kind.value = kind
    rows = ORDER_ROWS if kind == "orders" else [["C9", "王芳", "13700137000"]]
    headers = ORDER_HEADERS_ZH if kind == "orders" else ["客户编号", "姓名", "手机"]
    upload(app, f"{kind}.csv", csv_bytes(headers, rows))
    before = snapshot(db)
    app.check.click()
    assert app.message.kind == "success" and app.report.new_anything
    assert app.confirm.disabled and not shown(app.confirm)
    with pytest.raises(PermissionDenied):  # the importer refuses, not only the page
        PageData(db, actor=lambda: STAFF).import_file(kind, app.path, dry_run=False)
    assert snapshot(db) == before


def test_every_problem_is_listed_with_a_limit_and_nothing_is_written(db, basics):
    bad = [
        [
            f"B{i:03d}",
            "2024-03-05",
            "",
            "张伟",
            "13800138000",
            "",
            "",
            "TEA-01",
            "",
            "-1",
            "",
            "1",
            "",
        ]
        for i in range(SHOWN_PROBLEMS + 7)
    ]
    app = make_app(db, MANAGER)
    upload(app, "bad.csv", csv_bytes(ORDER_HEADERS_ZH, [ORDER_ROWS[0], *bad]))
    before = snapshot(db)
    app.check.click()
    assert app.message.kind == "error" and app.confirm.disabled
    assert f"{SHOWN_PROBLEMS + 7} problems found" in app.message.value
    rows = body_rows(app.problems.value)
    assert len(rows) == SHOWN_PROBLEMS
    first = html.unescape(rows[0])
    assert first.startswith("3</td><td>数量</td><td>-1</td><td>quantity: '-1' is not")
    assert "… and 7 more problems" in app.problems.value
    assert snapshot(db) == before


def test_skip_invalid_writes_the_rest_and_offers_the_rejected_rows(db, basics):
    bad = ["B001", "2024-03-05", "", "张伟", "13800138000", "", "", "TEA-01", "", "0", "", "1", ""]
    app = make_app(db, MANAGER)
    upload(app, "orders.csv", csv_bytes(ORDER_HEADERS_ZH, [*ORDER_ROWS, bad]))
    app.check.click()
    assert app.message.kind == "error" and app.confirm.disabled
    app.skip_invalid.value = True
    assert app.report is None and app.problems.value == ""  # options changed: check again
    app.check.click()
    assert app.message.kind == "success" and not app.confirm.disabled
    assert "1 rows would be left out" in app.message.value
    link = re.search(r"href='data:text/csv;base64,([^']+)'", app.rejected.value)
    rejected = base64.b64decode(link.group(1)).decode("utf-8-sig")
    assert "B001" in rejected and "is not a quantity" in rejected
    assert ".rejected.csv" not in app.summary.value  # the server's path means nothing here
    app.confirm.click()
    assert app.report.written and count(db, "orders") == 3


def test_customers_are_updated_only_with_the_update_option(db, basics, tmp_path):
    create_customer(db, {"name": "张伟", "mobile": "13800138000", "region": "杭州"})
    app = make_app(db, MANAGER)
    assert not shown(app.update)
    app.kind.value = "customers"
    assert shown(app.update)
    path = write_xlsx(
        tmp_path / "客户.xlsx",
        ["姓名", "手机号", "地区"],
        [["张伟", "13800138000", "上海"], ["李娜", "13900139000", "北京"]],
    )
    upload(app, path.name, path.read_bytes())
    assert "客户.xlsx (xlsx): 3 of 3 columns recognised" in app.mapping.value
    app.check.click()
    assert "1 new, 0 updated, 1 already present" in app.summary.value
    app.update.value = True
    assert app.confirm.disabled
    app.check.click()
    assert "1 new, 1 updated, 0 already present" in app.summary.value
    app.confirm.click()
    assert app.message.kind == "success", app.message.value
    with db.read() as conn:
        regions = dict(conn.execute(sa.select(customers.c.name, customers.c.region)).all())
    assert regions == {"张伟": "上海", "李娜": "北京"}


def test_a_gb18030_file_is_read_and_a_file_of_the_other_kind_says_what_is_missing(db, basics):
    app = make_app(db, MANAGER)
    app.kind.value = "customers"
    upload(
        app,
        "客户.csv",
        csv_bytes(["客户编号", "姓名", "手机"], [["C9", "王芳", "13700137000"]], "gb18030"),
    )
    assert "(gb18030)" in app.mapping.value and "王芳" in app.preview.value
    app.kind.value = "orders"  # a customers file is not an orders file
    assert app.message.kind == "error" and "no order_no column" in app.message.value
    app.check.click()
    assert app.message.kind == "error" and app.confirm.disabled
    assert count(db, "customers") == 0


@pytest.mark.parametrize(
    "name, content, says",
    [
        ("empty.csv", b"", "no header row"),
        ("photo.csv", bytes(range(128, 256)) * 40, "neither UTF-8 nor GB18030"),
        ("orders.xlsx", b"PK\x03\x04 not really a workbook", "cannot read this file"),
        ("orders.pdf", b"%PDF-1.4", "not a .csv or .xlsx file"),
        ("notes.csv", "随便写的一段话\n第二行\n".encode(), "no order_no column"),
    ],
)
def test_a_bad_file_gives_a_plain_message_and_writes_nothing(db, basics, name, content, says):
    before = snapshot(db)
    app = make_app(db, MANAGER)
    upload(app, name, content)
    assert app.message.kind == "error" and says in app.message.value
    app.check.click()
    assert app.message.kind == "error" and says in app.message.value
    assert "Traceback" not in app.message.value and app.confirm.disabled
    assert snapshot(db) == before
