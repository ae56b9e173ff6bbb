"""Stock that moves with orders (salesops.stock_orders), from an empty database on SQLite
and PostgreSQL: paying takes stock, cancelling, deleting and refunding before it went out
give it back, a refund after it went out puts goods back only when asked, a short sale is
refused unless the shop sells into backorder, uncounted products are not tracked; the
`salesops stock` commands and `import orders --move-stock`."""

import csv

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from salesops import customers, orders, settings, stock
from salesops.actors import Actor
from salesops.cli import main
from salesops.errors import PermissionDenied, ValidationError
from salesops.schema import orders as orders_table
from salesops.schema import products, stock_movements

BOSS = Actor("boss", "manager")
WANG = Actor("wang.fang", "staff")


@pytest.fixture
def shop(db, basics):
    """A customer; TEA-01 counted at 5, HONEY-02 at 2, GIFT-03 not counted."""
    buyer = customers.create_customer(
        db, {"name": "张伟", "channel_id": basics["wechat_moments"]}, WANG
    )
    stock.set_stock(db, basics["TEA-01"], 5, "first count", BOSS)
    stock.set_stock(db, basics["HONEY-02"], 2, "first count", BOSS)
    return {**basics, "buyer": buyer["id"]}


def on_hand(db, pid):
    """The product's stock on hand."""
    with db.read() as conn:
        q = sa.select(products.c.stock_on_hand).where(products.c.id == pid)
        return conn.execute(q).scalar()


def ledger(db, pid=None, order_id=None):
    """(kind, quantity) of the movements, oldest first, for a product or an order."""
    m = stock_movements.c
    q = sa.select(m.kind, m.quantity).order_by(m.id)
    q = q.where(m.product_id == pid) if pid else q.where(m.order_id == order_id)
    with db.read() as conn:
        return [tuple(r) for r in conn.execute(q)]


def ledger_adds_up(db):
    """Every product's movements add up to its stock on hand (0 when not counted)."""
    with db.read() as conn:
        figures = dict(conn.execute(sa.select(products.c.id, products.c.stock_on_hand)).all())
        sums = dict(
            conn.execute(
                sa.select(
                    stock_movements.c.product_id, sa.func.sum(stock_movements.c.quantity)
                ).group_by(stock_movements.c.product_id)
            ).all()
        )
    return all((figures[p] or 0) == (sums.get(p) or 0) for p in figures)


def sell(db, shop, lines, status="new", actor=WANG):
    """An order of `lines` ({sku: qty}) for the shop's buyer."""
    wanted = [{"sku": sku, "quantity": q} for sku, q in lines.items()]
    return orders.create_order(db, shop["buyer"], wanted, status=status, actor=actor)


def move(db, order, status, actor=BOSS, **options):
    """Move `order` to `status` on its current version; returns the new row."""
    current = orders.get_order(db, order["id"])
    reason = "test" if status in orders.NEEDS_REASON else ""
    if status == "shipped":
        options = {"courier": "pickup", **options}
    return orders.change_status(
        db, order["id"], status, current["version"], reason=reason, actor=actor, **options
    )


def test_a_new_order_holds_nothing_and_paying_takes_its_stock(db, shop):
    order = sell(db, shop, {"TEA-01": 2, "GIFT-03": 1})
    assert on_hand(db, shop["TEA-01"]) == 5
    move(db, order, "paid", actor=WANG)
    assert on_hand(db, shop["TEA-01"]) == 3
    assert ledger(db, order_id=order["id"]) == [("sold", -2)]  # GIFT-03 is not counted
    assert on_hand(db, shop["GIFT-03"]) is None
    move(db, order, "shipped", actor=WANG)  # shipping moves nothing more
    move(db, order, "completed", actor=WANG)
    assert on_hand(db, shop["TEA-01"]) == 3
    assert ledger_adds_up(db)


def test_an_order_created_paid_takes_its_stock_at_once(db, shop):
    order = sell(db, shop, {"TEA-01": 1, "HONEY-02": 2}, status="paid")
    assert (on_hand(db, shop["TEA-01"]), on_hand(db, shop["HONEY-02"])) == (4, 0)
    assert sorted(ledger(db, order_id=order["id"])) == [("sold", -2), ("sold", -1)]


def test_selling_more_than_is_left_is_refused_naming_the_product_and_changes_nothing(db, shop):
    order = sell(db, shop, {"TEA-01": 3, "HONEY-02": 3})
    with pytest.raises(ValidationError) as e:
        move(db, order, "paid", actor=WANG)
    assert "HONEY-02" in str(e.value) and "2" in str(e.value)
    assert "TEA-01" not in str(e.value)
    assert orders.get_order(db, order["id"])["status"] == "new"
    assert (on_hand(db, shop["TEA-01"]), on_hand(db, shop["HONEY-02"])) == (5, 2)
    assert ledger(db, order_id=order["id"]) == []
    with pytest.raises(ValidationError):
        sell(db, shop, {"HONEY-02": 3}, status="paid")
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orders_table)).scalar() == 1


def test_with_backorder_allowed_a_sale_takes_stock_below_zero(db, shop):
    settings.save_settings(db, {"allow_backorder": True}, 0, Actor("root", "admin"))
    order = sell(db, shop, {"HONEY-02": 3}, status="paid")
    assert on_hand(db, shop["HONEY-02"]) == -1
    move(db, order, "cancelled")
    assert on_hand(db, shop["HONEY-02"]) == 2
    assert ledger_adds_up(db)


def test_only_admins_change_the_backorder_setting(db, shop):
    with pytest.raises(PermissionDenied):
        settings.save_settings(db, {"allow_backorder": True}, 0, BOSS)
    assert settings.get_settings(db)["allow_backorder"] is False


@pytest.mark.parametrize("first", ["new", "paid"])
def test_cancelling_gives_back_what_the_order_held(db, shop, first):
    order = sell(db, shop, {"TEA-01": 2}, status=first)
    move(db, order, "cancelled")
    assert on_hand(db, shop["TEA-01"]) == 5
    expected = [("sold", -2), ("released", 2)] if first == "paid" else []
    assert ledger(db, order_id=order["id"]) == expected


def test_a_paid_order_refunded_gives_its_goods_back_they_never_left(db, shop):
    order = sell(db, shop, {"TEA-01": 2}, status="paid")
    move(db, order, "refunded")
    assert on_hand(db, shop["TEA-01"]) == 5


@pytest.mark.parametrize(("restock", "left"), [(False, 3), (True, 5)])
def test_a_shipped_order_refunded_puts_goods_back_only_when_they_came_back(db, shop, restock, left):
    order = sell(db, shop, {"TEA-01": 2}, status="paid")
    move(db, order, "shipped")
    move(db, order, "refunded", restock=restock)
    assert on_hand(db, shop["TEA-01"]) == left
    kinds = [k for k, _q in ledger(db, order_id=order["id"])]
    assert kinds == (["sold", "returned"] if restock else ["sold"])


def test_deleting_an_order_gives_back_its_stock(db, shop):
    order = sell(db, shop, {"TEA-01": 4}, status="paid")
    orders.delete_order(db, order["id"], orders.get_order(db, order["id"])["version"], BOSS)
    assert on_hand(db, shop["TEA-01"]) == 5
    assert ledger(db, order_id=order["id"]) == [("sold", -4), ("released", 4)]


def test_a_product_no_longer_counted_is_left_alone_when_its_order_is_cancelled(db, shop):
    order = sell(db, shop, {"TEA-01": 2}, status="paid")
    stock.set_stock(db, shop["TEA-01"], None, "stopped counting", BOSS)
    move(db, order, "cancelled")
    assert on_hand(db, shop["TEA-01"]) is None
    assert ledger_adds_up(db)


def test_receive_adds_goods_and_refuses_an_uncounted_product(db, shop):
    row = stock.receive(db, "TEA-01", 10, "supplier delivery", WANG)
    assert (row["kind"], row["quantity"], row["on_hand"]) == ("received", 10, 15)
    with pytest.raises(ValidationError) as e:
        stock.receive(db, "GIFT-03", 1, actor=WANG)
    assert "GIFT-03" in str(e.value)
    with pytest.raises(ValidationError):
        stock.receive(db, "TEA-01", 0, actor=WANG)
    assert on_hand(db, shop["TEA-01"]) == 15


def test_a_stock_adjustment_needs_a_reason_and_a_manager(db, shop):
    with pytest.raises(ValidationError):
        stock.adjust(db, "TEA-01", 3, "", BOSS)
    with pytest.raises(PermissionDenied):
        stock.adjust(db, "TEA-01", 3, "stocktake", WANG)
    stock.adjust(db, "TEA-01", 3, "stocktake", BOSS)
    assert ledger(db, shop["TEA-01"])[-1] == ("counted", -2)


def test_low_stock_lists_counted_products_at_or_under_their_reorder_level(db, shop):
    with db.write() as conn:
        conn.execute(sa.update(products).values(reorder_level=2))
    assert [r["sku"] for r in stock.low_stock(db)] == ["HONEY-02"]
    sell(db, shop, {"TEA-01": 4}, status="paid")  # 1 left, 1 under its level: first
    assert [r["sku"] for r in stock.low_stock(db)] == ["TEA-01", "HONEY-02"]


def run(db_url, *args, ok=True):
    """Run `salesops --db URL args`; check the exit status."""
    result = CliRunner().invoke(main, ["--db", db_url, *args])
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def test_the_stock_commands(db, db_url, shop):
    assert "stock on hand 8" in run(db_url, "stock", "receive", "TEA-01", "3")
    assert "stock on hand 6 (-2)" in run(
        db_url, "stock", "adjust", "TEA-01", "6", "--reason", "stocktake"
    )
    assert "Missing option '--reason'" in run(db_url, "stock", "adjust", "TEA-01", "6", ok=False)
    assert "GIFT-03" in run(db_url, "stock", "receive", "GIFT-03", "1", ok=False)
    assert "NOPE" in run(db_url, "stock", "receive", "NOPE", "1", ok=False)
    assert "Traceback" not in run(db_url, "stock", "receive", "TEA-01", "lots", ok=False)
    history = run(db_url, "stock", "history", "TEA-01").splitlines()
    assert [line.split("\t")[1:4] for line in history[:2]] == [
        ["counted", "-2", "6"],
        ["received", "+3", "8"],
    ]
    assert "HONEY-02" not in run(db_url, "stock", "low")
    assert "off" in run(db_url, "stock", "backorder")
    assert "on" in run(db_url, "stock", "backorder", "on")
    assert settings.get_settings(db)["allow_backorder"] is True


def write_orders(path, status, a="SO-A", b="SO-B"):
    """A two-order file: `a` 3 x TEA-01 (on two lines), `b` 1 x HONEY-02, both `status`."""
    head = ["order_no", "ordered_at", "mobile", "customer_name", "sku", "quantity", "unit_price"]
    rows = [
        [a, "2026-11-01 10:00", "13800138000", "李娜", "TEA-01", "2", "128"],
        [b, "2026-11-02 10:00", "13800138000", "李娜", "HONEY-02", "1", "68.5"],
        [a, "2026-11-01 10:00", "13800138000", "李娜", "TEA-01", "1", "128"],
    ]
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([[*head, "status"], *[[*r, status] for r in rows]])
    return str(path)


def test_importing_past_orders_moves_no_stock_unless_asked(db, db_url, shop, tmp_path):
    run(db_url, "import", "orders", write_orders(tmp_path / "a.csv", "completed"))
    assert (on_hand(db, shop["TEA-01"]), on_hand(db, shop["HONEY-02"])) == (5, 2)
    path = write_orders(tmp_path / "b.csv", "paid", "SO-C", "SO-D")
    run(db_url, "import", "orders", path, "--move-stock")
    assert (on_hand(db, shop["TEA-01"]), on_hand(db, shop["HONEY-02"])) == (2, 1)
    assert ledger_adds_up(db)


def test_an_import_that_would_take_stock_below_zero_writes_nothing(db, db_url, shop, tmp_path):
    stock.set_stock(db, shop["TEA-01"], 2, "recount", BOSS)
    path = write_orders(tmp_path / "a.csv", "paid")
    out = run(db_url, "import", "orders", path, "--move-stock", ok=False)
    assert "TEA-01" in out and "Traceback" not in out
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orders_table)).scalar() == 0
    assert on_hand(db, shop["TEA-01"]) == 2
