"""Duplicate customers: found with evidence, merged, and unmerged exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from importfiles import ORDER_HEADERS_EN, snapshot, write_csv

from salesops import address_book
from salesops.cli import main
from salesops.customers import create_customer
from salesops.duplicates import find_duplicates
from salesops.errors import ValidationError
from salesops.followups import schedule
from salesops.importer import import_orders
from salesops.merge import merge_customers, unmerge
from salesops.orders import create_order
from salesops.schema import (
    communities,
    community_members,
    customer_identifiers,
    customers,
    followups,
    now_utc,
    orders,
    reviews,
)

BOOKKEEPING = ("audit_log", "customer_merges", "customer_identifiers")


def _raw_customer(db, code, name, mobile=None, wechat_id=None, wechat_key=None, **extra):
    """A customer row written directly, as old data or a bulk load might have left it."""
    now = now_utc()
    with db.write() as conn:
        return conn.execute(
            sa.insert(customers).values(
                code=code,
                name=name,
                mobile=mobile,
                wechat_id=wechat_id,
                wechat_key=wechat_key,
                version=1,
                created_at=now,
                created_by="t",
                updated_at=now,
                updated_by="t",
                **extra,
            )
        ).inserted_primary_key[0]


def test_duplicates_are_listed_with_their_evidence(db, basics, monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    ref = create_customer(db, {"name": "推荐人"})
    a = create_customer(
        db,
        {"name": "张伟", "mobile": "13800138000", "region": "浙江 杭州", "referrer_id": ref["id"]},
    )
    b = create_customer(
        db,
        {"name": "张伟", "mobile": "13800138001", "region": "浙江 杭州", "referrer_id": ref["id"]},
    )
    c = _raw_customer(db, "X1", "李娜", mobile="+86 139-0013-9000")
    d = _raw_customer(db, "X2", "李娜娜", mobile="13900139000")
    e = _raw_customer(db, "X3", "王芳", wechat_id="Lily_1", wechat_key="lily_1")
    f = _raw_customer(db, "X4", "Wang", wechat_id="LILY_1")
    create_customer(db, {"name": "张伟", "mobile": "13700000000"})  # same name only: no
    found = {(p.a["id"], p.b["id"]): p.evidence for p in find_duplicates(db)}
    assert set(found) == {(a["id"], b["id"]), (c, d), (e, f)}
    assert found[(a["id"], b["id"])] == [
        "same name, mobiles 13800138000 and 13800138001 differ in one digit",
        f"same name, region 浙江 杭州 and referrer {ref['code']}",
    ]
    assert found[(c, d)] == ["same mobile 13900139000"]
    assert found[(e, f)] == ["same WeChat ID lily_1"]


def _person_with_history(db, basics):
    """Two records of one person; the other one has something in every related table."""
    keep = create_customer(db, {"name": "张伟", "mobile": "13800138000", "wechat_id": "zw_a"})
    other = create_customer(
        db, {"name": "张伟", "mobile": "13800138001", "wechat_id": "zw_b", "is_agent": True}
    )
    friend = create_customer(db, {"name": "朋友", "referrer_id": other["id"]})
    agent = create_customer(db, {"name": "下级", "is_agent": True, "parent_agent_id": other["id"]})
    with db.write() as conn:
        conn.execute(
            sa.update(customers).where(customers.c.id == keep["id"]).values(referrer_id=other["id"])
        )
    order = create_order(
        db, other["id"], [{"sku": "TEA-01", "quantity": 2}], channel="wechat_moments"
    )
    create_order(db, keep["id"], [{"sku": "GIFT-03", "quantity": 1}], channel="micro_store")
    schedule(db, other["id"], datetime.now(UTC) + timedelta(days=3), note="回访")
    now = now_utc()
    with db.write() as conn:
        owned = conn.execute(
            sa.insert(communities).values(name="茶友群", owner_id=other["id"], created_at=now)
        ).inserted_primary_key[0]
        shared = conn.execute(
            sa.insert(communities).values(name="蜂蜜群", created_at=now)
        ).inserted_primary_key[0]
        conn.execute(
            sa.insert(community_members),
            [
                {"community_id": owned, "customer_id": other["id"], "joined_at": now},
                {
                    "community_id": shared,
                    "customer_id": other["id"],
                    "joined_at": now - timedelta(days=9),
                },
                {"community_id": shared, "customer_id": keep["id"], "joined_at": now},
            ],
        )
        conn.execute(
            sa.insert(reviews).values(
                customer_id=other["id"],
                order_id=order["id"],
                posted_at=now,
                rating=5,
                content="好喝",
            )
        )
    for who, line in ((keep, "张伟 13800138000 浙江省杭州市余杭区文一西路969号"),
                      (other, "张伟 13800138001 上海市浦东新区世纪大道100号")):  # fmt: skip
        address_book.add_address(db, who["id"], address_book.parse(line))  # each a default
    return keep, other, friend, agent


def _owner_of(db, table, column="customer_id"):
    with db.read() as conn:
        return set(conn.execute(sa.select(table.c[column])).scalars())


def test_merge_moves_everything_and_unmerge_restores_it_exactly(db, basics):
    keep, other, friend, agent = _person_with_history(db, basics)
    before = snapshot(db, skip=BOOKKEEPING)
    merge = merge_customers(db, keep["id"], other["id"])
    k = keep["id"]
    assert _owner_of(db, orders) == {k}
    assert _owner_of(db, followups) == {k} and _owner_of(db, reviews) == {k}
    assert _owner_of(db, communities, "owner_id") == {k, None}
    assert _owner_of(db, community_members) == {k}  # the shared membership was folded
    book = address_book.list_addresses(db, k)  # both addresses, the kept one's the default
    assert [(a["district"], a["is_default"]) for a in book] == [
        ("余杭区", True),
        ("浦东新区", False),
    ]
    with db.read() as conn:
        rows = {r.id: r for r in conn.execute(sa.select(customers))}
        kept_ids = set(
            conn.execute(sa.select(customer_identifiers.c.kind, customer_identifiers.c.value))
        )
    assert rows[friend["id"]].referrer_id == k and rows[agent["id"]].parent_agent_id == k
    assert rows[k].referrer_id is None  # was referred by the record merged into it
    assert rows[other["id"]].deleted_at is not None
    assert kept_ids == {("code", other["code"]), ("mobile", "13800138001"), ("wechat", "zw_b")}
    assert snapshot(db, skip=BOOKKEEPING) != before
    unmerge(db, merge["id"])
    assert snapshot(db, skip=BOOKKEEPING) == before
    with db.read() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(customer_identifiers)).scalar() == 0
        )


def test_later_imports_find_the_merged_away_mobile_and_wechat(db, basics, tmp_path):
    keep, other, *_ = _person_with_history(db, basics)
    merge_customers(db, keep["id"], other["id"])
    rows = [
        ["N1", "2024-05-01", "", "", "138 0013 8001", "", "", "TEA-01", "", "1", "128", "", ""],
        ["N2", "2024-05-01", "", "", "", "ZW_B", "", "TEA-01", "", "1", "128", "", ""],
        ["N3", "2024-05-01", other["code"], "", "", "", "", "TEA-01", "", "1", "128", "", ""],
    ]
    report = import_orders(db, write_csv(tmp_path / "o.csv", ORDER_HEADERS_EN, rows))
    assert report.problems == [] and report.counts["customers_created"] == 0
    with db.read() as conn:
        owners = set(
            conn.execute(
                sa.select(orders.c.customer_id).where(orders.c.order_no.in_(["N1", "N2", "N3"]))
            ).scalars()
        )
    assert owners == {keep["id"]}


def test_unmerge_is_refused_twice_and_when_the_mobile_was_taken(db, basics, monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    keep, other, *_ = _person_with_history(db, basics)
    first = merge_customers(db, keep["id"], other["id"])
    unmerge(db, first["id"])
    with pytest.raises(ValidationError, match="already undone"):
        unmerge(db, first["id"])
    second = merge_customers(db, keep["id"], other["id"])
    create_customer(db, {"name": "新人", "mobile": "13800138001"})  # freed by the merge
    before = snapshot(db)
    with pytest.raises(ValidationError, match="already belongs to customer"):
        unmerge(db, second["id"])
    assert snapshot(db) == before


def test_merge_refuses_itself_and_a_referral_loop(db, basics, monkeypatch):
    monkeypatch.setenv("SALESOPS_LANG", "en")
    keep = create_customer(db, {"name": "甲"})
    x = create_customer(db, {"name": "乙", "referrer_id": keep["id"]})
    other = create_customer(db, {"name": "甲", "referrer_id": x["id"]})
    with pytest.raises(ValidationError, match="itself"):
        merge_customers(db, keep["id"], keep["id"])
    with db.write() as conn:  # keep was referred by other: merging makes keep -> x -> keep
        conn.execute(
            sa.update(customers).where(customers.c.id == keep["id"]).values(referrer_id=other["id"])
        )
        conn.execute(
            sa.update(customers).where(customers.c.id == x["id"]).values(referrer_id=keep["id"])
        )
    before = snapshot(db)
    with pytest.raises(ValidationError, match="own referrer"):
        merge_customers(db, keep["id"], other["id"])
    assert snapshot(db) == before


def test_cli_lists_merges_and_unmerges(db, basics):
    keep, other, *_ = _person_with_history(db, basics)
    runner = CliRunner(env={"SALESOPS_LANG": "en"})
    listed = runner.invoke(main, ["--db", db.url, "customers", "duplicates"])
    assert listed.exit_code == 0
    assert f"{keep['code']} 张伟 13800138000  ~  {other['code']} 张伟 13800138001" in listed.output
    merged = runner.invoke(
        main, ["--db", db.url, "customers", "merge", keep["code"], other["code"]]
    )
    assert merged.exit_code == 0, merged.output
    assert "merge #1" in merged.output and "orders.customer_id 1" in merged.output
    again = runner.invoke(main, ["--db", db.url, "customers", "merge", keep["code"], other["code"]])
    assert again.exit_code == 1 and "no active customer" in again.output
    undone = runner.invoke(main, ["--db", db.url, "customers", "unmerge", "1"])
    assert undone.exit_code == 0 and "undone" in undone.output
