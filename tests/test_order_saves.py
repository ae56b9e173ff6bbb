"""Order saves in one read and one write statement on PostgreSQL (salesops.order_saves),
the statement-at-a-time path on SQLite; what each must keep, checked on both from an
empty database: numbers without gaps when a save is refused, the audit row's text, a
move that lost a race to another person. The rules themselves (prices, agents, stock,
addresses, refunds) are the orders, stock and agents tests, which run on both paths."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from salesops import audit, customers, orders, stock
from salesops.actors import Actor
from salesops.errors import ConflictError, ValidationError
from salesops.schema import audit_log
from salesops.schema import orders as orders_table

BOSS = Actor("boss", "manager")
WANG = Actor("wang.fang", "staff")


@pytest.fixture
def shop(db, basics):
    """A customer; TEA-01 counted at 2 in stock."""
    buyer = customers.create_customer(
        db, {"name": "张伟", "channel_id": basics["wechat_moments"]}, WANG
    )
    stock.set_stock(db, basics["TEA-01"], 2, "first count", BOSS)
    return {**basics, "buyer": buyer["id"]}


def sell(db, shop, quantity=1, **options):
    return orders.create_order(
        db, shop["buyer"], [{"sku": "TEA-01", "quantity": quantity}], actor=WANG, **options
    )


def count(db, table) -> int:
    with db.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def statements(db):
    """A list that collects the SQL statements `db` sends from now on."""
    seen = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *a, **k: seen.append(a[2]))
    return seen


# SQLite saves a statement at a time (no network between them): PostgreSQL only.
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_save_and_a_move_to_paid_are_one_read_and_one_write_on_postgresql(db, shop):
    seen = statements(db)
    order = sell(db, shop)
    assert len(seen) == 2 and seen[1].lstrip().startswith("with")
    orders.change_status(db, order["id"], "paid", 1, actor=WANG)
    assert len(seen) == 4
    stored = orders.get_order(db, order["id"])
    assert stored["status"] == "paid" and len(stored["lines"]) == 1
    assert [h["to_status"] for h in stored["history"]] == ["new", "paid"]


def test_a_sale_refused_for_stock_leaves_no_gap_in_the_order_numbers(db, shop):
    first = sell(db, shop)
    audits = count(db, audit_log)
    with pytest.raises(ValidationError) as e:
        sell(db, shop, quantity=3, status="paid")
    assert "TEA-01" in str(e.value)
    assert count(db, orders_table) == 1 and count(db, audit_log) == audits
    after = sell(db, shop)
    assert int(after["order_no"][2:]) == int(first["order_no"][2:]) + 1


@pytest.mark.parametrize("number", [None, 'A"1 直销'])
def test_a_new_orders_audit_row_holds_what_was_saved(db, shop, number):
    order = sell(db, shop, order_no=number, note="送到\n门口")
    with db.read() as conn:
        [row] = audit.history(conn, "orders", order["id"])
    assert row["action"] == "create" and row["actor"] == WANG.name
    assert row["new_values"]["order_no"] == order["order_no"] == (number or order["order_no"])
    assert row["new_values"]["note"] == "送到\n门口"
    assert row["new_values"]["total"] == "128.00"
    assert set(row["new_values"]) == {
        "order_no",
        "customer_id",
        "channel_id",
        "status",
        "ordered_at",
        "note",
        "goods_amount",
        "discount",
        "shipping",
        "total",
    }  # no ship_* columns: the buyer has no address


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_move_that_lost_a_race_is_a_conflict_naming_who_moved_it(db, shop):
    """Someone else moves the order between the move's read and its write: nothing of
    this move is written, and the conflict names them (PostgreSQL: the write's version
    guard; SQLite's writers queue on the lock, so the race cannot happen there)."""
    order = sell(db, shop)
    raced = []

    def other_person_first(conn, cursor, statement, *args):
        if statement.lstrip().startswith("with") and not raced:
            raced.append(True)
            orders.change_status(db, order["id"], "cancelled", 1, reason="不要了", actor=BOSS)

    sa.event.listen(db.engine, "before_cursor_execute", other_person_first)
    with pytest.raises(ConflictError) as e:
        orders.change_status(db, order["id"], "paid", 1, actor=WANG)
    assert "boss" in str(e.value)
    stored = orders.get_order(db, order["id"])
    assert stored["status"] == "cancelled" and stored["version"] == 2
    assert [h["to_status"] for h in stored["history"]] == ["new", "cancelled"]
    with db.read() as conn:
        assert [
            json.loads(r)
            for r in conn.execute(
                sa.select(audit_log.c.new_values).where(
                    audit_log.c.table_name == "orders", audit_log.c.action == "update"
                )
            ).scalars()
        ] == [{"status": "cancelled"}]
