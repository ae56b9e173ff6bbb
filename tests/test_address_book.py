"""Customers' address books from an empty database: add, edit, default, delete, with
versions and audit; the divisions checked; and the ship-to an order copies, which later
edits never change."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from conftest import LI, WANG

from salesops import address_book, audit, orders
from salesops.errors import ConflictError, PermissionDenied, ValidationError
from salesops.schema import customer_addresses

pytestmark = pytest.mark.usefixtures("english")
HOME = {
    "recipient": "张伟",
    "mobile": "+86 138-0013-8000",
    "province": "浙江",
    "city": "杭州",
    "district": "西湖区",
    "detail": "文三路 90 号",
    "postcode": "310012",
}
OFFICE = {
    "recipient": "张伟（公司）",
    "mobile": "13912345678",
    "province": "北京市",
    "city": "北京市",
    "district": "朝阳区",
    "detail": "建国路 88 号 SOHO 现代城 A 座",
}


def test_the_first_address_is_the_default_and_short_names_are_stored_in_full(db, buyer):
    home = address_book.add_address(db, buyer["id"], HOME, WANG)
    assert (home["province"], home["city"], home["district"]) == ("浙江省", "杭州市", "西湖区")
    assert (home["mobile"], home["division_code"], home["is_default"]) == (
        "13800138000",
        "330106",
        True,
    )
    office = address_book.add_address(db, buyer["id"], OFFICE, WANG)
    assert office["is_default"] is False and office["division_code"] == "110105"
    listed = address_book.list_addresses(db, buyer["id"])
    assert [a["id"] for a in listed] == [home["id"], office["id"]]
    with db.read() as conn:
        created = audit.history(conn, "customer_addresses", office["id"])
    assert created[0]["action"] == "create" and created[0]["actor"] == "wang.fang"
    assert created[0]["new_values"]["detail"] == "建国路 88 号 SOHO 现代城 A 座"


def test_setting_another_default_moves_the_flag_and_records_both_changes(db, buyer):
    home = address_book.add_address(db, buyer["id"], HOME, WANG)
    office = address_book.add_address(db, buyer["id"], OFFICE, WANG)
    address_book.set_default(db, office["id"], office["version"], LI)
    listed = address_book.list_addresses(db, buyer["id"])
    assert [(a["id"], a["is_default"]) for a in listed] == [
        (office["id"], True),
        (home["id"], False),
    ]
    with db.read() as conn:
        home_changes = audit.history(conn, "customer_addresses", home["id"])
    assert home_changes[-1]["new_values"] == {"is_default": False}
    assert home_changes[-1]["actor"] == "li.lei"


def test_deleting_the_default_makes_the_other_address_the_default(db, buyer):
    home = address_book.add_address(db, buyer["id"], HOME, WANG)
    office = address_book.add_address(db, buyer["id"], OFFICE, WANG)
    address_book.delete_address(db, home["id"], home["version"], WANG)
    listed = address_book.list_addresses(db, buyer["id"])
    assert [(a["id"], a["is_default"]) for a in listed] == [(office["id"], True)]
    with db.read() as conn:
        gone = conn.execute(
            sa.select(customer_addresses.c.deleted_at).where(customer_addresses.c.id == home["id"])
        ).scalar()
    assert gone is not None  # kept for history, out of the book


def test_a_stale_edit_names_who_changed_the_address(db, buyer):
    home = address_book.add_address(db, buyer["id"], HOME, WANG)
    address_book.update_address(db, home["id"], {"detail": "文三路 100 号"}, 1, LI)
    with pytest.raises(ConflictError, match="li.lei"):
        address_book.update_address(db, home["id"], {"detail": "文三路 1 号"}, 1, WANG)
    assert address_book.get_address(db, home["id"])["detail"] == "文三路 100 号"


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"city": "南京"}, "city", "not a city of 浙江省"),
        ({"district": "朝阳区"}, "district", "not a district of 杭州市"),
        ({"district": ""}, "district", "required"),
        ({"province": "浙江生"}, "province", "did you mean 浙江省"),
        ({"mobile": "12345"}, "mobile", "mobile"),
        ({"mobile": ""}, "mobile", "required"),
        ({"recipient": " "}, "recipient", "required"),
        ({"detail": ""}, "detail", "required"),
        ({"postcode": "3100"}, "postcode", "6 digits"),
    ],
)
def test_bad_fields_are_refused_by_name_and_nothing_is_saved(db, buyer, change, field, words):
    with pytest.raises(ValidationError, match=words) as caught:
        address_book.add_address(db, buyer["id"], {**HOME, **change}, WANG)
    assert field in caught.value.fields
    assert address_book.list_addresses(db, buyer["id"]) == []


def test_an_address_abroad_keeps_what_was_typed(db, buyer):
    hk = address_book.add_address(
        db,
        buyer["id"],
        {
            "recipient": "陈大文",
            "mobile": "+852 9123 4567",
            "province": "香港",
            "city": "九龙",
            "detail": "弥敦道 100 号 8 楼",
        },
        WANG,
    )
    assert (hk["province"], hk["city"], hk["district"], hk["division_code"]) == (
        "香港",
        "九龙",
        "",
        None,
    )
    assert hk["mobile"] == "+85291234567"


def test_a_city_without_districts_needs_none(db, buyer):
    found = address_book.add_address(
        db, buyer["id"], {**HOME, "province": "广东", "city": "东莞市", "district": ""}, WANG
    )
    assert (found["city"], found["district"], found["division_code"]) == ("东莞市", "", "441900")


def test_staff_without_customer_rights_cannot_touch_addresses(db, buyer):
    from salesops.actors import Actor

    with pytest.raises(PermissionDenied):
        address_book.add_address(db, buyer["id"], HOME, Actor("guest", "nobody"))


def test_a_pasted_line_fills_the_fields():
    found = address_book.parse("收货人：李娜 手机号码：13912345678 所在地区：广东省深圳市南山区 "
                               "详细地址：科技园南区 8 栋 502")  # fmt: skip
    assert (found["recipient"], found["mobile"], found["province"], found["city"]) == (
        "李娜",
        "13912345678",
        "广东省",
        "深圳市",
    )
    assert found["district"] == "南山区" and "科技园南区" in found["detail"]
    assert found["problems"] == []


# -- the ship-to an order copies ---------------------------------------------------------------


def _order(db, buyer, **options):
    return orders.create_order(db, buyer["id"], [{"sku": "TEA-01", "quantity": 1}], actor=WANG,
                               **options)  # fmt: skip


def _ship_to(db, order_id):
    order = orders.get_order(db, order_id)
    return {k[5:]: v for k, v in order.items() if k.startswith("ship_")}


def test_an_order_copies_the_default_and_a_later_edit_does_not_change_it(db, buyer):
    home = address_book.add_address(db, buyer["id"], HOME, WANG)
    order = _order(db, buyer)
    address_book.update_address(
        db, home["id"], {"detail": "天目山路 1 号", "mobile": "13700000000"}, 1, WANG
    )
    address_book.delete_address(db, home["id"], 2, WANG)
    assert _ship_to(db, order["id"]) == {
        "recipient": "张伟",
        "mobile": "13800138000",
        "province": "浙江省",
        "city": "杭州市",
        "district": "西湖区",
        "detail": "文三路 90 号",
        "postcode": "310012",
    }


def test_an_order_to_another_address_or_to_none(db, buyer):
    address_book.add_address(db, buyer["id"], HOME, WANG)
    office = address_book.add_address(db, buyer["id"], OFFICE, WANG)
    to_office = _order(db, buyer, ship_to=office["id"])
    assert _ship_to(db, to_office["id"])["district"] == "朝阳区"
    pickup = _order(db, buyer, ship_to=None, courier="自提")
    assert set(_ship_to(db, pickup["id"]).values()) == {None}
    assert orders.get_order(db, pickup["id"])["courier"] == "pickup"


def test_a_new_address_with_the_order_can_go_into_the_book(db, buyer):
    order = _order(db, buyer, ship_to={**OFFICE, "save": True})
    assert _ship_to(db, order["id"])["recipient"] == "张伟（公司）"
    book = address_book.list_addresses(db, buyer["id"])
    assert [(a["recipient"], a["is_default"]) for a in book] == [("张伟（公司）", True)]
    once = _order(db, buyer, ship_to={**HOME, "save": False})
    assert _ship_to(db, once["id"])["city"] == "杭州市"
    assert len(address_book.list_addresses(db, buyer["id"])) == 1


def test_an_address_of_someone_else_is_refused(db, basics, buyer):
    from salesops import customers

    other = customers.create_customer(db, {"name": "李娜", "mobile": "13912345678"}, WANG)
    theirs = address_book.add_address(db, other["id"], OFFICE, WANG)
    with pytest.raises(ValidationError, match="not one of this customer's addresses"):
        _order(db, buyer, ship_to=theirs["id"])
    with pytest.raises(ValidationError, match="required"):
        _order(db, buyer, ship_to={**HOME, "detail": ""})
