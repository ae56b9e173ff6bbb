"""Reading the audit log: by record, person and business day, newest first, keyset pages,
old and new values readable, and only for managers and admins. Both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from conftest import LI, WANG, as_person

from salesops import audit
from salesops.errors import PermissionDenied, ValidationError
from salesops.schema import audit_log

pytestmark = pytest.mark.usefixtures("english")


def put_rows(db, *rows):
    """Audit rows written as-is: (at, actor, table, row_id, action, old, new)."""
    with db.write() as conn:
        for at, who, table, row_id, action, old, new in rows:
            conn.execute(
                sa.insert(audit_log).values(
                    at=at,
                    actor=who,
                    table_name=table,
                    row_id=row_id,
                    action=action,
                    old_values=audit.dump(old),
                    new_values=audit.dump(new),
                )
            )


def test_changes_come_newest_first_with_old_and_new_values_readable(db, basics):
    wang, li = as_person(db, "wang.fang"), as_person(db, "li.lei", "manager")
    made = wang.create_customer({"name": "张伟", "region": "上海"})
    li.update_customer(made["id"], {"region": "杭州", "notes": "VIP"}, 1)
    rows = audit.changes(db, LI).rows
    assert [(r["actor"], r["action"]) for r in rows] == [
        ("li.lei", "update"),
        ("wang.fang", "create"),
    ]
    latest = rows[0]
    assert latest["changes"] == ["notes: — → VIP", "region: 上海 → 杭州"]
    assert latest["old_values"] == {"notes": "", "region": "上海"}
    assert latest["new_values"] == {"notes": "VIP", "region": "杭州"}
    assert latest["record"] == f"{made['code']} 张伟" and latest["table_name"] == "customers"
    assert "name: 张伟" in rows[1]["changes"]  # a new record lists what it was created with
    assert latest["at"].tzinfo is not None and latest["at"] >= rows[1]["at"]


def test_filters_by_record_and_by_person(db, basics):
    wang, li = as_person(db, "wang.fang"), as_person(db, "li.lei", "manager")
    one = wang.create_customer({"name": "张伟"})
    two = li.create_customer({"name": "李娜"})
    order = wang.create_order(two["id"], [{"sku": "TEA-01", "quantity": 1}], channel="micro_store")
    li.change_status(order["id"], "cancelled", 1, reason="changed mind")

    by_record = audit.changes(db, LI, table="customers", row_id=str(one["id"])).rows
    assert {(r["table_name"], r["row_id"]) for r in by_record} == {("customers", one["id"])}
    by_li = audit.changes(db, LI, person=" li.lei ").rows
    assert {r["actor"] for r in by_li} == {"li.lei"} and len(by_li) == 2
    orders_only = audit.changes(db, LI, table="orders").rows
    assert [r["action"] for r in orders_only] == ["update", "create"]
    assert orders_only[0]["changes"] == ["status: new → cancelled"]
    assert orders_only[0]["record"] == order["order_no"]
    assert audit.changes(db, LI, person="nobody").rows == []
    assert audit.people(db, LI) == ["li.lei", "wang.fang"]


def test_days_are_business_days_in_the_business_zone(db):
    # 2026-11-30 15:59 UTC is 23:59 on the 30th in Shanghai; 16:00 UTC is 00:00 on 1 Dec.
    late, early = (
        datetime(2026, 11, 30, 15, 59, tzinfo=UTC),
        datetime(2026, 11, 30, 16, 0, tzinfo=UTC),
    )
    put_rows(
        db,
        (late, "a", "customers", 1, "update", {"x": 1}, {"x": 2}),
        (early, "b", "customers", 1, "update", {"x": 2}, {"x": 3}),
        (early + timedelta(days=1), "c", "customers", 1, "update", {"x": 3}, {"x": 4}),
    )

    def who(first, last):
        rows = audit.changes(db, LI, first_day=first, last_day=last).rows
        return [r["actor"] for r in rows]

    assert who(date(2026, 11, 30), date(2026, 11, 30)) == ["a"]
    assert who(date(2026, 12, 1), date(2026, 12, 1)) == ["b"]
    assert who(date(2026, 12, 1), None) == ["c", "b"]
    assert who(None, date(2026, 12, 1)) == ["b", "a"]


def test_pages_follow_on_without_gaps_or_repeats_even_at_the_same_instant(db):
    same = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    put_rows(
        db,
        *[
            (
                same + timedelta(seconds=i // 3),
                f"p{i}",
                "orders",
                i,
                "update",
                {"status": "new"},
                {"status": "paid"},
            )
            for i in range(7)
        ],
    )
    seen, after, sizes = [], None, []
    while True:
        page = audit.changes(db, LI, after=after, limit=3)
        seen += [r["actor"] for r in page.rows]
        sizes.append(len(page.rows))
        if page.after is None:
            break
        after = page.after
    assert sizes == [3, 3, 1]
    assert seen == [f"p{i}" for i in (6, 5, 4, 3, 2, 1, 0)]  # newest first, ties by id


def test_staff_are_refused_in_plain_words_and_nothing_is_read(db, monkeypatch):
    def no_query(*_a, **_k):
        raise AssertionError("a refused look-up must read nothing")

    monkeypatch.setattr("salesops.queries.fetch_all", no_query)
    for look in (
        lambda: audit.changes(db, WANG),
        lambda: audit.people(db, WANG),
        lambda: audit.customer_history(db, WANG, 1),
        lambda: as_person(db, "wang.fang").audit_changes(),
    ):
        with pytest.raises(PermissionDenied) as refused:
            look()
        assert str(refused.value).startswith("wang.fang (staff) may not see the change log")


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (
            {"first_day": date(2026, 12, 2), "last_day": date(2026, 12, 1)},
            "days: the first day 2026-12-02 is after the last day 2026-12-01",
        ),
        ({"table": "customers", "row_id": "C000001"}, "record: 'C000001' is not a record number"),
        ({"row_id": 5}, "record: choose the kind of record to look up record 5 in"),
        ({"table": "users; drop table audit_log"}, "kind: 'users; drop table audit_log' is not"),
    ],
)
def test_bad_filters_are_refused_with_a_clear_message(db, filters, message):
    with pytest.raises(ValidationError) as bad:
        audit.changes(db, LI, **filters)
    assert str(bad.value).startswith(message)


def test_a_customers_history_holds_its_orders_and_follow_ups_and_nobody_elses(db, basics):
    wang, li = as_person(db, "wang.fang"), as_person(db, "li.lei", "manager")
    mine, other = wang.create_customer({"name": "张伟"}), wang.create_customer({"name": "李娜"})
    order = wang.create_order(mine["id"], [{"sku": "TEA-01", "quantity": 1}], channel="micro_store")
    wang.create_order(other["id"], [{"sku": "TEA-01", "quantity": 1}], channel="micro_store")
    wang.schedule_followup(mine["id"], datetime.now(UTC) + timedelta(days=1), note="回访")
    li.change_status(order["id"], "paid", 1)
    page = li.customer_history(mine["id"])
    kinds = [(r["table_name"], r["action"]) for r in page.rows]
    assert kinds == [
        ("orders", "update"),
        ("followups", "create"),
        ("orders", "create"),
        ("customers", "create"),
    ]
    assert {r["record"] for r in page.rows} >= {order["order_no"], f"{mine['code']} 张伟"}
    assert page.after is None
    assert [r["row_id"] for r in li.order_history(order["id"]).rows] == [order["id"]] * 2
