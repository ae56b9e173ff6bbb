"""Products: created, edited, archived and counted from an empty database, with roles,
aliases, versions, audit, and past order lines that keep what they were sold at."""

from decimal import Decimal

import pytest
import sqlalchemy as sa
from conftest import LI, WANG

from salesops import audit, products, stock
from salesops.channels import add_channel
from salesops.customers import create_customer
from salesops.errors import ConflictError, PermissionDenied, ValidationError
from salesops.orders import create_order, get_order
from salesops.schema import product_aliases, stock_movements


def berry(db, **extra):
    """A strawberry box with a cost and aliases, created by a manager."""
    data = {
        "sku": "BERRY-1",
        "name": "奶油草莓 500g",
        "category": "水果",
        "price": "39.00",
        "unit_cost": "21.50",
        "aliases": "草莓, 奶油草莓",
        "reorder_level": 5,
        **extra,
    }
    return products.create_product(db, data, actor=LI)


def test_a_manager_creates_a_product_in_an_empty_database(db):
    made = berry(db, stock_on_hand="12")
    assert made["sku"] == "BERRY-1"
    assert made["price"] == Decimal("39.00") and made["unit_cost"] == Decimal("21.50")
    assert made["margin"] == Decimal("0.4487")
    assert made["aliases"] == ["草莓", "奶油草莓"]
    assert made["stock_on_hand"] == 12 and made["reorder_level"] == 5
    assert made["active"] is True and made["version"] == 1
    with db.read() as conn:
        created = audit.history(conn, "products", made["id"])
    assert created[0]["actor"] == "li.lei" and created[0]["action"] == "create"
    assert created[0]["new_values"]["aliases"] == "草莓, 奶油草莓"


def test_staff_are_refused_by_the_service_and_nothing_is_written(db):
    with pytest.raises(PermissionDenied, match="wang.fang"):
        products.create_product(db, {"sku": "X", "name": "x", "price": 1}, actor=WANG)
    made = berry(db)
    with pytest.raises(PermissionDenied):
        products.update_product(db, made["id"], {"price": "1.00"}, 1, actor=WANG)
    with pytest.raises(PermissionDenied):
        products.archive_product(db, made["id"], 1, actor=WANG)
    with pytest.raises(PermissionDenied):
        stock.set_stock(db, made["id"], 3, actor=WANG)
    assert products.get_product(db, "BERRY-1", LI)["price"] == Decimal("39.00")


def test_staff_read_prices_but_never_unit_costs(db):
    berry(db)
    listed = products.list_products(db, WANG)
    assert listed[0]["price"] == Decimal("39.00")
    assert "unit_cost" not in listed[0] and "margin" not in listed[0]
    one = products.get_product(db, "BERRY-1", WANG)
    assert "unit_cost" not in one and "margin" not in one
    assert products.list_products(db, LI)[0]["unit_cost"] == Decimal("21.50")


def test_every_bad_field_is_named_at_once(db):
    with pytest.raises(ValidationError) as e:
        products.create_product(
            db,
            {"sku": "", "name": "", "price": "-1", "unit_cost": "abc", "reorder_level": "2.5"},
            actor=LI,
        )
    assert set(e.value.fields) == {"sku", "name", "price", "unit_cost", "reorder_level"}
    assert products.list_products(db, LI) == []


def test_a_sku_is_unique_and_the_message_names_the_product(db):
    berry(db)
    with pytest.raises(ValidationError, match="BERRY-1 奶油草莓 500g"):
        products.create_product(db, {"sku": "ＢＥＲＲＹ-1", "name": "y", "price": 2}, actor=LI)


def test_an_alias_that_names_another_product_is_refused(db):
    berry(db)
    for aliases in ("草莓", "奶油 草莓", "berry-1", "奶油草莓500G"):
        with pytest.raises(ValidationError, match="BERRY-1") as e:
            products.create_product(
                db, {"sku": "B2", "name": "草莓 1kg", "price": 70, "aliases": aliases}, actor=LI
            )
        assert e.value.fields == ["aliases"]
    with pytest.raises(ValidationError, match="草莓") as e:
        products.create_product(db, {"sku": "B3", "name": "草莓", "price": 70}, actor=LI)
    assert e.value.fields == ["name"]
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(product_aliases)).scalar() == 2


def test_aliases_are_searchable_and_map_a_word_to_one_product(db):
    berry(db)
    products.create_product(
        db,
        {"sku": "CHERRY", "name": "车厘子 1斤", "price": 99, "aliases": "车厘子、樱桃"},
        actor=LI,
    )
    assert [p["sku"] for p in products.list_products(db, WANG, "樱桃")] == ["CHERRY"]
    assert [p["sku"] for p in products.list_products(db, WANG, "水果")] == ["BERRY-1"]
    assert [p["sku"] for p in products.list_products(db, WANG, "100%")] == []
    assert [p["sku"] for p in products.products_named(db, " 奶油草莓 ")] == ["BERRY-1"]
    assert [p["sku"] for p in products.products_named(db, "车厘子1斤")] == ["CHERRY"]
    assert products.products_named(db, "香蕉") == []


def test_an_edit_changes_aliases_and_is_versioned_and_audited(db):
    made = berry(db)
    edited = products.update_product(
        db, made["id"], {"price": "35.00", "aliases": "草莓/红颜"}, 1, actor=LI
    )
    assert edited["version"] == 2 and edited["aliases"] == ["草莓", "红颜"]
    with pytest.raises(ConflictError, match="li.lei"):
        products.update_product(db, made["id"], {"name": "stale"}, 1, actor=LI)
    with db.read() as conn:
        change = audit.history(conn, "products", made["id"])[-1]
    assert change["old_values"] == {"price": "39.00", "aliases": "草莓, 奶油草莓"}
    assert change["new_values"] == {"price": "35.00", "aliases": "草莓, 红颜"}
    # the freed alias may now name another product
    products.create_product(
        db, {"sku": "B2", "name": "奶油草莓 1kg", "price": 70, "aliases": "奶油草莓"}, actor=LI
    )


def test_a_price_or_cost_change_never_rewrites_past_order_lines(db):
    made = berry(db)
    channel = add_channel(db, "朋友圈", actor=LI)
    buyer = create_customer(db, {"name": "李梅", "channel_id": channel["id"]}, actor=WANG)
    order = create_order(db, buyer["id"], [{"sku": "BERRY-1", "quantity": 2}], actor=WANG)
    products.update_product(db, made["id"], {"price": "45.00", "unit_cost": "30.00"}, 1, LI)
    line = get_order(db, order["id"])["lines"][0]
    assert (line["unit_price"], line["unit_cost"], line["amount"]) == (
        Decimal("39.00"),
        Decimal("21.50"),
        Decimal("78.00"),
    )
    later = create_order(db, buyer["id"], [{"sku": "BERRY-1", "quantity": 1}], actor=WANG)
    assert get_order(db, later["id"])["lines"][0]["unit_price"] == Decimal("45.00")


def test_an_archived_product_keeps_its_history_and_cannot_be_sold(db):
    made = berry(db)
    channel = add_channel(db, "微店", actor=LI)
    buyer = create_customer(db, {"name": "王芳", "channel_id": channel["id"]}, actor=WANG)
    sold = create_order(db, buyer["id"], [{"sku": "BERRY-1", "quantity": 1}], actor=WANG)
    archived = products.archive_product(db, made["id"], 1, actor=LI)
    assert archived["active"] is False
    with pytest.raises(ValidationError, match="BERRY-1 奶油草莓 500g") as e:
        create_order(db, buyer["id"], [{"sku": "BERRY-1", "quantity": 1}], actor=WANG)
    assert e.value.fields == ["product"]
    assert get_order(db, sold["id"])["lines"][0]["sku"] == "BERRY-1"
    assert [p["sku"] for p in products.list_products(db, WANG, include_archived=False)] == []
    # its aliases stay reserved, and the message says it is archived
    with pytest.raises(ValidationError, match="归档|archived"):
        products.create_product(
            db, {"sku": "B2", "name": "x", "price": 1, "aliases": "草莓"}, actor=LI
        )
    restored = products.restore_product(db, made["id"], 2, actor=LI)
    assert restored["active"] is True
    create_order(db, buyer["id"], [{"sku": "BERRY-1", "quantity": 1}], actor=WANG)


def ledger(db, product_id):
    """The product's movements, oldest first, as (kind, quantity, counted, on_hand)."""
    m = stock_movements.c
    with db.read() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.select(m.kind, m.quantity, m.counted, m.on_hand)
                .where(m.product_id == product_id)
                .order_by(m.id)
            )
        ]


def test_stock_is_unknown_until_counted_and_every_change_is_in_the_ledger(db):
    made = berry(db)
    assert made["stock_on_hand"] is None and ledger(db, made["id"]) == []
    stock.set_stock(db, made["id"], 10, "stocktake", actor=LI)
    stock.set_stock(db, made["id"], 10, "stocktake", actor=LI)  # confirmed: recorded too
    products.update_product(db, made["id"], {"stock_on_hand": 7}, 1, actor=LI)
    stock.set_stock(db, made["id"], None, "we stopped counting", actor=LI)
    moves = ledger(db, made["id"])
    assert moves == [
        ("counted", 10, 10, 10),
        ("counted", 0, 10, 10),
        ("counted", -3, 7, 7),
        ("uncounted", -7, None, None),
    ]
    assert products.get_product(db, made["id"], LI)["stock_on_hand"] is None
    assert sum(q for _k, q, _c, _h in moves) == 0  # the ledger adds up to the figure (0: unknown)
    with pytest.raises(ValidationError, match="stock_on_hand"):
        stock.set_stock(db, made["id"], -1, actor=LI)
    with db.read() as conn:
        last = audit.history(conn, "products", made["id"])[-1]
    assert last["old_values"] == {"stock_on_hand": 7}
    assert last["new_values"]["stock_on_hand"] is None


def test_a_first_count_given_with_a_new_product_is_its_first_movement(db):
    made = berry(db, stock_on_hand=4)
    assert ledger(db, made["id"]) == [("counted", 4, 4, 4)]
    assert stock.movements(db, made["id"])[0]["actor"] == "li.lei"


def test_the_demo_catalogue_keeps_the_naming_rule_and_its_ledger_adds_up(demo_db):
    from salesops.product_names import NameBook

    listed = products.list_products(demo_db)
    assert sum(1 for p in listed if p["aliases"]) == len(listed) == 40
    with demo_db.read() as conn:
        book = NameBook(conn)
        sums = dict(
            conn.execute(
                sa.select(
                    stock_movements.c.product_id, sa.func.sum(stock_movements.c.quantity)
                ).group_by(stock_movements.c.product_id)
            ).all()
        )
    for p in listed:
        assert book.problems(p, self_id=p["id"]) == [], p["sku"]
        assert sums.get(p["id"], 0) == (p["stock_on_hand"] or 0), p["sku"]
    assert [p["sku"] for p in products.products_named(demo_db, "尿不湿")] == ["MY-001"]
    assert any(p["stock_on_hand"] is None for p in listed)
    assert any(p["stock_on_hand"] <= p["reorder_level"] for p in listed if p["stock_on_hand"])


def test_the_change_log_names_products_and_channels_as_people_know_them(db):
    made = berry(db)
    channel = add_channel(db, "朋友圈", actor=LI)
    page = audit.changes(db, LI)
    records = {(r["table_name"], r["record"]) for r in page.rows}
    assert ("products", "BERRY-1 奶油草莓 500g") in records
    assert ("channels", f"{channel['code']} 朋友圈") in records
    only = audit.changes(db, LI, table="products", row_id=made["id"]).rows
    assert [r["action"] for r in only] == ["create"]


def test_counts_saved_at_the_same_time_keep_the_ledger_adding_up(db):
    from concurrent.futures import ThreadPoolExecutor

    made = berry(db, stock_on_hand=0)

    def count(k: int) -> None:
        for n in range(10):
            stock.set_stock(db, made["id"], (k * 37 + n * 11) % 50, f"t{k}", actor=LI)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(count, range(6)))
    moves = ledger(db, made["id"])
    assert len(moves) == 61
    figure = 0
    for _kind, quantity, counted, on_hand in moves:  # each starts from the one before
        assert quantity == counted - figure and on_hand == counted
        figure = on_hand
    assert products.get_product(db, made["id"], LI)["stock_on_hand"] == figure
