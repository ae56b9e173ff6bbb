"""Access on request (PIPL): `salesops customers export-data CODE -o FILE.json` hands a
person everything the shop holds about them — their records (merged ones too),
identifiers, addresses, orders with lines, refunds and shipments, follow-ups, community
stays, reviews and the change log about them — and nothing about anyone else; admins
only, written in the change log, into a file only its owner can read."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import LI, WANG

from salesops import access, address_book, communities, erasure, personal, stock
from salesops.actors import Actor
from salesops.cli import main
from salesops.customers import create_customer
from salesops.errors import NotFoundError, PermissionDenied, ValidationError
from salesops.followups import schedule
from salesops.merge import merge_customers
from salesops.orders import change_status, create_order
from salesops.refunds import refund_order
from salesops.reviews import record_review
from salesops.schema import audit_log, metadata

pytestmark = pytest.mark.usefixtures("english")
BOSS = Actor("boss", "admin")
# What the shop holds about 欧阳小雨, each value in one place of the fixture.
HERS = [
    "欧阳小雨",
    "13912345678",
    "XiaoYu_Oy",
    "喜欢奶油草莓",
    "13912345679",
    "oyxy_old",
    "文三路 90 号",
    "SF1234567890123",
    "少了一盒",
    "问问草莓甜不甜",
    "草莓很甜五星",
    "生日礼物",
]
# Someone else: never in her file.
OTHERS = ["李四海", "13600002222", "延安路1号"]


def _person(db, basics) -> dict:
    """欧阳小雨 with every kind of data the shop holds, her second record merged into her
    first, and 李四海 beside her in the same community; returns ids and codes."""
    p = create_customer(
        db,
        {"name": "欧阳小雨", "mobile": "13912345678", "wechat_id": "XiaoYu_Oy",
         "notes": "喜欢奶油草莓", "channel_id": basics["wechat_moments"]},
        WANG,
    )  # fmt: skip
    stock.adjust(db, "TEA-01", 50, "stocktake", LI)  # counted: a refund puts goods back
    old = create_customer(db, {"name": "小雨", "mobile": "13912345679", "wechat_id": "oyxy_old"})
    li = create_customer(
        db, {"name": "李四海", "mobile": "13600002222", "channel_id": basics["micro_store"]}, WANG
    )
    address_book.add_address(
        db, li["id"], {"recipient": "李四海", "mobile": "13600002222", "province": "浙江",
                       "city": "杭州", "district": "上城区", "detail": "延安路1号"}, WANG,
    )  # fmt: skip
    home = address_book.add_address(
        db, p["id"], {"recipient": "欧阳小雨", "mobile": "13912345678", "province": "浙江",
                      "city": "杭州", "district": "西湖区", "detail": "文三路 90 号"}, WANG,
    )  # fmt: skip
    order = create_order(
        db, p["id"], [{"sku": "TEA-01", "quantity": 2}, {"sku": "HONEY-02", "quantity": 1}],
        ship_to=home["id"], note="生日礼物",
    )  # fmt: skip
    paid = change_status(db, order["id"], "paid", 1, actor=WANG)
    change_status(
        db, order["id"], "shipped", paid["version"], courier="sf",
        tracking_no="SF1234567890123", actor=WANG,
    )  # fmt: skip
    refund_order(
        db, order["id"], lines=[{"line_no": 1, "quantity": 1}], reason="少了一盒", restock=True,
        actor=LI,
    )  # fmt: skip
    create_order(db, li["id"], [{"sku": "TEA-01", "quantity": 1}])
    schedule(db, p["id"], datetime.now(UTC) + timedelta(days=2), note="问问草莓甜不甜")
    group = communities.create_community(db, {"name": "草莓团"}, LI)
    communities.add_member(db, group["id"], p["id"], actor=WANG)
    communities.add_member(db, group["id"], li["id"], actor=WANG)
    communities.remove_member(db, group["id"], p["id"], actor=WANG)
    record_review(db, order["id"], {"rating": 5, "content": "草莓很甜五星"}, WANG)
    merge = merge_customers(db, p["id"], old["id"], WANG, evidence="same name")
    return {"id": p["id"], "code": p["code"], "old": old["code"], "order": order["id"],
            "merge": merge["id"], "li": li["code"]}  # fmt: skip


def _text(data: dict) -> str:
    """The export as it is written to the file."""
    return json.dumps(data, ensure_ascii=False)


def test_the_export_holds_every_kind_of_data_about_her_and_nothing_about_others(db, basics):
    who = _person(db, basics)

    data = access.export_customer_data(db, who["code"], BOSS, file_name="xiaoyu.json")

    header = data["header"]
    assert (header["customer_code"], header["generated_by"]) == (who["code"], "boss")
    assert header["format_version"] == access.FORMAT_VERSION and header["erased_at"] is None
    assert sorted(header["records"]) == sorted([who["code"], who["old"]])
    assert header["generated_at"].endswith("+00:00") and header["time_zone"] == "Asia/Shanghai"
    profile = data["profile"]
    assert (profile["record"]["name"], profile["record"]["mobile"]) == ("欧阳小雨", "13912345678")
    assert profile["record"]["channel"] == "wechat_moments"
    assert [r["code"] for r in profile["same_person"]] == [who["old"]]
    assert "13912345679" in {i["value"] for i in data["identifiers"]}
    assert [a["detail"] for a in data["addresses"]] == ["文三路 90 号"]

    [order] = data["orders"]
    assert [line["sku"] for line in order["lines"]] == ["TEA-01", "HONEY-02"]
    assert order["total"] == "324.50" and order["note"] == "生日礼物"  # money as text
    assert order["ship_to"]["detail"] == "文三路 90 号"
    assert order["shipment"]["tracking_no"] == "SF1234567890123"
    assert order["shipment"]["courier"] == "sf" and order["shipment"]["shipped_at"]
    assert [h["to_status"] for h in order["status_history"]][:3] == ["new", "paid", "shipped"]
    [refund] = order["refunds"]
    assert refund["reason"] == "少了一盒" and refund["amount"] == "128.00"
    assert [(x["quantity"], x["amount"]) for x in refund["lines"]] == [(1, "128.00")]
    assert "unit_cost" not in order["lines"][0] and "goods_cost" not in order  # the shop's
    moved = data["other"]["stock_movements"]  # the goods her order took and gave back
    assert [(m["kind"], m["quantity"]) for m in moved] == [("sold", -2), ("returned", 1)]
    assert order["ordered_at"].endswith("+00:00") and len(order["ordered_at_local"]) == 19

    assert [f["note"] for f in data["followups"]] == ["问问草莓甜不甜"]
    [stay] = data["communities"]["memberships"]
    assert stay["community"] == "草莓团" and stay["joined_at"] and stay["left_at"]
    assert [r["content"] for r in data["reviews"]] == ["草莓很甜五星"]
    assert [m["id"] for m in data["merges"]] == [who["merge"]]
    logged = {(a["table_name"], a["action"]) for a in data["audit"]}
    for table in ("customers", "customer_addresses", "orders", "followups", "reviews"):
        assert (table, "create") in logged, table
    assert ("community_members", "create") in logged

    text = _text(data)
    assert [v for v in HERS if v not in text] == []
    assert [v for v in OTHERS if v in text] == []
    assert who["li"] not in text
    assert "51.20" not in text and "on_hand" not in text  # the shop's costs and stock
    with db.read() as conn:
        row = conn.execute(
            sa.select(audit_log).where(audit_log.c.action == "export_data")
        ).mappings().one()  # fmt: skip
    assert (row["table_name"], row["row_id"], row["actor"]) == ("customers", who["id"], "boss")
    assert json.loads(row["new_values"]) == {"file": "xiaoyu.json"}


def test_the_merged_records_code_finds_the_same_person(db, basics):
    who = _person(db, basics)

    data = access.export_customer_data(db, who["old"], BOSS)

    assert data["profile"]["record"]["code"] == who["old"]
    assert [r["code"] for r in data["profile"]["same_person"]] == [who["code"]]
    assert len(data["orders"]) == 1


def test_only_admins_export_and_an_unknown_code_is_refused(db, basics):
    c = create_customer(db, {"name": "欧阳小雨", "mobile": "13912345678"}, WANG)

    for actor in (WANG, LI):
        with pytest.raises(PermissionDenied, match="hand a customer their personal data"):
            access.export_customer_data(db, c["code"], actor)
    with pytest.raises(NotFoundError, match="C999999"):
        access.export_customer_data(db, "C999999", BOSS)
    with db.read() as conn:
        actions = conn.execute(sa.select(audit_log.c.action)).scalars().all()
    assert "export_data" not in actions


def test_after_erasure_the_export_holds_none_of_her_values(db, basics):
    who = _person(db, basics)
    access.export_customer_data(db, who["code"], BOSS, file_name="欧阳小雨.json")
    erasure.erase_customer(db, who["code"], "asked by WeChat", BOSS)

    data = access.export_customer_data(db, who["code"], BOSS)

    text = _text(data)
    assert [v for v in HERS if v in text] == []  # the first export's file name too
    assert [a["action"] for a in data["audit"]].count("export_data") == 1
    assert data["header"]["erased_at"] and data["profile"]["record"]["name"] == "已删除客户"
    assert len(data["orders"]) == 1 and data["orders"][0]["total"] == "324.50"
    assert data["other"]["erasures"][0]["reason"] == "asked by WeChat"


def test_the_command_writes_a_private_file_and_never_over_another(db, basics, tmp_path):
    who = _person(db, basics)
    target = tmp_path / "out" / "xiaoyu.json"
    runner = CliRunner()
    args = ["--db", db.url, "customers", "export-data", who["code"], "-o", str(target)]

    done = runner.invoke(main, args)

    assert done.exit_code == 0, done.output
    assert f"wrote {target}" in done.output and "personal data" in done.output
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["profile"]["record"]["name"] == "欧阳小雨"
    assert "欧阳小雨" in target.read_text(encoding="utf-8")  # UTF-8, not \\u escapes

    target.write_text("theirs", encoding="utf-8")
    again = runner.invoke(main, args)
    assert again.exit_code == 1 and "already exists" in again.output and "--force" in again.output
    assert target.read_text(encoding="utf-8") == "theirs"
    forced = runner.invoke(main, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert json.loads(target.read_text(encoding="utf-8"))["header"]["customer_code"] == who["code"]
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert list(target.parent.iterdir()) == [target]  # no partial file left

    missing = runner.invoke(main, [*args[:4], "C999999", "-o", str(tmp_path / "x.json")])
    assert missing.exit_code == 1 and "no customer with code 'C999999'" in missing.output
    assert "Traceback" not in missing.output and not (tmp_path / "x.json").exists()
    with db.read() as conn:
        exports = conn.execute(
            sa.select(sa.func.count()).where(audit_log.c.action == "export_data")
        ).scalar()  # fmt: skip
    assert exports == 2  # the refused ones wrote nothing


def test_write_export_refuses_a_file_made_meanwhile(tmp_path):
    target = tmp_path / "x.json"
    access.write_export({"a": 1}, target)
    with pytest.raises(ValidationError, match="already exists"):
        access.write_export({"a": 2}, target)
    assert json.loads(target.read_text()) == {"a": 1}


def test_a_table_added_later_with_a_customer_id_is_exported():
    extra = sa.MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(extra)
    sa.Table(
        "loyalty_points",
        extra,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.ForeignKey("customers.id")),
    )
    links = {(x.table, x.column, x.target) for x in personal.about(extra)}
    assert ("loyalty_points", "customer_id", "customers") in links
    assert ("customers", "referrer_id", "customers") not in links  # the people they referred
    assert ("orders", "agent_id", "customers") not in links  # what an agent sold to others
