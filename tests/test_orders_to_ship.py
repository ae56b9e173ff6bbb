"""The orders waiting to ship from an empty database: paid and not shipped, by channel,
community and day; their pick list and packing slips as PDF, read back with pdftotext,
from the service and from `salesops orders packing-slips`; making them logs each buyer
whose full mobile and address they print."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import LI, WANG, missing_service

from salesops import address_book, customers, orders
from salesops.cli import main
from salesops.errors import ValidationError
from salesops.schema import audit_log, communities, community_members
from salesops.shipping.waiting import packing_slips, waiting_orders

pytestmark = pytest.mark.usefixtures("english")
HOME = {
    "recipient": "张伟",
    "mobile": "13800138000",
    "province": "浙江省",
    "city": "杭州市",
    "district": "西湖区",
    "detail": "文三路 90 号",
}


def pdf_text(path) -> str:
    """The PDF's text without white space (pdftotext spaces CJK text as it likes)."""
    if shutil.which("pdftotext") is None:
        missing_service("pdftotext is needed (scripts/system-deps.sh installs poppler-utils)")
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())


@pytest.fixture
def waiting(db, basics, buyer):
    """张伟 (default address at home) with orders: paid on 11-02 by WeChat Moments, paid on
    11-05 through the micro-store, new, and shipped; 李娜, in community 草莓团 since 11-01,
    with a paid self-pickup order on 11-04."""
    address_book.add_address(db, buyer["id"], HOME, WANG)
    other = customers.create_customer(db, {"name": "李娜", "mobile": "13912345678"}, WANG)
    lines = [{"sku": "TEA-01", "quantity": 2}, {"sku": "GIFT-03", "quantity": 1}]

    def order(who, day, moves=("paid",), **options):
        when = datetime(2026, 11, day, 4, 0, tzinfo=UTC)
        o = orders.create_order(
            db,
            who,
            lines,
            ordered_at=when,
            actor=WANG,
            channel=options.pop("channel", "wechat_moments"),
            **options,
        )
        version = 1
        for status in moves:
            extra = (
                {"courier": "中通", "tracking_no": "781234567890"} if status == "shipped" else {}
            )
            version = orders.change_status(db, o["id"], status, version, actor=LI, **extra)[
                "version"
            ]
        return o["order_no"]

    made = {
        "early": order(buyer["id"], 2, note="不要放发票"),
        "store": order(buyer["id"], 5, channel="micro_store"),
        "new": order(buyer["id"], 6, moves=()),
        "sent": order(buyer["id"], 3, moves=("paid", "shipped")),
        "pickup": order(other["id"], 4, ship_to=None, courier="自提"),
    }
    with db.write() as conn:
        cid = conn.execute(
            sa.insert(communities).values(
                name="草莓团", created_at=datetime(2026, 1, 1, tzinfo=UTC)
            )
        ).inserted_primary_key[0]
        conn.execute(
            sa.insert(community_members).values(
                community_id=cid,
                customer_id=other["id"],
                joined_at=datetime(2026, 11, 1, tzinfo=UTC),
            )
        )
    return {**made, "buyer": buyer["id"], "li": other["id"]}


def numbers(rows) -> list[str]:
    return [r["order_no"] for r in rows]


def test_the_waiting_orders_are_paid_not_shipped_oldest_first_with_lines(db, waiting):
    rows = waiting_orders(db)
    assert numbers(rows) == [waiting["early"], waiting["pickup"], waiting["store"]]
    first = rows[0]
    assert (first["ship_recipient"], first["ship_district"], first["note"]) == (
        "张伟",
        "西湖区",
        "不要放发票",
    )
    assert [(ln["sku"], ln["quantity"]) for ln in first["lines"]] == [("TEA-01", 2), ("GIFT-03", 1)]
    assert rows[1]["courier"] == "pickup" and rows[1]["ship_recipient"] is None


def test_filters_by_channel_community_and_day(db, waiting):
    assert numbers(waiting_orders(db, channel="micro_store")) == [waiting["store"]]
    assert numbers(waiting_orders(db, channel="朋友圈")) == [waiting["early"], waiting["pickup"]]
    assert numbers(waiting_orders(db, community="草莓团")) == [waiting["pickup"]]
    assert numbers(waiting_orders(db, since=date(2026, 11, 4))) == [
        waiting["pickup"],
        waiting["store"],
    ]
    assert numbers(waiting_orders(db, until=date(2026, 11, 2))) == [waiting["early"]]
    with pytest.raises(ValidationError, match="no channel"):
        waiting_orders(db, channel="抖音")
    with pytest.raises(ValidationError, match="no community"):
        waiting_orders(db, community="没有这个群")


def exports(db) -> list[tuple]:
    """The change log's `export` rows: (customer id, who, new values)."""
    a = audit_log.c
    with db.read() as conn:
        rows = conn.execute(
            sa.select(a.row_id, a.actor, a.new_values)
            .where(a.table_name == "customers", a.action == "export")
            .order_by(a.row_id)
        ).all()
    return [(r.row_id, r.actor, json.loads(r.new_values)) for r in rows]


def test_the_pdf_holds_the_pick_list_and_a_slip_per_order(db, waiting, tmp_path):
    assert exports(db) == []
    pdf, count = packing_slips(db, size="a4", actor=WANG)
    assert count == 3 and pdf.startswith(b"%PDF")
    path = tmp_path / "slips.pdf"
    path.write_bytes(pdf)
    text = pdf_text(path)
    for order_no in (waiting["early"], waiting["pickup"], waiting["store"]):
        assert order_no in text
    assert waiting["new"] not in text and waiting["sent"] not in text
    for words in ("张伟", "文三路90号", "TEA-01", "明前龙井250g", "不要放发票", "Selfpickup"):
        assert words in text, words
    assert "13800138000" in text  # the full mobile: the courier needs it
    slips = {"file": "packing-slips-a4.pdf", "kind": "slips"}
    # one row for 张伟, whose mobile and address it prints; none for 李娜 (self pickup)
    assert exports(db) == [(waiting["buyer"], "wang.fang", slips)]


def test_no_pdf_no_export_row(db, waiting):
    with pytest.raises(ValidationError):
        packing_slips(db, since=date(2026, 12, 1), actor=WANG)
    assert exports(db) == []


def test_no_waiting_orders_is_said_and_makes_no_pdf(db, waiting):
    with pytest.raises(ValidationError, match="no orders to print"):
        packing_slips(db, since=date(2026, 12, 1))


def run(db_url, *args, ok=True):
    result = CliRunner().invoke(main, ["--db", db_url, *args])
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def test_salesops_orders_packing_slips(db, db_url, waiting, tmp_path):
    out = tmp_path / "labels.pdf"
    said = run(
        db_url,
        "orders",
        "packing-slips",
        "--since",
        "2026-11-03",
        "--size",
        "label",
        "-o",
        str(out),
    )
    assert said.splitlines()[0] == f"2 orders -> {out}"
    assert "full mobile numbers and addresses" in said and "change log" in said
    text = pdf_text(out)
    assert "13800138000" in text and "13912345678" not in text  # 李娜 picks hers up
    assert [(cid, new) for cid, _, new in exports(db)] == [
        (waiting["buyer"], {"file": "labels.pdf", "kind": "slips"})
    ]
    assert waiting["pickup"] in text and waiting["store"] in text
    assert waiting["early"] not in text
    said = run(db_url, "orders", "packing-slips", "--channel", "nowhere", "-o", str(out), ok=False)
    assert "no channel" in said
