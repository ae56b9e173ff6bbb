"""Orders: totals exact in Decimal, statuses along allowed transitions, history kept."""

from decimal import Decimal

import pytest
import sqlalchemy as sa
from conftest import LI, WANG

from salesops import orders
from salesops.errors import ConflictError, PermissionDenied, ValidationError
from salesops.schema import order_lines
from salesops.schema import orders as orders_table


def test_totals_and_margin_are_exact_decimals():
    priced = orders.price_lines(
        [
            {"quantity": 3, "unit_price": "0.10", "unit_cost": "0.05"},
            {"quantity": 1, "unit_price": "0.20", "unit_cost": None},
        ],
        discount="0",
        shipping="10",
    )
    assert priced["goods_amount"] == Decimal("0.50")
    assert priced["total"] == Decimal("10.50")
    assert priced["cost"] == Decimal("0.15")
    assert priced["margin"] == Decimal("0.5000")


def test_order_discount_is_spread_over_lines_to_the_cent():
    priced = orders.price_lines(
        [
            {"quantity": 1, "unit_price": "10.00"},
            {"quantity": 1, "unit_price": "10.00"},
            {"quantity": 1, "unit_price": "10.00"},
        ],
        discount="10.00",
    )
    assert [ln["amount"] for ln in priced["lines"]] == [
        Decimal("6.67"),
        Decimal("6.67"),
        Decimal("6.66"),
    ]
    assert priced["goods_amount"] == Decimal("20.00")


def test_create_order_copies_price_and_cost_and_numbers_it(db, basics, buyer):
    order = orders.create_order(
        db,
        buyer["id"],
        [
            {"sku": "TEA-01", "quantity": 2},
            {"sku": "HONEY-02", "quantity": 1, "unit_price": "60.00"},
        ],
        discount="6.00",
        shipping="12.00",
        actor=WANG,
    )
    assert order["order_no"] == "SO00000001"
    assert order["goods_amount"] == Decimal("310.00")
    assert order["total"] == Decimal("322.00")
    with db.read() as conn:
        lines = conn.execute(
            sa.select(
                order_lines.c.sku,
                order_lines.c.unit_price,
                order_lines.c.unit_cost,
                order_lines.c.amount,
            ).order_by(order_lines.c.line_no)
        ).all()
        stored = conn.execute(sa.select(orders_table.c.total, orders_table.c.channel_id)).one()
    assert lines == [
        ("TEA-01", Decimal("128.00"), Decimal("51.20"), Decimal("251.14")),
        ("HONEY-02", Decimal("60.00"), Decimal("30.10"), Decimal("58.86")),
    ]
    assert stored == (Decimal("322.00"), basics["wechat_moments"])


def test_bad_order_lines_write_nothing(db, basics, buyer):
    with pytest.raises(ValidationError) as e:
        orders.create_order(db, buyer["id"], [{"sku": "TEA-01", "quantity": "-1"}], actor=WANG)
    assert "lines[1].quantity" in str(e.value)
    with pytest.raises(ValidationError, match="product"):
        orders.create_order(db, buyer["id"], [{"sku": "NOPE", "quantity": 1}], actor=WANG)
    with pytest.raises(ValidationError):
        orders.create_order(db, buyer["id"], [], actor=WANG)
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orders_table)).scalar() == 0


def test_status_moves_along_allowed_transitions_with_history(db, basics, buyer):
    order = orders.create_order(db, buyer["id"], [{"sku": "TEA-01", "quantity": 1}], actor=WANG)
    paid = orders.change_status(db, order["id"], "paid", 1, actor=WANG)
    shipped = orders.change_status(
        db, order["id"], "shipped", paid["version"], courier="中通", tracking_no="781234567890",
        actor=WANG,
    )  # fmt: skip
    orders.change_status(db, order["id"], "completed", shipped["version"], actor=WANG)
    history = orders.get_order(db, order["id"])["history"]
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "new"),
        ("new", "paid"),
        ("paid", "shipped"),
        ("shipped", "completed"),
    ]
    assert {h["changed_by"] for h in history} == {"wang.fang"}


@pytest.mark.parametrize(
    "path, refused",
    [
        ([], "shipped"),
        ([], "completed"),
        (["paid", "shipped"], "cancelled"),
        (["cancelled"], "paid"),
        (["paid", "refunded"], "paid"),
    ],
)
def test_disallowed_transitions_are_refused(db, basics, buyer, path, refused):
    order = orders.create_order(db, buyer["id"], [{"sku": "TEA-01", "quantity": 1}], actor=WANG)
    version = 1
    for status in path:
        version = orders.change_status(
            db, order["id"], status, version, reason="r", courier="自提", actor=LI
        )["version"]
    with pytest.raises(ValidationError, match="status|状态"):
        orders.change_status(db, order["id"], refused, version, reason="r", actor=LI)
    assert orders.get_order(db, order["id"])["version"] == version


def test_cancel_needs_a_reason_and_a_manager(db, basics, buyer):
    order = orders.create_order(db, buyer["id"], [{"sku": "TEA-01", "quantity": 1}], actor=WANG)
    with pytest.raises(PermissionDenied):
        orders.change_status(db, order["id"], "cancelled", 1, reason="客户不要了", actor=WANG)
    with pytest.raises(ValidationError, match="reason"):
        orders.change_status(db, order["id"], "cancelled", 1, actor=LI)
    orders.change_status(db, order["id"], "cancelled", 1, reason="客户不要了", actor=LI)
    assert orders.get_order(db, order["id"])["history"][-1]["reason"] == "客户不要了"


def test_stale_status_change_is_a_conflict(db, basics, buyer):
    order = orders.create_order(db, buyer["id"], [{"sku": "TEA-01", "quantity": 1}], actor=WANG)
    orders.change_status(db, order["id"], "paid", 1, actor=LI)
    with pytest.raises(ConflictError, match="li.lei"):
        orders.change_status(db, order["id"], "paid", 1, actor=WANG)


def test_an_order_without_a_channel_takes_the_customers_else_the_shops_default(
    db, basics, buyer, monkeypatch
):
    from salesops import customers, settings
    from salesops.actors import Actor

    monkeypatch.delenv("SALESOPS_DEFAULT_CHANNEL", raising=False)
    walk_in = customers.create_customer(db, {"name": "李娜", "mobile": "13900139000"}, WANG)
    assert walk_in["channel_id"] is None
    line = [{"sku": "TEA-01", "quantity": 1}]
    with pytest.raises(ValidationError) as e:  # no channel anywhere: refused, nothing written
        orders.create_order(db, walk_in["id"], line, actor=WANG)
    assert e.value.fields == ["channel"]
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orders_table)).scalar() == 0
    settings.save_settings(db, {"default_channel_id": basics["micro_store"]}, 0, Actor("boss"))
    assert (
        orders.create_order(db, walk_in["id"], line, actor=WANG)["channel_id"]
        == (basics["micro_store"])
    )
    own = orders.create_order(db, buyer["id"], line, actor=WANG)  # the customer's own wins
    assert own["channel_id"] == basics["wechat_moments"]
    given = orders.create_order(db, walk_in["id"], line, channel="wechat_moments", actor=WANG)
    assert given["channel_id"] == basics["wechat_moments"]  # a channel given wins over both
