"""Erasure on request (PIPL): a customer's personal data goes from every table, the change
log and the database files, while their orders keep amounts and dates; and every text
column of the schema is decided on (personal or not), so a new one cannot slip past."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import LI, WANG

from salesops import address_book, erasure, personal
from salesops.actors import Actor
from salesops.cli import main
from salesops.customers import create_customer, update_customer
from salesops.errors import PermissionDenied, ValidationError
from salesops.followups import log_contact, schedule
from salesops.importer import import_orders
from salesops.merge import merge_customers
from salesops.orders import change_status, create_order
from salesops.schema import customers, erasures, metadata, orders, reviews

pytestmark = pytest.mark.usefixtures("english")
BOSS = Actor("boss", "admin")
# Everything the shop holds about 欧阳小雨 (two records of her, one made by an import).
ERASED = [
    "欧阳小雨",
    "13912345678",
    "13912345679",
    "XiaoYu_Oy",
    "xiaoyu_oy",
    "oyxy_old",
    "浙江 杭州 拱墅",
    "欧阳团长",
    "喜欢奶油草莓",
    "文三路 90 号",
    "教工路 18 号",
    "莫干山路77号",
    "欧阳大海",
    "13700001111",
    "凤起路 22 号",
    "生日礼物",
    "问问草莓甜不甜",
    "她说很甜",
    "草莓很甜五星",
    "不想要了",
    "SF1234567890123",
]
# Someone else, who must come through untouched.
KEPT = ["李四海", "13600002222", "延安路1号"]


def _person(db, basics, tmp_path) -> dict:
    """欧阳小雨 in every table that can hold her, and 李四海 beside her; returns ids."""
    p = create_customer(
        db,
        {
            "name": "欧阳小雨",
            "mobile": "13912345678",
            "wechat_id": "XiaoYu_Oy",
            "region": "浙江 杭州 拱墅",
            "tags": "欧阳团长",
            "notes": "喜欢奶油草莓",
            "channel_id": basics["wechat_moments"],
        },
        WANG,
    )
    p = update_customer(db, p["id"], {"notes": "喜欢奶油草莓，常买"}, p["version"], WANG)
    home = address_book.add_address(
        db,
        p["id"],
        {"recipient": "欧阳小雨", "mobile": "13912345678", "province": "浙江",
         "city": "杭州", "district": "西湖区", "detail": "文三路 90 号"},
        WANG,
    )  # fmt: skip
    address_book.add_address(
        db,
        p["id"],
        {"recipient": "欧阳小雨", "mobile": "13912345678", "province": "浙江",
         "city": "杭州", "district": "拱墅区", "detail": "教工路 18 号"},
        WANG,
    )  # fmt: skip
    shipped = create_order(db, p["id"], [{"sku": "TEA-01", "quantity": 2}], ship_to=home["id"])
    paid = change_status(db, shipped["id"], "paid", 1, actor=WANG)
    change_status(
        db, shipped["id"], "shipped", paid["version"], courier="sf",
        tracking_no="SF1234567890123", actor=WANG,
    )  # fmt: skip
    gift = create_order(
        db,
        p["id"],
        [{"sku": "HONEY-02", "quantity": 1}],
        note="生日礼物",
        ship_to={"recipient": "欧阳大海", "mobile": "13700001111", "province": "浙江",
                 "city": "杭州", "district": "上城区", "detail": "凤起路 22 号", "save": False},
    )  # fmt: skip
    change_status(db, gift["id"], "cancelled", 1, reason="不想要了", actor=LI)
    planned = schedule(db, p["id"], datetime.now(UTC) + timedelta(days=2), note="问问草莓甜不甜")
    log_contact(db, p["id"], note="回访", outcome="她说很甜", followup_id=planned["id"],
                expected_version=planned["version"])  # fmt: skip
    with db.write() as conn:
        conn.execute(
            sa.insert(reviews).values(
                customer_id=p["id"], order_id=shipped["id"], posted_at=datetime.now(UTC),
                rating=5, content="草莓很甜五星",
            )
        )  # fmt: skip
    # her second record, made by an orders import with a ship-to line, then merged
    path = tmp_path / "orders.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(
            [
                ["订单号", "下单时间", "客户姓名", "手机", "微信号", "商品编码", "数量", "单价",
                 "状态", "收货地址"],
                ["IMP1", "2026-11-02 10:00", "欧阳小雨", "13912345679", "oyxy_old", "TEA-01",
                 "1", "128", "已付款", "欧阳小雨 13912345679 浙江省杭州市西湖区莫干山路 77 号"],
                ["IMP2", "2026-11-02 11:00", "李四海", "13600002222", "", "TEA-01", "1", "128",
                 "已付款", "李四海 13600002222 浙江省杭州市上城区延安路 1 号"],
            ]
        )  # fmt: skip
    report = import_orders(db, path, actor=LI)
    assert report.problems == [] and report.written, report.lines()
    with db.read() as conn:
        other = conn.execute(
            sa.select(customers.c.id).where(customers.c.mobile == "13912345679")
        ).scalar()
        li = conn.execute(sa.select(customers.c.id).where(customers.c.name == "李四海")).scalar()
    merge = merge_customers(
        db, p["id"], other, WANG, evidence="same name, mobiles 13912345678 and 13912345679"
    )
    return {"id": p["id"], "code": p["code"], "other": other, "li": li, "merge": merge["id"]}


def _books(db) -> list[tuple]:
    """Every order's number, status, amounts, dates and lines: what must not change."""
    with db.read() as conn:
        return conn.execute(
            sa.text(
                "select o.order_no, o.status, o.ordered_at, o.goods_amount, o.discount, "
                "o.shipping, o.total, o.customer_id, o.courier, l.sku, l.quantity, l.amount "
                "from orders o join order_lines l on l.order_id = o.id order by o.order_no, l.id"
            )
        ).all()


def _text_cells(db) -> list[tuple[str, str, str]]:
    """(table, column, text) of every non-empty cell of every table in the database,
    search tables and anything not modelled included."""
    found = []
    inspector = sa.inspect(db.engine)
    with db.read() as conn:
        for table in inspector.get_table_names():
            if db.is_sqlite and table.startswith("sqlite_"):
                continue
            result = conn.exec_driver_sql(f'select * from "{table}"')
            names = list(result.keys())
            for row in result:
                for name, value in zip(names, row, strict=True):
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    if value not in (None, ""):
                        found.append((table, name, str(value)))
    return found


def _database_files(db, pg_server) -> list[Path]:
    """The files the database lives in: SQLite's file and WAL, PostgreSQL's relation files."""
    if db.is_sqlite:
        path = Path(db.engine.url.database)
        return [p for p in (path, Path(f"{path}-wal")) if p.exists()]
    with db.engine.connect() as conn:  # pages in memory written out first
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("checkpoint")
    with db.read() as conn:
        oid = conn.exec_driver_sql(
            "select oid from pg_database where datname = current_database()"
        ).scalar()
    return [p for p in (Path(pg_server.datadir) / "base" / str(oid)).iterdir() if p.is_file()]


def test_erasure_leaves_no_trace_of_the_person_and_keeps_the_books(db, basics, tmp_path, request):
    who = _person(db, basics, tmp_path)
    before = _books(db)
    cells = _text_cells(db)
    for value in ERASED + KEPT:  # the fixture really puts each value somewhere
        assert any(value in text for _, _, text in cells), value

    done = erasure.erase_customer(db, who["code"], "customer asked by WeChat, ticket 7", BOSS)

    left = [(t, c, v) for t, c, text in _text_cells(db) for v in ERASED if v in text]
    assert left == []
    for value in KEPT:
        assert any(value in text for _, _, text in _text_cells(db)), value
    assert _books(db) == before  # every order, amount, date and line as it was
    pg = request.getfixturevalue("pg_server") if not db.is_sqlite else None
    data = b"".join(path.read_bytes() for path in _database_files(db, pg))
    assert [v for v in ERASED if v.encode() in data] == []
    assert [v for v in KEPT if v.encode() not in data] == []  # the files we read hold data

    with db.read() as conn:
        row = conn.execute(sa.select(customers).where(customers.c.id == who["id"])).mappings().one()
        record = conn.execute(sa.select(erasures)).mappings().one()
        kept = conn.execute(
            sa.select(customers.c.name, customers.c.mobile).where(customers.c.id == who["li"])
        ).one()
        mine = conn.execute(
            sa.select(sa.func.count()).where(orders.c.customer_id == who["id"])
        ).scalar()
    assert (row["name"], row["mobile"], row["wechat_id"], row["notes"]) == (
        personal.ERASED_NAME,
        None,
        None,
        "",
    )
    assert row["deleted_at"] is not None and mine == 3  # her orders, under the placeholder
    assert tuple(kept) == ("李四海", "13600002222")
    assert (record["customer_code"], record["actor"]) == (who["code"], "boss")
    assert record["reason"] == "customer asked by WeChat, ticket 7"
    assert done["erased"]["customer_addresses"] == 2 and done["erased"]["orders"] == 3
    assert done["erased"]["audit_log"] > 0
    assert erasure.erasures_of(db)[0]["id"] == done["id"]


def test_only_admins_erase_and_the_reason_may_not_repeat_the_data(db, basics):
    c = create_customer(db, {"name": "欧阳小雨", "mobile": "13912345678"}, WANG)

    for actor in (WANG, LI):
        with pytest.raises(PermissionDenied):
            erasure.erase_customer(db, c["code"], "asked", actor)
    for reason in ("欧阳小雨 asked", "asked from 139 1234 5678", ""):
        with pytest.raises(ValidationError):
            erasure.erase_customer(db, c["code"], reason, BOSS)
    with db.read() as conn:
        assert conn.execute(sa.select(customers.c.name)).scalar() == "欧阳小雨"
        assert conn.execute(sa.select(sa.func.count()).select_from(erasures)).scalar() == 0
    erasure.erase_customer(db, c["code"], "asked", BOSS)
    with pytest.raises(ValidationError, match="already erased by boss"):
        erasure.erase_customer(db, c["code"], "asked", BOSS)


def test_the_erase_command_asks_first_and_says_what_it_cleared(db, basics):
    c = create_customer(db, {"name": "欧阳小雨", "mobile": "13912345678", "notes": "常买"}, WANG)
    runner = CliRunner()
    args = ["--db", db.url, "customers", "erase", c["code"], "--reason", "asked"]
    refused = runner.invoke(main, args, input="n\n")
    assert refused.exit_code == 1 and "欧阳小雨" in refused.output and "Aborted" in refused.output
    with db.read() as conn:
        assert conn.execute(sa.select(customers.c.name)).scalar() == "欧阳小雨"
    done = runner.invoke(main, [*args, "--yes"])
    assert done.exit_code == 0, done.output
    assert f"erased {c['code']} (erasure #1; cleared: audit_log 1, customers 1)" in done.output
    again = runner.invoke(main, [*args, "--yes"])
    assert again.exit_code == 1 and "already erased" in again.output
    assert "Traceback" not in again.output
    missing = runner.invoke(main, [*args[:4], "C999999", "--reason", "x", "--yes"])
    assert missing.exit_code == 1 and "no customer with code 'C999999'" in missing.output


def test_every_text_column_is_decided_personal_or_not():
    assert personal.unclassified() == [], (
        "say in salesops/personal.py (HELD or NOT_PERSONAL), or with info={'personal': ...} "
        "on the column, whether these hold a customer's personal data"
    )


def test_a_new_text_column_nobody_decided_on_is_caught():
    extra = sa.MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(extra)
    sa.Table(
        "group_buys",
        extra,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.Integer),
        sa.Column("buyer_line", sa.Text),
        sa.Column("note", sa.Text, info={"personal": True}),
        sa.Column("sku", sa.String(64), info={"personal": False}),
    )
    assert personal.unclassified(extra) == ["group_buys.buyer_line"]
    marked = [h for h in personal.held(extra) if h.table == "group_buys"]
    assert [(h.columns, h.owner, h.target) for h in marked] == [
        (("note",), "customer_id", "customers")
    ]
