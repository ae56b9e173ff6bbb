"""Communities from an empty database: create, add and remove members (leaving keeps the
stay, so past weeks keep their members), members with what they bought, roles, merges."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from conftest import LI, WANG

from salesops import audit, channels, communities, customers, merge, orders, products
from salesops.errors import ConflictError, PermissionDenied, ValidationError
from salesops.queries import fetch_df
from salesops.schema import community_members

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def shop(db):
    """An empty shop with one channel, one product with a cost and three customers."""
    ch = channels.add_channel(db, "宝妈群", code="moms", actor=LI)
    products.create_product(
        db, {"sku": "BERRY", "name": "奶油草莓", "price": "39", "unit_cost": "21"}, actor=LI
    )
    people = [
        customers.create_customer(db, {"name": n, "nickname": k}, actor=WANG)
        for n, k in (("张伟", "小雨🍓"), ("王芳", "芳芳"), ("李娜", None))
    ]
    return {"channel": ch, "people": people}


def test_a_community_is_created_with_channel_and_owner_and_its_name_is_unique(db, shop):
    owner = shop["people"][0]
    made = communities.create_community(
        db, {"name": "宝妈育儿交流群", "channel_id": "moms", "owner_id": owner["code"]}, actor=LI
    )
    assert (made["channel_id"], made["owner_id"]) == (shop["channel"]["id"], owner["id"])
    assert made["created_by"] == "li.lei" and made["version"] == 1
    with pytest.raises(ValidationError, match="already a community called '宝妈育儿交流群'"):
        communities.create_community(db, {"name": " 宝妈育儿交流群 "}, actor=LI)
    with pytest.raises(ValidationError, match="no channel"):
        communities.create_community(db, {"name": "x", "channel_id": "nope"}, actor=LI)
    with pytest.raises(ValidationError, match="no customer"):
        communities.create_community(db, {"name": "x", "owner_id": "C999999"}, actor=LI)
    listed = communities.list_communities(db)
    assert [(r["name"], r["channel"], r["owner"]) for r in listed] == [
        ("宝妈育儿交流群", "宝妈群", "张伟")
    ]
    with db.read() as conn:
        assert audit.history(conn, "communities", made["id"])[0]["actor"] == "li.lei"


def test_staff_may_not_create_or_edit_communities_but_may_add_members(db, shop):
    with pytest.raises(PermissionDenied, match="may not create or change communities"):
        communities.create_community(db, {"name": "x"}, actor=WANG)
    group = communities.create_community(db, {"name": "x"}, actor=LI)
    with pytest.raises(PermissionDenied):
        communities.update_community(db, group["id"], {"name": "y"}, 1, actor=WANG)
    communities.add_member(db, group["id"], shop["people"][1]["id"], actor=WANG)
    assert communities.list_communities(db)[0]["members"] == 1
    assert communities.list_communities(db)[0]["name"] == "x"


def test_a_rename_is_versioned_and_a_stale_one_is_refused(db, shop):
    group = communities.create_community(db, {"name": "旧名"}, actor=LI)
    renamed = communities.update_community(
        db, group["id"], {"name": "新名", "channel_id": "moms"}, 1, actor=LI
    )
    assert (renamed["name"], renamed["version"]) == ("新名", 2)
    with pytest.raises(ConflictError, match="li.lei"):
        communities.update_community(db, group["id"], {"name": "又一名"}, 1, actor=LI)


def test_leaving_keeps_the_stay_and_coming_back_is_a_new_one(db, shop):
    group = communities.create_community(db, {"name": "团购群"}, actor=LI)
    who = shop["people"][1]
    communities.add_member(db, group["id"], who["id"], joined="2026-01-05", actor=WANG)
    with pytest.raises(ValidationError, match="already a member of 团购群 \\(since 2026-01-05\\)"):
        communities.add_member(db, group["id"], who["id"], actor=WANG)
    with pytest.raises(ValidationError, match="before they joined"):
        communities.remove_member(db, group["id"], who["id"], left="2026-01-01", actor=WANG)
    communities.remove_member(db, group["id"], who["id"], left="2026-02-01", actor=WANG)
    with pytest.raises(ValidationError, match="is not a member of 团购群"):
        communities.remove_member(db, group["id"], who["id"], actor=WANG)
    assert communities.members(db, group["id"]) == []
    communities.add_member(db, group["id"], who["id"], joined="2026-03-01", actor=WANG)
    stays = communities.customer_stays(db, who["id"])
    assert [(s["community"], communities.local_day(s["joined_at"])) for s in stays] == [
        ("团购群", "2026-03-01"),
        ("团购群", "2026-01-05"),
    ]
    assert communities.local_day(stays[1]["left_at"]) == "2026-02-01"
    assert len(communities.members(db, group["id"], include_left=True)) == 2
    listed = communities.list_communities(db)[0]
    assert (listed["members"], listed["members_ever"]) == (1, 1)
    with pytest.raises(ValidationError, match="in the future"):
        communities.add_member(
            db, group["id"], shop["people"][2]["id"], joined=date.today() + timedelta(days=3)
        )


def test_members_show_who_bought_and_what(db, shop):
    group = communities.create_community(db, {"name": "团购群"}, actor=LI)
    buyer, idle = shop["people"][0], shop["people"][1]
    for person in (buyer, idle):
        communities.add_member(db, group["id"], person["id"], joined="2026-01-05", actor=WANG)
    orders.create_order(
        db, buyer["id"], [{"sku": "BERRY", "quantity": 2}], channel="moms", actor=WANG
    )
    rows = {r["code"]: r for r in communities.members(db, group["id"])}
    assert rows[buyer["code"]]["orders"] == 1
    assert str(rows[buyer["code"]]["revenue"]) == "78.00"
    assert rows[buyer["code"]]["products"] == ["奶油草莓"]
    assert rows[buyer["code"]]["nickname"] == "小雨🍓"
    assert (rows[idle["code"]]["orders"], rows[idle["code"]]["products"]) == (0, [])
    assert communities.list_communities(db)[0]["buyers"] == 1


def test_the_weekly_members_count_only_people_in_the_group_at_the_end_of_the_week(db, shop):
    group = communities.create_community(db, {"name": "团购群"}, actor=LI)
    stay, gone = shop["people"][0], shop["people"][1]
    for person in (stay, gone):
        communities.add_member(db, group["id"], person["id"], joined="2026-01-05", actor=WANG)
    communities.remove_member(db, group["id"], gone["id"], left="2026-01-21", actor=WANG)

    def members_in_week(monday):
        start = datetime(*monday, tzinfo=UTC) - timedelta(hours=8)
        frame = fetch_df(db, "week_communities", start=start, end=start + timedelta(days=7))
        return int(frame["members"].iloc[0])

    assert members_in_week((2026, 1, 12)) == 2  # before she left
    assert members_in_week((2026, 1, 26)) == 1  # after


def test_a_merge_moves_every_stay_and_the_undo_puts_them_back(db, shop):
    group = communities.create_community(db, {"name": "团购群"}, actor=LI)
    other_group = communities.create_community(db, {"name": "养生群"}, actor=LI)
    keep, other = shop["people"][0], shop["people"][1]
    communities.add_member(db, group["id"], keep["id"], joined="2026-01-02", actor=WANG)
    communities.add_member(db, group["id"], other["id"], joined="2026-01-03", actor=WANG)
    communities.add_member(db, other_group["id"], other["id"], joined="2026-01-04", actor=WANG)
    communities.remove_member(db, other_group["id"], other["id"], left="2026-01-09", actor=WANG)

    def rows():
        with db.read() as conn:
            return sorted(conn.execute(sa.select(community_members)).all())

    before = rows()
    done = merge.merge_customers(db, keep["id"], other["id"], actor=WANG)
    stays = communities.customer_stays(db, keep["id"])
    assert sorted(s["community"] for s in stays) == sorted(["团购群", "养生群"])
    merge.unmerge(db, done["id"], actor=WANG)
    assert rows() == before


def test_the_migration_keeps_members_and_reviews_and_the_downgrade_undoes_it(empty_db_url):
    from salesops import migrate
    from salesops.db import Database

    db = Database(empty_db_url)
    try:
        migrate.upgrade(db, "0016_worklist")
        with db.write() as conn:
            run = conn.exec_driver_sql
            run(
                "insert into customers (code, name, tags, notes, is_agent, version, created_at, "
                "created_by, updated_at, updated_by) values ('C1', '张伟', '', '', false, 1, "
                "'2026-01-01 00:00:00', 'a', '2026-01-01 00:00:00', 'a')"
            )
            run("insert into communities (id, name, created_at) values (7, 'g', '2026-01-01')")
            run(
                "insert into community_members (community_id, customer_id, joined_at) "
                "values (7, 1, '2026-01-02 00:00:00')"
            )
            run(
                "insert into reviews (customer_id, posted_at, platform) "
                "values (1, '2026-01-03 00:00:00', 'community_group')"
            )
        migrate.upgrade(db)
        assert migrate.pending_changes(db) == []
        with db.read() as conn:
            stay = conn.execute(sa.select(community_members)).mappings().one()
            platform = conn.exec_driver_sql("select platform from reviews").scalar()
        assert (stay["community_id"], stay["left_at"], stay["brought_in"]) == (7, None, False)
        assert platform == "wechat_group"
        communities.remove_member(db, 7, 1, left="2026-01-05")
        communities.add_member(db, 7, 1, joined="2026-01-09")
        migrate.downgrade(db, "0016_worklist")
        with db.read() as conn:
            rows = conn.exec_driver_sql("select community_id, customer_id from community_members")
            assert rows.all() == [(7, 1)]
            assert conn.exec_driver_sql("select platform from reviews").scalar() == (
                "community_group"
            )
        migrate.upgrade(db)
        assert migrate.pending_changes(db) == []
    finally:
        db.dispose()
