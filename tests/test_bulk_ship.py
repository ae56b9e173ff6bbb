"""Bulk shipping from an empty database: reading the lines courier software and
spreadsheets export, the preview's state for each line, all or nothing, skipping the
invalid lines (their file formula-safe), and `salesops orders ship` on both databases."""

from __future__ import annotations

import csv

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import LI, WANG
from importfiles import write_xlsx

from salesops import audit, orders
from salesops.cli import main
from salesops.errors import ValidationError
from salesops.schema import audit_log, order_status_history
from salesops.schema import orders as orders_table
from salesops.shipping import bulk
from salesops.shipping.lines import read_text

pytestmark = pytest.mark.usefixtures("english")

# -- reading (no database) ---------------------------------------------------------------------


def cells(text: str) -> list[tuple]:
    return [(ln.order_no, ln.courier_text, ln.tracking_text, ln.readable) for ln in read_text(text)]


def test_lines_are_read_from_tabs_commas_or_spaces_with_or_without_a_header():
    assert cells("订单号\t快递公司\t快递单号\nSO1\t顺丰速运\tSF1234567890123\n\n") == [
        ("SO1", "顺丰速运", "SF1234567890123", True)
    ]
    assert cells('SO2,"中通",781234567890\nSO3，圆通，YT7512345678901') == [
        ("SO2", "中通", "781234567890", True),
        ("SO3", "圆通", "YT7512345678901", True),
    ]
    assert cells("SO4 J&T Express JT0001234567890\nSO5 顺丰 SF 1234 5678 9012 3\nSO6 自提") == [
        ("SO4", "J&T Express", "JT0001234567890", True),
        ("SO5", "顺丰", "SF1234567890123", True),
        ("SO6", "自提", "", True),
    ]
    assert cells("ＳＯ７　中通　７８１２３４５６７８９０") == [
        ("SO7", "中通", "781234567890", True)
    ]
    assert cells("SO8") == [("SO8", "", "", False)]


def test_a_header_may_put_the_columns_anywhere_among_others():
    text = "运单号,收件人,商家订单号,物流公司,重量\nYT7512345678901,张三,SO9,圆通,1.2\n"
    assert cells(text) == [("SO9", "圆通", "YT7512345678901", True)]
    assert read_text(text)[0].row == 2
    with pytest.raises(ValidationError, match="no tracking_no column"):
        read_text("order_no,courier,weight\nSO1,sf,1")


# -- checking and shipping ---------------------------------------------------------------------


@pytest.fixture
def shop(db, buyer):
    """Orders: four paid, one new, one cancelled, two shipped with 中通 781234567890 and
    781234567893."""
    made = {}

    def order(name, *moves, **ship):
        o = orders.create_order(db, buyer["id"], [{"sku": "TEA-01", "quantity": 1}], actor=WANG)
        version = 1
        for status in moves:
            extra = ship if status == "shipped" else {}
            version = orders.change_status(
                db, o["id"], status, version, reason="r", actor=LI, **extra
            )["version"]
        made[name] = {**o, "version": version}

    for name in ("a", "b", "c", "d"):
        order(name, "paid")
    order("new")
    order("gone", "cancelled")
    order("sent", "paid", "shipped", courier="中通", tracking_no="781234567890")
    order("sent2", "paid", "shipped", courier="中通", tracking_no="781234567893")
    return made


def status_of(db, order_id):
    with db.read() as conn:
        return conn.execute(
            sa.select(orders_table.c.status, orders_table.c.tracking_no).where(
                orders_table.c.id == order_id
            )
        ).one()


def test_the_preview_gives_every_line_its_state(db, shop):
    n = {k: v["order_no"] for k, v in shop.items()}
    text = "\n".join(
        [
            f"{n['a']} 顺丰 SF1234567890123",
            f"{n['b']} 顺丰 SF12345",
            f"{n['c']} 天天 1234567890",
            "SO99999999 中通 781234567890",
            f"{n['new']} 中通 781234567891",
            f"{n['gone']} 中通 781234567892",
            f"{n['sent']} 中通 781234567890",
            f"{n['sent2']} 中通 781234567899",
            f"{n['d']} 圆通 YT7512345678901",
            f"{n['d'].lower()} 圆通 yt7512345678901",
            "just-a-word",
        ]
    )
    report = bulk.check(db, read_text(text))
    assert [ln.state for ln in report.lines] == [
        "ready",
        "bad_number",
        "bad_courier",
        "not_found",
        "not_paid",
        "not_paid",
        "recorded",
        "shipped_other",
        "ready",
        "repeated",
        "unreadable",
    ]
    by_row = {ln.row: ln for ln in report.lines}
    assert "SF and 12-13 digits" in by_row[2].message
    assert "cancelled" in by_row[6].message
    assert "ZTO Express 781234567893" in by_row[8].message
    assert "same as line 9" in by_row[10].message
    assert report.summary() == "11 lines: 2 to ship, 2 already done, 7 with problems"
    assert status_of(db, shop["a"]["id"]) == ("paid", None)  # a check writes nothing


def test_an_order_listed_with_two_numbers_is_a_conflict_on_both_lines(db, shop):
    no = shop["a"]["order_no"]
    report = bulk.check(db, read_text(f"{no} 中通 781234567890\n{no} 中通 781234567891"))
    assert [ln.state for ln in report.lines] == ["conflict", "conflict"]
    assert "also on line 2" in report.lines[0].message


def test_all_or_nothing_ships_nothing_when_one_line_is_wrong(db, shop):
    text = f"{shop['a']['order_no']},sf,SF1234567890123\n{shop['b']['order_no']},sf,SF1"
    report = bulk.ship(db, read_text(text), actor=WANG)
    assert not report.written and report.shipped == 0
    assert status_of(db, shop["a"]["id"]) == ("paid", None)
    assert "Nothing was shipped: 1 lines have problems" in report.report_lines()[-1]


def test_every_valid_line_ships_in_one_go_with_history_and_audit(db, shop):
    text = "\n".join(
        f"{shop[k]['order_no']}\t圆通\tYT75123456789{i:02d}" for i, k in enumerate("abcd")
    )
    report = bulk.ship(db, read_text(text), actor=WANG)
    assert (report.written, report.shipped) == (True, 4)
    for i, k in enumerate("abcd"):
        assert status_of(db, shop[k]["id"]) == ("shipped", f"YT75123456789{i:02d}")
    with db.read() as conn:
        moves = conn.execute(
            sa.select(order_status_history.c.from_status, order_status_history.c.changed_by)
            .where(order_status_history.c.order_id == shop["b"]["id"])
            .order_by(order_status_history.c.id)
        ).all()
        change = audit.history(conn, "orders", shop["b"]["id"])[-1]
    assert moves[-1] == ("paid", "wang.fang")
    assert change["new_values"] == {
        "status": "shipped",
        "courier": "yto",
        "tracking_no": "YT7512345678901",
    }
    assert change["old_values"] == {"status": "paid", "courier": None, "tracking_no": None}
    with db.read() as conn:  # the text itself is what audit.dump writes (the fast path)
        raw = conn.execute(
            sa.select(audit_log.c.old_values, audit_log.c.new_values).where(
                audit_log.c.id == change["id"]
            )
        ).one()
    assert tuple(raw) == (audit.dump(change["old_values"]), audit.dump(change["new_values"]))
    again = bulk.ship(db, read_text(text), actor=WANG)
    assert [ln.state for ln in again.lines] == ["recorded"] * 4 and again.shipped == 0


def test_skip_invalid_ships_the_rest_and_writes_the_rejected_lines_formula_safe(db, shop, tmp_path):
    text = (
        f"{shop['a']['order_no']},sf,SF1234567890123\n"
        f'{shop["b"]["order_no"]},sf,=HYPERLINK("http://x")\n'
        f"{shop['new']['order_no']},sf,SF1234567890124\n"
    )
    rejected = tmp_path / "ship.rejected.csv"
    report = bulk.ship(db, read_text(text), actor=WANG, skip_invalid=True, rejected_to=rejected)
    assert (report.shipped, report.rejected_rows) == (1, 2)
    assert status_of(db, shop["a"]["id"])[0] == "shipped"
    assert status_of(db, shop["b"]["id"])[0] == "paid"
    rows = list(csv.reader(rejected.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["line", "order_no", "courier", "tracking_no", "reason"]
    assert [r[0] for r in rows[1:]] == ["2", "3"]
    assert rows[1][3] == '\'=HYPERLINK("http://x")'
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_a_line_checked_stale_is_not_shipped_twice(db, shop):
    """The order moved on between the preview and the shipment: the shipment re-checks."""
    lines = read_text(f"{shop['a']['order_no']} sf SF1234567890123")
    assert bulk.check(db, lines).lines[0].state == "ready"
    orders.change_status(
        db, shop["a"]["id"], "cancelled", shop["a"]["version"], reason="x", actor=LI
    )
    report = bulk.ship(db, lines, actor=WANG)
    assert report.lines[0].state == "not_paid" and not report.written


# -- the command -------------------------------------------------------------------------------


def run(db_url, *args, ok=True):
    result = CliRunner().invoke(main, ["--db", db_url, *args])
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def test_salesops_orders_ship_checks_refuses_and_skips(db, db_url, shop, tmp_path):
    n = {k: v["order_no"] for k, v in shop.items()}
    path = tmp_path / "waybills.csv"
    path.write_text(
        f"订单编号,快递公司,运单号\n{n['a']},中通,781234567890\n{n['b']},中通,78123\n",
        encoding="gb18030",
    )
    out = run(db_url, "orders", "ship", str(path), "--dry-run", ok=False)
    assert "2 lines: 1 to ship, 0 already done, 1 with problems" in out
    assert "line 3:" in out and "ZTO Express" in out
    run(db_url, "orders", "ship", str(path), ok=False)
    assert status_of(db, shop["a"]["id"])[0] == "paid"
    out = run(db_url, "orders", "ship", str(path), "--skip-invalid")
    assert "1 orders shipped." in out and "waybills.csv.rejected.csv" in out
    assert status_of(db, shop["a"]["id"]) == ("shipped", "781234567890")
    assert (tmp_path / "waybills.csv.rejected.csv").exists()


def test_salesops_orders_ship_reads_a_spreadsheet(db, db_url, shop, tmp_path):
    path = write_xlsx(
        tmp_path / "ship.xlsx",
        ["order_no", "courier", "tracking_no"],
        [[shop["c"]["order_no"], "韵达", 4312345678901]],
    )
    assert "1 orders shipped." in run(db_url, "orders", "ship", str(path))
    assert status_of(db, shop["c"]["id"]) == ("shipped", "4312345678901")
