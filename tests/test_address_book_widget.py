"""The address book and the order form's ship-to as components, on a real database without a
browser: paste a line to fill, add, edit, make default, delete; bad fields refused."""

from __future__ import annotations

from conftest import WANG

from salesops import address_book, orders
from salesops.web.pagedata import PageData
from widgets.address_book import AddressBook

LINE = "李四 139 0000 1111 浙江省杭州市余杭区五常街道文一西路 969 号"


def make_book(db) -> AddressBook:
    return AddressBook.for_page(PageData(db, actor=lambda: WANG))


def test_a_pasted_line_fills_the_fields_and_the_first_address_becomes_the_default(db, buyer):
    book = make_book(db)
    assert "客户" in book.empty.value  # no customer yet: says to choose one
    book.value = buyer["id"]
    assert book.empty.value == "还没有收货地址。" and book.list.options == ()
    book.buttons["new"].click()
    book.fields.paste.value = LINE
    book.fields.fill_button.click()
    got = book.fields.values
    assert (got["recipient"], got["mobile"]) == ("李四", "13900001111")
    assert (got["province"], got["city"], got["district"]) == ("浙江省", "杭州市", "余杭区")
    assert got["detail"].endswith("文一西路 969 号") or got["detail"].endswith("文一西路969号")
    assert "余杭区" in book.fields.inputs["district"].options  # suggestions follow the city
    book.save.click()
    assert book.message.kind == "success", book.message.value
    (row,) = address_book.list_addresses(db, buyer["id"])
    assert row["is_default"] and row["division_code"] == "330110"
    assert "★" in book.list.options[0][0] and book.editor.layout.display == "none"


def test_a_second_address_is_made_default_edited_and_deleted(db, buyer):
    address_book.add_address(db, buyer["id"], address_book.parse(LINE), actor=WANG)
    book = make_book(db)
    book.value = buyer["id"]
    book.buttons["new"].click()
    assert not book.is_default.value  # the customer has a default already
    book.fields.fill(
        {
            "recipient": "张伟",
            "mobile": "13800138000",
            "province": "上海",
            "city": "上海市",
            "district": "浦东新区",
            "detail": "世纪大道 100 号",
        }
    )
    book.save.click()
    assert len(book.list.options) == 2 and "★" in book.list.options[0][0]
    second = next(v for t, v in book.list.options if "浦东新区" in t)
    book.list.value = second
    book.buttons["default"].click()
    assert book.list.options[0][1] == second and "★" in book.list.options[0][0]
    book.list.value = second
    book.buttons["edit"].click()
    assert book.fields.inputs["mobile"].value == ""  # staff see it masked: only as a hint
    assert book.fields.inputs["mobile"].placeholder == "138****8000"
    book.fields.inputs["detail"].value = "世纪大道 200 号"
    book.save.click()
    assert "世纪大道 200 号" in book.list.options[0][0]
    assert "138****8000" in book.list.options[0][0]
    edited = next(a for a in address_book.list_addresses(db, buyer["id"]) if a["id"] == second)
    assert edited["mobile"] == "13800138000"  # kept, not overwritten with the mask
    book.list.value = second
    book.buttons["delete"].click()
    (left,) = address_book.list_addresses(db, buyer["id"])
    assert left["is_default"] and left["recipient"] == "李四"  # the other took its place


def test_a_bad_address_is_refused_next_to_its_fields_and_nothing_is_saved(db, buyer):
    book = make_book(db)
    book.value = buyer["id"]
    book.buttons["new"].click()
    book.fields.fill(
        {
            "recipient": "张伟",
            "mobile": "1380013",
            "province": "浙江",
            "city": "南京",
            "detail": "某路 1 号",
        }
    )
    book.save.click()
    assert book.message.kind == "error"
    assert book.fields.errors.text("mobile") or book.fields.errors.text("city")
    assert address_book.list_addresses(db, buyer["id"]) == []
    book.fields.fill(
        {
            "recipient": "Chan",
            "mobile": "+852 9123 4567",
            "province": "香港",
            "detail": "1 Queen's Road Central",
        }
    )
    book.save.click()  # abroad: kept as typed
    (row,) = address_book.list_addresses(db, buyer["id"])
    assert row["province"] == "香港" and row["division_code"] is None


def test_an_order_copies_its_ship_to_and_keeps_it_when_the_book_changes(db, buyer):
    first = address_book.add_address(db, buyer["id"], address_book.parse(LINE), actor=WANG)
    order = orders.create_order(db, buyer["id"], [{"sku": "TEA-01", "quantity": 1}], actor=WANG)
    address_book.update_address(db, first["id"], {"detail": "别处 1 号"}, first["version"])
    shown = PageData(db, actor=lambda: WANG).order(order["id"])
    assert shown["ship_recipient"] == "李四" and "文一西路" in shown["ship_to"]


def test_the_order_form_ships_to_the_default_or_a_new_address_kept_in_the_book(db, basics, buyer):
    from widgets.order_form import OrderForm
    from widgets.ship_to_picker import NEW

    address_book.add_address(db, buyer["id"], address_book.parse(LINE), actor=WANG)
    form = OrderForm.for_page(PageData(db, actor=lambda: WANG))
    form.picker.choose(buyer["id"], "张伟")
    picker = form.ship_to
    assert picker.choice.label.startswith("★ ") and "余杭区" in picker.choice.label
    form.lines[0].product.value = basics["TEA-01"]
    form.save.click()
    assert form.message.kind == "success", form.message.value
    first = orders.get_order(db, form.order_id)
    assert (first["ship_recipient"], first["ship_district"]) == ("李四", "余杭区")

    form.picker.choose(buyer["id"], "张伟")
    picker.choice.value = NEW
    picker.fields.paste.value = "王五，13700001234，北京市朝阳区建国路 88 号"
    picker.fields.fill_button.click()
    picker.fields.inputs["mobile"].value = "137000"  # a typo: refused by the field
    form.lines[0].product.value = basics["TEA-01"]
    form.save.click()
    assert form.message.kind == "error" and picker.fields.errors.text("mobile")
    assert len(orders_of(db, buyer["id"])) == 1
    picker.fields.inputs["mobile"].value = "13700001234"
    form.save.click()
    assert form.message.kind == "success", form.message.value
    second = orders.get_order(db, form.order_id)
    assert (second["ship_city"], second["ship_mobile"]) == ("北京市", "13700001234")
    assert len(address_book.list_addresses(db, buyer["id"])) == 2  # kept in the book


def orders_of(db, customer_id):
    return PageData(db, actor=lambda: WANG).customer_orders(customer_id)
