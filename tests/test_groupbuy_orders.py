"""Group-buy lists (接龙) into orders through the database: matching buyers, settling
problems, writing all or nothing, pasting a list again, and `salesops import group-buy`.

Every test starts from an empty database (`db`, on SQLite and PostgreSQL) and sets the
shop up through the services: the corpus's products (tests/data/jielong/catalog.json),
a channel and, where a list needs one, a community.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from salesops import channels, customers, products
from salesops.cli import main
from salesops.errors import SalesopsError, ValidationError
from salesops.groupbuy import read_list
from salesops.groupbuy.service import NEW, Fix, check_list, import_list
from salesops.schema import (
    communities,
    community_members,
    group_buy_entries,
    imports,
    now_utc,
    order_lines,
    orders,
)
from salesops.schema import (
    customers as customers_table,
)
from tests.conftest import LI, WANG

CORPUS = Path(__file__).parent / "data" / "jielong"
LISTS = sorted(CORPUS.glob("*.txt"))
EXAMPLE = (CORPUS / "issue_example.txt").read_text(encoding="utf-8")


def set_up_shop(db, community: str | None = "周五水果团") -> list[str]:
    """The corpus catalogue through the products service, a channel, the community; returns
    the aliases the catalogue rules refused (a word may name one product only)."""
    channels.add_channel(db, "社群团购", code="group", actor=LI)
    refused = []
    for p in json.loads((CORPUS / "catalog.json").read_text(encoding="utf-8")):
        data = {"sku": p["sku"], "name": p["name"], "price": p["price"], "aliases": p["aliases"]}
        try:
            made = products.create_product(db, data, actor=LI)
        except ValidationError as e:  # the rule names each alias another product has
            taken = {problem.value for problem in e.problems}
            kept = [a for a in p["aliases"] if a not in taken]
            refused += [a for a in p["aliases"] if a not in kept]
            made = products.create_product(db, {**data, "aliases": kept}, actor=LI)
        if not p["active"]:
            products.archive_product(db, made["id"], made["version"], actor=LI)
    if community:
        add_community(db, community)
    return refused


def add_community(db, name: str) -> None:
    """A community row (the communities service is another issue's)."""
    with db.write() as conn:
        conn.execute(sa.insert(communities).values(name=name, created_at=now_utc()))


def customer(db, name: str, mobile: str | None = None, wechat_id: str | None = None) -> str:
    """A customer made through the service; returns the code."""
    data = {"name": name, "mobile": mobile, "wechat_id": wechat_id}
    return customers.create_customer(db, data, actor=WANG)["code"]


def count(db, table) -> int:
    with db.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_the_corpus_reads_the_same_through_the_database(db):
    refused = set(set_up_shop(db, community=None))
    assert refused == {"蓝莓", "芒果"}  # one product each by alias: the catalogue's rule
    stored = products.list_products(db, actor=LI)
    for path in LISTS:
        text = path.read_text(encoding="utf-8")
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        got = json.loads(check_list(db, text, actor=WANG).to_json(lang="zh_CN"))
        if any(word in text for word in refused):
            # read as the stored catalogue says: compared with the reader given it directly
            expected = json.loads(read_list(text, stored).to_json(lang="zh_CN"))
        assert got == expected, path.name


def test_buyers_are_matched_by_mobile_wechat_then_name_and_ambiguity_is_asked(db):
    set_up_shop(db)
    yu = customer(db, "林小雨", mobile="13912345678")
    mei = customer(db, "李梅")
    anna = customer(db, "安娜", wechat_id="Anna")
    chen1, chen2 = customer(db, "陈姐"), customer(db, "陈姐", mobile="13700000001")
    job = check_list(db, EXAMPLE, community="周五水果团", actor=WANG)
    got = {row.entry.number: row for row in job.rows}
    assert got[3].customer["code"] == yu  # by mobile, though the list calls her 小雨
    assert got[1].customer["code"] == mei  # by name
    assert got[4].customer["code"] == anna  # by WeChat ID
    assert got[2].customer is None and got[2].state == "new"  # 王芳🍒: a new customer
    assert got[5].state == "problem" and got[5].customer is None
    assert {c["code"] for c in got[5].candidates} == {chen1, chen2}
    assert "陈姐" in got[5].problems[0].text("zh_CN")
    assert not job.ok
    # nothing is guessed: confirming with the problem open writes nothing
    job = import_list(db, EXAMPLE, community="周五水果团", actor=WANG)
    assert not job.written and count(db, orders) == 0 and count(db, imports) == 0


def test_confirm_writes_every_entry_in_one_import_with_group_prices_notes_and_members(db):
    set_up_shop(db)
    chen = customer(db, "陈姐")
    job = import_list(db, EXAMPLE, community="周五水果团", actor=WANG)
    assert job.written and job.ok
    assert len(job.new_customers) == 4  # 李梅, 王芳🍒, 小雨, Anna; 陈姐 is known
    with db.read() as conn:
        rows = conn.execute(
            sa.select(orders.c.order_no, orders.c.note, orders.c.total, customers_table.c.name)
            .join(customers_table, customers_table.c.id == orders.c.customer_id)
            .order_by(orders.c.order_no)
        ).all()
        lines = conn.execute(
            sa.select(order_lines.c.sku, order_lines.c.quantity, order_lines.c.unit_price)
            .join(orders, orders.c.id == order_lines.c.order_id)
            .order_by(orders.c.order_no, order_lines.c.line_no)
        ).all()
        members = conn.execute(sa.select(sa.func.count()).select_from(community_members)).scalar()
        kind, summary = conn.execute(sa.select(imports.c.kind, imports.c.summary)).one()
        yu = conn.execute(
            sa.select(customers_table.c.mobile).where(customers_table.c.name == "小雨")
        ).scalar()
    assert [r.name for r in rows] == ["李梅", "王芳🍒", "小雨", "Anna", "陈姐"]
    assert rows[2].note == "3号楼2单元" and yu == "13912345678"
    assert rows[0].total == Decimal("78.00")  # 2 x the group price 39, not the catalogue's 42
    assert rows[1].total == Decimal("138.00")  # 99 + 39
    assert (lines[1].sku, lines[1].quantity, lines[1].unit_price) == (
        "CHERRY-J",
        1,
        Decimal("99.00"),
    )
    assert members == 5 and kind == "group_buy"
    assert json.loads(summary)["orders_created"] == 5
    assert count(db, group_buy_entries) == 5
    assert chen in [row.customer["code"] for row in job.rows]


def test_the_same_list_again_creates_nothing_and_a_longer_one_only_the_new_entries(db):
    set_up_shop(db)
    import_list(db, EXAMPLE, community="周五水果团", actor=WANG)
    again = import_list(db, EXAMPLE, community="周五水果团", actor=WANG)
    assert not again.written and again.count("present") == 5 and count(db, orders) == 5
    longer = EXAMPLE + "6. 小雨 车厘子2 13912345678\n7、Bob 草莓 自提\n"
    job = import_list(db, longer, community="周五水果团", actor=WANG)
    assert job.written and job.count("new") == 2 and job.count("present") == 5
    assert count(db, orders) == 7 and count(db, customers_table) == 6  # 小雨 matched by mobile
    # the same text for another community is another list
    add_community(db, "周六蔬菜团")
    other = check_list(db, EXAMPLE, community="周六蔬菜团", actor=WANG)
    assert other.count("new") == 5 and other.key != job.key


def test_an_entry_edited_after_it_was_written_is_left_alone_and_said_so(db):
    set_up_shop(db)
    import_list(db, EXAMPLE, community="周五水果团", actor=WANG)
    edited = EXAMPLE.replace("4. Anna 车厘子两斤", "4. Anna 车厘子三斤")
    job = import_list(db, edited, community="周五水果团", actor=WANG)
    (row,) = [r for r in job.rows if r.entry.number == 4]
    assert row.state == "present" and "SO00000004" in row.notices[0].text("en")
    assert count(db, orders) == 5


def test_problems_are_settled_by_choosing_and_by_checking(db):
    set_up_shop(db)
    text = (
        "#接龙 周五水果团 草莓 39元/盒\n"
        "1. 李梅 草莓2盒 榴莲1\n"  # 榴莲: no such product
        "2. 王芳 蓝莓 2\n"  # two products by that word (the rules keep one alias)
        "3. 小雨 草莓半盒\n"  # half a box
        "4. 陈姐 草莓2 取消\n"  # says cancel
        "5. 老王 车厘子1\n"
    )
    job = check_list(db, text, actor=WANG)
    states = {r.entry.number: r.state for r in job.rows}
    assert states == {1: "problem", 2: states[2], 3: "problem", 4: "problem", 5: "new"}
    fixes = {
        1: Fix(products={1: "LYCHEE"}),  # the person says 榴莲 meant 荔枝
        2: Fix(products={0: "BLUE-L"}),
        3: Fix(quantities={0: 1}),
        4: Fix(skip=True),
    }
    job = import_list(db, text, fixes=fixes, actor=WANG)
    assert job.written, [p.text("en") for r in job.rows for p in r.problems]
    with db.read() as conn:
        got = conn.execute(
            sa.select(orders.c.order_no, order_lines.c.sku, order_lines.c.quantity)
            .join(orders, orders.c.id == order_lines.c.order_id)
            .order_by(orders.c.order_no, order_lines.c.line_no)
        ).all()
    assert [(r.sku, r.quantity) for r in got] == [
        ("BERRY-1", 2),
        ("LYCHEE", 1),
        ("BLUE-L", 2),
        ("BERRY-1", 1),
        ("CHERRY-J", 1),
    ]
    # a cancellation ticked as checked is written
    again = check_list(db, text, fixes={4: Fix(checked=True)})
    assert [r.state for r in again.rows if r.entry.number == 4] == ["new"]


def test_a_chosen_customer_or_a_new_one_settles_an_ambiguous_buyer(db):
    set_up_shop(db)
    first, _second = customer(db, "陈姐"), customer(db, "陈姐")
    job = import_list(
        db,
        "1. 陈姐 草莓2\n2. 陈姐 车厘子1\n",
        fixes={1: Fix(customer=first), 2: Fix(customer=NEW)},
        actor=WANG,
    )
    assert job.written
    assert job.rows[0].customer["code"] == first
    assert job.rows[1].customer["code"] not in (first, _second)
    with pytest.raises(SalesopsError):
        check_list(db, "1. 陈姐 草莓2\n", community="no such group")


def test_a_buyer_in_several_entries_becomes_one_customer(db):
    set_up_shop(db)
    text = "1. 小雨 草莓2\n2. 李梅 草莓\n3. 小雨 13912345678 车厘子1\n4. 李梅 车厘子\n"
    job = import_list(db, text, actor=WANG)
    assert job.written and len(job.new_customers) == 2 and count(db, customers_table) == 2
    assert job.rows[0].customer["mobile"] == "13912345678"  # told by entry 3
    assert job.rows[0].customer["id"] == job.rows[2].customer["id"]


def test_a_failure_while_writing_leaves_nothing_behind(db, monkeypatch):
    from salesops.groupbuy import service

    set_up_shop(db)
    real, calls = service.write_order, []

    def failing(conn, *args, **kw):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        return real(conn, *args, **kw)

    monkeypatch.setattr(service, "write_order", failing)
    with pytest.raises(RuntimeError):
        import_list(db, EXAMPLE, community="周五水果团", actor=WANG)
    for table in (orders, customers_table, imports, group_buy_entries, community_members):
        assert count(db, table) == 0


def run(db_url, *args, ok=True, stdin=None):
    result = CliRunner().invoke(main, ["--db", db_url, *args], input=stdin)
    assert (result.exit_code == 0) == ok, result.output
    return result


def test_salesops_import_group_buy(db, db_url, tmp_path):
    set_up_shop(db)
    path = tmp_path / "list.txt"
    path.write_bytes(EXAMPLE.encode("gb18030"))
    out = run(
        db_url, "import", "group-buy", str(path), "--community", "周五水果团", "--dry-run", "--json"
    )
    expected = json.loads((CORPUS / "issue_example.json").read_text(encoding="utf-8"))
    assert json.loads(out.stdout) == expected
    assert count(db, orders) == 0
    out = run(
        db_url,
        "import",
        "group-buy",
        str(path),
        "--community",
        "周五水果团",
        "--channel",
        "社群团购",
    )
    assert "SO00000005" in out.stdout and count(db, orders) == 5
    out = run(db_url, "import", "group-buy", "-", "--json", stdin=EXAMPLE.encode("utf-8"))
    assert [o["customer"] for o in json.loads(out.stdout)["orders"]] == [
        "C000001",
        "C000002",
        "C000003",
        "C000004",
        "C000005",
    ]
    bad = run(db_url, "import", "group-buy", "-", stdin="1. 王五 榴莲2\n".encode(), ok=False)
    # without a community the list is another one: it wrote its five; the bad one nothing
    assert "榴莲" in bad.stdout and count(db, orders) == 10
    missing = run(db_url, "import", "group-buy", str(path), "--community", "nope", ok=False)
    assert "nope" in missing.output and "Traceback" not in missing.output


def test_buyers_are_matched_by_nickname_and_one_who_left_the_group_joins_it_again(db):
    from salesops import communities as communities_service

    set_up_shop(db)
    # 王芳🍒 goes by her WeChat nickname in the group; her customer record has another name
    fang = customers.create_customer(db, {"name": "王芳", "nickname": "王芳🍒"}, actor=WANG)
    # two customers share the nickname 陈姐: asked, never guessed (as by name)
    customers.create_customer(db, {"name": "陈静", "nickname": "陈姐"}, actor=WANG)
    customers.create_customer(db, {"name": "陈洁", "nickname": "陈姐"}, actor=WANG)
    group = communities_service.find_community(db, "周五水果团")
    communities_service.add_member(db, group["id"], fang["id"], actor=LI)
    communities_service.remove_member(db, group["id"], fang["id"], actor=LI)
    job = check_list(db, EXAMPLE, community="周五水果团", actor=WANG)
    got = {row.entry.number: row for row in job.rows}
    assert got[2].customer["code"] == fang["code"]  # by nickname, not a new customer
    assert got[5].state == "problem" and len(got[5].candidates) == 2
    fixes = {5: Fix(customer=NEW)}
    job = import_list(db, EXAMPLE, community="周五水果团", fixes=fixes, actor=WANG)
    assert job.written
    stays = communities_service.customer_stays(db, fang["id"])
    assert len(stays) == 2  # her earlier stay kept (left), and a new one from this list
    assert sum(stay["left_at"] is None for stay in stays) == 1
