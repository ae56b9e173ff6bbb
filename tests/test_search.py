"""Customer search as people type it, on SQLite (FTS5) and PostgreSQL (pg_trgm)."""

import pytest
import sqlalchemy as sa

from salesops import customers, migrate
from salesops import schema as s
from salesops.db import Database
from salesops.search import normalise, phone_digits, search_customers

PEOPLE = [
    ("王伟", "13800138000", "WangWei88"),
    ("王伟东", "13912345678", "wwd_2015"),
    ("王芳", "15000138001", None),
    ("李娜", "18611112222", "Lina-Tea"),
    ("Anna", "17700001111", "anna_shop"),
    ("Annabel", "17700002222", "tea_annabel"),
]


@pytest.fixture
def people(db, basics):
    """Six customers made through the service; name -> stored row."""
    made = {}
    for name, mobile, wechat in PEOPLE:
        row = customers.create_customer(
            db,
            {
                "name": name,
                "mobile": mobile,
                "wechat_id": wechat,
                "channel_id": basics["micro_store"],
            },
        )
        made[name] = row
    return made


def names(rows):
    return [r["name"] for r in rows]


def test_typed_text_is_folded_and_phone_numbers_become_digits():
    assert normalise("  １３８　００１３ ") == "138 0013"
    assert phone_digits("+86 138-0013") == "1380013"
    assert phone_digits("0086 (138) 0013 8000") == "13800138000"
    assert phone_digits("8613800138000") == "13800138000"
    assert phone_digits("+44 20 7946") == "+44207946"
    assert phone_digits("王伟") is None and phone_digits("wang88") is None


def test_name_prefix_lists_exact_match_first(db, people):
    assert names(search_customers(db, "王")) == ["王伟", "王伟东", "王芳"]
    assert names(search_customers(db, "王伟")) == ["王伟", "王伟东"]
    assert search_customers(db, "伟") == []  # a name is matched from its start


@pytest.mark.parametrize(
    "typed", ["0013", "138 0013", "+86 138-0013", "１３８００１３", "８０００"]
)
def test_mobile_fragment_in_any_format_finds_it_anywhere_in_the_number(db, people, typed):
    found = search_customers(db, typed)
    assert "王伟" in names(found)
    assert all(typed_digits_in(r["mobile"], typed) for r in found)


def typed_digits_in(mobile, typed):
    return phone_digits(normalise(typed)) in mobile


def test_short_digit_input_matches_mobiles_starting_with_it(db, people):
    assert names(search_customers(db, "15")) == ["王芳"]
    assert names(search_customers(db, "１７")) == ["Anna", "Annabel"]


def test_wechat_id_matches_in_any_case_and_code_in_any_case(db, people):
    assert names(search_customers(db, "WANGWEI")) == ["王伟"]
    assert names(search_customers(db, "lina-T")) == ["李娜"]
    code = people["李娜"]["code"]
    assert names(search_customers(db, code.lower())) == ["李娜"]


def test_latin_text_lists_codes_then_wechat_ids_then_names_each_once(db, people):
    # Anna's WeChat ID and name both start with "Anna": she is listed once, as a WeChat hit.
    assert names(search_customers(db, "Anna")) == ["Anna", "Annabel"]
    assert names(search_customers(db, "anna")) == ["Anna"]  # names match as written
    assert names(search_customers(db, "tea")) == ["Annabel"]  # wechat tea_annabel


def test_pages_after_the_last_row_list_every_match_once_in_order(db, basics):
    for i in range(23):
        customers.create_customer(
            db,
            {
                "name": f"张{'三四五'[i % 3]}{i:02d}",
                "mobile": f"1360000{i:04d}",
                "wechat_id": f"zhang{i:02d}",
            },
        )
    for typed in ("张", "1360000", "zhang"):
        whole = search_customers(db, typed, limit=200)
        assert len(whole) == 23
        paged, after = [], None
        while page := search_customers(db, typed, limit=4, after=after):
            paged += page
            after = page[-1]["id"]
        assert [r["id"] for r in paged] == [r["id"] for r in whole]


def test_a_changed_mobile_is_found_under_the_new_number_and_deleted_customers_not_at_all(
    db, people
):
    wang = people["王伟"]
    customers.update_customer(db, wang["id"], {"mobile": "13700009999"}, wang["version"])
    assert search_customers(db, "00138000") == []
    assert names(search_customers(db, "0000999")) == ["王伟"]
    fang = people["王芳"]
    customers.delete_customer(db, fang["id"], fang["version"])
    assert names(search_customers(db, "王")) == ["王伟", "王伟东"]
    assert search_customers(db, "50001380") == []


def test_blank_or_unmatchable_input_finds_nothing(db, people):
    assert search_customers(db, "") == []
    assert search_customers(db, "   ") == []
    assert search_customers(db, None) == []
    assert search_customers(db, "99999999") == []
    assert search_customers(db, "王", after=10**9) == []


def test_a_known_demo_customer_is_found_every_way(demo_db):
    with demo_db.read() as conn:
        known = conn.execute(
            sa.select(s.customers)
            .where(s.customers.c.wechat_id.isnot(None))
            .order_by(s.customers.c.id)
            .offset(100)
            .limit(1)
        ).one()
    middle = known.mobile[3:9]
    spaced = f"+86 {known.mobile[:3]} {known.mobile[3:7]} {known.mobile[7:]}"
    for typed in (known.name, middle, spaced, known.wechat_id.upper(), known.code.lower()):
        ids = [r["id"] for r in search_customers(demo_db, typed, limit=200)]
        hits = []
        after = None
        while known.id not in ids and ids:
            after, hits = ids[-1], hits + ids
            ids = [r["id"] for r in search_customers(demo_db, typed, limit=200, after=after)]
        assert known.id in ids, typed


def test_customers_present_before_the_search_migration_are_found_after_it(empty_db_url):
    from tests.conftest import seed_basics

    db = Database(empty_db_url)
    migrate.upgrade(db, migrate.first_revision(db))
    seed_basics(db)
    with db.write() as conn:
        conn.exec_driver_sql(
            "insert into customers (code, name, mobile, tags, notes, is_agent, version, "
            "created_at, created_by, updated_at, updated_by) values ('C000007', '张伟', "
            "'13800138000', '', '', false, 1, '2026-01-01 00:00:00', 'a', "
            "'2026-01-01 00:00:00', 'a')"
        )
    migrate.upgrade(db)
    assert names(search_customers(db, "0013800")) == ["张伟"]
    migrate.downgrade(db, migrate.first_revision(db))
    migrate.upgrade(db)
    assert names(search_customers(db, "380013")) == ["张伟"]
    db.dispose()


def test_wechat_nicknames_are_found_after_names_and_paged_with_them(db, basics):
    """In group chats people go by nicknames: 小雨🍓 finds the customer called 张伟."""
    zhang = customers.create_customer(db, {"name": "张伟", "nickname": "小雨🍓"})
    customers.create_customer(db, {"name": "小雨", "nickname": "雨天"})
    customers.create_customer(db, {"name": "王芳", "nickname": "小雨"})
    assert names(search_customers(db, "小雨🍓")) == ["张伟"]
    assert names(search_customers(db, "小雨")) == ["小雨", "王芳", "张伟"]
    assert search_customers(db, "小雨🍓")[0]["nickname"] == "小雨🍓"
    paged, after = [], None
    while page := search_customers(db, "小雨", limit=1, after=after):
        paged += page
        after = page[-1]["id"]
    assert names(paged) == ["小雨", "王芳", "张伟"]
    customers.update_customer(db, zhang["id"], {"nickname": ""}, 1)
    assert names(search_customers(db, "小雨🍓")) == []
    with db.read() as conn:
        assert [r["name"] for r in customers.find_by_nickname(conn, " 小雨 ")] == ["王芳"]
