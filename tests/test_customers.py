"""Customers: the rules that keep them straight, on SQLite and PostgreSQL."""

import pytest
import sqlalchemy as sa
from conftest import LI, WANG

from salesops import audit, customers
from salesops.actors import Actor
from salesops.errors import ConflictError, DuplicateError, PermissionDenied, ValidationError
from salesops.schema import audit_log
from salesops.schema import customers as customers_table


def count(db, table=customers_table):
    with db.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_create_normalises_mobile_and_generates_a_code(db, basics):
    row = customers.create_customer(
        db,
        {
            "name": " 张伟 ",
            "mobile": "+86 138-0013-8000",
            "wechat_id": "ZhangWei88",
            "channel_id": basics["wechat_moments"],
            "tags": "VIP，茶, VIP",
        },
        WANG,
    )
    assert row["name"] == "张伟"
    assert row["mobile"] == "13800138000"
    assert row["wechat_key"] == "zhangwei88"
    assert row["code"] == "C000001"
    assert row["tags"] == "VIP,茶"
    assert row["created_by"] == "wang.fang" and row["version"] == 1


def test_duplicate_mobile_in_another_format_names_the_existing_customer(db, basics):
    customers.create_customer(db, {"name": "张伟", "mobile": "13800138000"}, WANG)
    with pytest.raises(DuplicateError) as e:
        customers.create_customer(db, {"name": "李娜", "mobile": "１３８ ００１３ ８０００"}, WANG)
    assert "C000001" in str(e.value) and "张伟" in str(e.value)
    assert e.value.fields == ["mobile"]
    assert count(db) == 1


def test_duplicate_wechat_id_is_matched_case_insensitively(db, basics):
    customers.create_customer(db, {"name": "张伟", "wechat_id": "TeaLover"}, WANG)
    with pytest.raises(DuplicateError, match="张伟"):
        customers.create_customer(db, {"name": "李娜", "wechat_id": "tealover"}, WANG)
    assert count(db) == 1


def test_a_deleted_customer_frees_their_mobile(db, basics):
    first = customers.create_customer(db, {"name": "张伟", "mobile": "13800138000"}, WANG)
    customers.delete_customer(db, first["id"], first["version"], WANG)
    again = customers.create_customer(db, {"name": "张伟", "mobile": "13800138000"}, WANG)
    assert again["id"] != first["id"]


def test_bad_input_reports_every_field_and_writes_nothing(db, basics):
    with pytest.raises(ValidationError) as e:
        customers.create_customer(db, {"name": "", "mobile": "12345", "wechat_id": "a b"}, WANG)
    assert e.value.fields == ["name", "mobile", "wechat_id"]
    assert count(db) == 0
    assert count(db, audit_log) == 0


def test_referral_cycle_is_refused(db, basics):
    a = customers.create_customer(db, {"name": "甲"}, WANG)
    b = customers.create_customer(db, {"name": "乙", "referrer_id": a["id"]}, WANG)
    c = customers.create_customer(db, {"name": "丙", "referrer_id": b["id"]}, WANG)
    with pytest.raises(ValidationError, match="cycle|循环"):
        customers.update_customer(db, a["id"], {"referrer_id": c["id"]}, a["version"], WANG)
    with pytest.raises(ValidationError):
        customers.update_customer(db, a["id"], {"referrer_id": a["id"]}, a["version"], WANG)
    assert customers.get_customer(db, a["id"])["referrer_id"] is None


def test_agent_tiers_are_computed_and_agent_cycles_refused(db, basics):
    top = customers.create_customer(db, {"name": "总代", "is_agent": True}, WANG)
    mid = customers.create_customer(
        db, {"name": "二级", "is_agent": True, "parent_agent_id": top["id"]}, WANG
    )
    low = customers.create_customer(
        db, {"name": "三级", "is_agent": True, "parent_agent_id": mid["id"]}, WANG
    )
    assert [customers.agent_tier(db, x["id"]) for x in (top, mid, low)] == [1, 2, 3]
    with pytest.raises(ValidationError, match="cycle|循环"):
        customers.update_customer(db, top["id"], {"parent_agent_id": low["id"]}, 1, WANG)
    plain = customers.create_customer(db, {"name": "散客"}, WANG)
    with pytest.raises(ValidationError, match="agent|代理"):
        customers.create_customer(db, {"name": "x", "parent_agent_id": plain["id"]}, WANG)


def test_every_change_writes_one_audit_row_with_old_and_new(db, basics):
    row = customers.create_customer(db, {"name": "张伟", "region": "杭州"}, WANG)
    customers.update_customer(db, row["id"], {"region": "上海"}, 1, LI)
    customers.delete_customer(db, row["id"], 2, LI)
    with db.read() as conn:
        rows = audit.history(conn, "customers", row["id"])
    assert [r["action"] for r in rows] == ["create", "update", "update"]
    assert [r["actor"] for r in rows] == ["wang.fang", "li.lei", "li.lei"]
    assert rows[1]["old_values"] == {"region": "杭州"}
    assert rows[1]["new_values"] == {"region": "上海"}
    assert "deleted_at" in rows[2]["new_values"]


def test_stale_save_names_who_changed_it_and_overwrites_nothing(db, basics):
    row = customers.create_customer(db, {"name": "张伟", "region": "杭州"}, WANG)
    customers.update_customer(db, row["id"], {"region": "上海"}, row["version"], LI)
    with pytest.raises(ConflictError) as e:
        customers.update_customer(db, row["id"], {"region": "北京"}, row["version"], WANG)
    assert e.value.who == "li.lei"
    assert "li.lei" in str(e.value) and e.value.when is not None
    assert customers.get_customer(db, row["id"])["region"] == "上海"


def test_a_role_without_the_permission_is_refused():
    with pytest.raises(PermissionDenied, match="viewer"):
        Actor("guest", "viewer").require("customers.edit")
