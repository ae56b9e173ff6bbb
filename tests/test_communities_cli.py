"""`salesops communities ...` from an empty migrated database, on SQLite and PostgreSQL:
add, list, rename, join, leave, members (text and --json), and import of a member list
(Chinese headers, GB18030, .xlsx, unknown people become customers "from community NAME",
bad rows by row and column with nothing written)."""

import json

import pytest
from click.testing import CliRunner
from conftest import LI, WANG
from importfiles import count, snapshot, write_csv, write_xlsx

from salesops import channels, communities, customers, orders, products
from salesops.cli import main

pytestmark = pytest.mark.usefixtures("english")
HEADERS_ZH = ["微信号", "手机号", "微信昵称", "姓名", "入群时间"]


def run(db_url, *args, ok=True):
    """Run `salesops --db URL args`; check the exit status."""
    result = CliRunner().invoke(main, ["--db", db_url, *args])
    assert (result.exit_code == 0) == ok, result.output
    return result.output


@pytest.fixture
def shop(db):
    """A channel, a product and two customers, one a buyer, in an empty shop."""
    channels.add_channel(db, "社群团购", code="groups", actor=LI)
    products.create_product(db, {"sku": "BERRY", "name": "奶油草莓", "price": "39"}, actor=LI)
    owner = customers.create_customer(
        db, {"name": "张伟", "mobile": "13800138000", "wechat_id": "zw_2015"}, actor=WANG
    )
    fan = customers.create_customer(db, {"name": "王芳", "nickname": "芳芳🍒"}, actor=WANG)
    orders.create_order(db, owner["id"], [{"sku": "BERRY", "quantity": 1}], channel="groups")
    return {"owner": owner, "fan": fan}


def members(db_url, name, *more):
    return json.loads(run(db_url, "communities", "members", name, "--json", *more))


def test_add_list_rename_join_leave_and_members(db, db_url, shop):
    run(db_url, "communities", "add", "宝妈群", "--channel", "groups", "--owner", "zw_2015")
    run(db_url, "communities", "add", "宝妈群", ok=False)
    out = run(db_url, "communities", "list")
    assert "宝妈群  members 0 (ever 0), buyers 0  channel 社群团购  owner C000001 张伟" in out
    run(db_url, "communities", "rename", "宝妈群", "宝妈育儿群")
    run(db_url, "communities", "join", "宝妈育儿群", "13800138000", "--joined", "2026-01-05")
    run(db_url, "communities", "join", "宝妈育儿群", "c000002")
    out = run(db_url, "communities", "join", "宝妈育儿群", "C000002", ok=False)
    assert "already a member of 宝妈育儿群" in out
    got = {m["code"]: m for m in members(db_url, "宝妈育儿群")}
    assert got["C000001"]["products"] == ["奶油草莓"] and got["C000001"]["orders"] == 1
    assert got["C000001"]["revenue"] == "39.00" and got["C000001"]["joined"] == "2026-01-05"
    assert got["C000002"]["nickname"] == "芳芳🍒" and got["C000002"]["orders"] == 0
    run(db_url, "communities", "leave", "宝妈育儿群", "C000002")
    assert [m["code"] for m in members(db_url, "宝妈育儿群")] == ["C000001"]
    assert len(members(db_url, "宝妈育儿群", "--all")) == 2
    listed = json.loads(run(db_url, "communities", "list", "--json"))
    assert listed == [
        {
            "name": "宝妈育儿群",
            "channel": "社群团购",
            "owner_code": "C000001",
            "owner": "张伟",
            "members": 1,
            "members_ever": 2,
            "buyers": 1,
        }
    ]
    assert "no community" in run(db_url, "communities", "members", "无此群", ok=False)
    assert "no customer" in run(db_url, "communities", "join", "宝妈育儿群", "C9", ok=False)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_a_member_list_with_chinese_headers_matches_people_and_creates_the_rest(
    db, db_url, shop, tmp_path, encoding
):
    communities.create_community(db, {"name": "宝妈群", "channel_id": "groups"}, actor=LI)
    rows = [
        ["ZW_2015", "", "", "", "2026-01-05"],  # 张伟 by WeChat ID, any case
        ["", "", "芳芳🍒", "", "2026/1/6 20:15"],  # 王芳 by nickname
        ["", "139 1234 5678", "小雨", "李雨", ""],  # new, named
        ["lucky_cat", "", "", "", ""],  # new: named by code
    ]
    path = write_csv(tmp_path / "members.csv", HEADERS_ZH, rows, encoding=encoding)
    out = run(db_url, "communities", "import", "宝妈群", str(path), "--dry-run")
    assert "members: 4 added (2 of them new customers), 0 already in" in out
    assert count(db, "community_members") == 0
    out = run(db_url, "communities", "import", "宝妈群", str(path))
    assert "written in one transaction" in out
    got = {m["code"]: m for m in members(db_url, "宝妈群")}
    assert got["C000001"]["joined"] == "2026-01-05" and not got["C000001"]["from_community"]
    assert got["C000002"]["joined"] == "2026-01-06"
    new = {m["name"]: m for m in got.values() if m["from_community"]}
    assert set(new) == {"李雨", "客户 C000004"}
    assert new["李雨"]["nickname"] == "小雨"
    with db.read() as conn:
        found = customers.find_by_identity(conn, mobile="13912345678")
    assert found["channel_id"] is not None
    assert communities.origin(db, found["id"]) == "宝妈群"
    again = run(db_url, "communities", "import", "宝妈群", str(path))
    assert "members: 0 added (0 of them new customers), 4 already in" in again


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(db, db_url, shop, tmp_path):
    communities.create_community(db, {"name": "宝妈群"}, actor=LI)
    customers.create_customer(db, {"name": "另一个芳芳", "nickname": "芳芳🍒"}, actor=WANG)
    rows = [
        ["", "12345", "", "", ""],
        ["zw_2015", "", "", "", "明天"],
        ["", "", "", "", "2026-01-01"],
        ["", "", "芳芳🍒", "", ""],
        ["zw_2015", "13800138001", "", "", ""],
        ["", "13900000000", "", "", ""],
        ["", "139 0000 0000", "", "", ""],
    ]
    customers.create_customer(db, {"name": "李四", "mobile": "13800138001"}, actor=WANG)
    path = write_xlsx(tmp_path / "members.xlsx", HEADERS_ZH, rows)
    before = snapshot(db)
    out = run(db_url, "communities", "import", "宝妈群", str(path), ok=False)
    assert "row 2, column 手机号, value '12345'" in out
    assert "row 3, column 入群时间, value '明天'" in out
    assert "row 4, column 手机号, value '': 手机号: give a mobile, WeChat ID or nickname" in out
    assert "row 5, column 微信昵称" in out and "C000002, C000003" in out
    assert "row 6, column 微信号, value 'zw_2015'" in out and "the row's 手机号 is C000004" in out
    assert "row 8, column 手机号, value '13900000000': the same person as row 7" in out
    assert "nothing was written" in out
    assert snapshot(db) == before


def test_staff_may_check_a_member_list_but_not_import_it(db, shop, tmp_path):
    from salesops.errors import PermissionDenied
    from salesops.importer.members import import_members

    communities.create_community(db, {"name": "宝妈群"}, actor=LI)
    path = write_csv(tmp_path / "m.csv", ["nickname"], [["小雨"]])
    report = import_members(db, "宝妈群", path, actor=WANG, dry_run=True)
    assert report.ok and report.counts["members_added"] == 1
    with pytest.raises(PermissionDenied):
        import_members(db, "宝妈群", path, actor=WANG)
    assert count(db, "community_members") == 0
    done = import_members(db, "宝妈群", path, actor=LI)
    assert done.written and count(db, "imports") == 1


CUSTOMER_HEADERS = ["客户编号", "姓名", "手机号", "微信昵称", "代理", "上级代理"]


@pytest.mark.parametrize("encoding", ["gb18030", "xlsx"])
def test_a_customers_file_sets_nickname_agent_and_parent_agent(db, db_url, tmp_path, encoding):
    rows = [
        ["A1", "张总", "13800000001", "张总🍵", "是", ""],
        ["A2", "李代理", "13800000002", "", "是", "A1"],
        ["A3", "王芳", "13800000003", "芳芳", "否", "A2"],
        ["A4", "赵六", "13800000004", "", "", "A5"],  # parent further down the file
        ["A5", "钱七", "13800000005", "", "Y", ""],
    ]
    if encoding == "xlsx":
        path = write_xlsx(tmp_path / "c.xlsx", CUSTOMER_HEADERS, rows)
    else:
        path = write_csv(tmp_path / "c.csv", CUSTOMER_HEADERS, rows, encoding=encoding)
    run(db_url, "import", "customers", str(path))
    with db.read() as conn:
        got = {r["code"]: r for r in (customers.find_by_key(conn, f"A{i}") for i in range(1, 6))}
    assert [got[f"A{i}"]["is_agent"] for i in range(1, 6)] == [True, True, False, False, True]
    parent = {code: r["parent_agent_id"] for code, r in got.items()}
    assert parent == {
        "A1": None,
        "A2": got["A1"]["id"],
        "A3": got["A2"]["id"],
        "A4": got["A5"]["id"],
        "A5": None,
    }
    assert (got["A1"]["nickname"], got["A3"]["nickname"]) == ("张总🍵", "芳芳")
    assert customers.agent_tier(db, got["A3"]["id"]) == 3


def test_bad_agent_cells_are_named_by_row_and_column_and_nothing_is_written(db, db_url, tmp_path):
    customers.create_customer(db, {"name": "老客户", "code": "B1"}, actor=WANG)  # not an agent
    rows = [
        ["A1", "张总", "13800000001", "", "也许", ""],
        ["A2", "李代理", "13800000002", "", "否", "B1"],
        ["A3", "王芳", "13800000003", "", "", "ZZ9"],
        ["A4", "赵六", "13800000004", "", "是", "A4"],
    ]
    path = write_csv(tmp_path / "c.csv", CUSTOMER_HEADERS, rows, encoding="gb18030")
    before = snapshot(db)
    out = run(db_url, "import", "customers", str(path), ok=False)
    assert "row 2, column 代理, value '也许'" in out
    assert "row 3, column 上级代理, value 'B1'" in out and "is not an agent" in out
    assert "row 4, column 上级代理, value 'ZZ9'" in out
    assert "row 5, column 上级代理, value 'A4'" in out and "their own parent agent" in out
    assert snapshot(db) == before
    ok = write_csv(tmp_path / "ok.csv", CUSTOMER_HEADERS, [["B1", "老客户", "", "", "是", ""]])
    run(db_url, "import", "customers", str(ok), "--update")
    with db.read() as conn:
        assert customers.find_by_key(conn, "B1")["is_agent"] is True
