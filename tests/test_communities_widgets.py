"""The Communities page and the customer's communities and 晒单 part, as components on a
real PageData (both databases) from an empty shop: create, add and remove members, a new
person "from community NAME", record a 晒单; staff get no create form and are refused."""

import pytest
from conftest import LI, WANG, as_person

from salesops import channels, customers, orders, products
from widgets.communities_app import CommunitiesApp
from widgets.customer_social import CustomerSocial
from widgets.landing import Landing

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def shop(db):
    channels.add_channel(db, "社群团购", code="groups", actor=LI)
    products.create_product(db, {"sku": "TEA", "name": "龙井", "price": "88"}, actor=LI)
    buyer = customers.create_customer(db, {"name": "王芳", "nickname": "芳芳"}, actor=WANG)
    order = orders.create_order(
        db, buyer["id"], [{"sku": "TEA", "quantity": 2}], channel="groups", actor=WANG
    )
    return {"buyer": buyer, "order": order}


def pick_customer(picker, text):
    picker.term.value = text
    picker.results.value = picker.results.options[0][1]


def test_a_manager_creates_a_community_and_adds_and_removes_members(db, shop):
    app = CommunitiesApp.for_page(as_person(db, "li.lei", "manager"))
    assert "No communities yet" in app.table.value
    app.inputs["name"].value = "宝妈群"
    app.inputs["channel"].label = "社群团购"
    pick_customer(app.inputs["owner"], "王芳")
    app.buttons["add"].click()
    assert "Created community 宝妈群" in app.message.value
    assert "宝妈群" in app.table.value and "王芳" in app.table.value
    pick_customer(app.inputs["customer"], "芳芳")  # by nickname
    app.inputs["day"].value = "2026-01-05"
    app.buttons["join"].click()
    assert "joined 宝妈群" in app.message.value, app.message.value
    assert "C000001 王芳 (芳芳)" in app.members.value and "龙井" in app.members.value
    assert "¥176.00" in app.members.value
    app.buttons["join"].click()
    assert "already a member of 宝妈群" in app.errors.text("customer")
    app.inputs["new_name"].value = "李雨"
    app.inputs["nickname"].value = "小雨"
    app.inputs["mobile"].value = "12"
    app.buttons["add-new"].click()
    assert "not a mobile number" in app.errors.text("mobile")
    app.inputs["mobile"].value = "13912345678"
    app.buttons["add-new"].click()
    assert "C000002 李雨 joined 宝妈群" in app.message.value
    assert "from this community" in app.members.value
    pick_customer(app.inputs["customer"], "王芳")
    app.buttons["leave"].click()
    assert "left 宝妈群" in app.message.value
    assert "王芳" not in app.members.value
    app.show_left.value = True
    assert "王芳" in app.members.value and "so-archived" in app.members.value


def test_staff_add_members_but_get_no_form_to_create_communities(db, shop):
    from salesops import communities

    communities.create_community(db, {"name": "宝妈群"}, actor=LI)
    app = CommunitiesApp.for_page(as_person(db, "wang.fang"))
    assert app.buttons["add"] not in app.children
    app.buttons["add"].click()  # even if it were shown: the service refuses
    assert "may not create or change communities" in app.message.value
    app.pick.label = "宝妈群"
    pick_customer(app.inputs["customer"], "王芳")
    app.buttons["join"].click()
    assert "joined 宝妈群" in app.message.value


def test_the_customer_part_joins_a_community_and_records_a_review_on_an_order(db, shop):
    from salesops import communities

    communities.create_community(db, {"name": "宝妈群"}, actor=LI)
    part = CustomerSocial.for_page(as_person(db, "wang.fang"))
    assert part.layout.display == "none"
    part.value = shop["buyer"]["id"]
    assert "Not in any community" in part.stays.value
    assert part.community.index == 0 and part.community.value is None  # "choose…", not blank
    part.community.label = "宝妈群"
    part.join.click()
    assert "宝妈群" in part.stays.value and part.changed == 1
    form = part.form
    assert form.inputs["order"].value == shop["order"]["id"]
    form.inputs["platform"].label = "Xiaohongshu"
    form.inputs["rating"].value = "5"
    form.inputs["link"].value = "not a link"
    form.button.click()
    assert "not a link" in form.errors.text("link")
    form.inputs["link"].value = "https://xhs.cn/p/1"
    form.inputs["note"].value = "很香"
    form.button.click()
    assert f"晒单 recorded for order {shop['order']['order_no']}" in part.message.value
    assert "Xiaohongshu" in part.reviews.value and "★★★★★" in part.reviews.value
    assert "很香" in part.reviews.value
    part.leave.click()
    assert "so-archived" in part.stays.value


def test_the_landing_page_has_a_communities_tab_for_everyone(db):
    page = Landing.for_page(as_person(db, "wang.fang"))
    assert "Communities" in page.tabs.titles


def test_the_orders_page_records_a_review_on_the_open_order(db, shop):
    from widgets.orders_app import OrdersApp

    app = OrdersApp.for_page(as_person(db, "wang.fang"))
    part = app.reviews
    assert part.layout.display == "none"
    app.status.order_id = shop["order"]["id"]
    assert part.value == shop["order"]["id"] and part.layout.display == ""
    assert "No 晒单 recorded yet" in part.list.value
    part.form.inputs["platform"].label = "WeChat Moments"
    part.form.inputs["posted"].value = "2026-12-01"
    part.form.button.click()
    assert "晒单 recorded for order SO00000001" in part.message.value
    assert "WeChat Moments" in part.list.value and "2026-12-01" in part.list.value
