"""Minimum exposure (PIPL): staff see customers' mobiles masked (138****8000) in whatever a
page reads, managers in full; "show" gives one number in full and writes an access row;
a search by the whole or part of a mobile still finds the customer. From an empty shop, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import as_person

from salesops import audit, channels, communities, products
from salesops.actors import Actor
from salesops.errors import PermissionDenied
from salesops.masking import mask_mobile, mobiles_masked
from salesops.web.pagedata import PageData

LI = Actor("li.lei", "manager")
MOBILE, TWIN, RECIPIENT = "13800138000", "13800138001", "13912345678"
NEW = {"staff": "13700137000", "manager": "13700137001"}  # typed on the Communities page
SECRETS = (MOBILE, TWIN, RECIPIENT, NEW["staff"])


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("13800138000", "138****8000"),
        ("+8613800138000", "+86 138****8000"),
        ("+86 138-0013-8000", "+86 138****8000"),
        ("+85291234567", "+852****4567"),
        ("0571-88886666", "057*****6666"),
        ("12345678", "123*5678"),
        ("1234567", "*****67"),
        ("110", "*10"),
        ("１３８００１３８０００", "138****8000"),
        (None, None),
        ("", ""),
    ],
)
def test_a_mobile_is_masked_to_its_first_three_and_last_four_digits(stored, shown):
    assert mask_mobile(stored) == shown


def test_masking_a_read_masks_mobiles_and_the_same_numbers_inside_other_text():
    read = [
        {"mobile": MOBILE, "line": f"张伟 {MOBILE} 杭州", "code": "C000001"},
        {"ship_mobile": RECIPIENT, "ship_to": f"李娜 {RECIPIENT}", "evidence": None},
        {"a": {"mobile": None}, "evidence": f"same mobile {MOBILE}"},
    ]
    shown = mobiles_masked(read)
    assert shown == [
        {"mobile": "138****8000", "line": "张伟 138****8000 杭州", "code": "C000001"},
        {"ship_mobile": "139****5678", "ship_to": "李娜 139****5678", "evidence": None},
        {"a": {"mobile": None}, "evidence": "same mobile 138****8000"},
    ]
    assert read[0]["mobile"] == MOBILE  # the read itself is left as it was


@pytest.fixture
def shop(db):
    """An empty shop with a customer (an address, an order shipped there, a follow-up due,
    a community stay) and a second customer one digit away (a duplicate)."""
    channels.add_channel(db, "朋友圈", code="moments", actor=LI)
    products.create_product(db, {"sku": "BERRY-1", "name": "奶油草莓", "price": "39"}, LI)
    staff = as_person(db, "wang.fang", "staff")
    buyer = staff.create_customer({"name": "张伟", "mobile": MOBILE, "wechat_id": "zhangwei88"})
    twin = staff.create_customer({"name": "张伟", "mobile": TWIN})
    home = staff.add_address(
        buyer["id"],
        {"recipient": "李娜", "mobile": RECIPIENT, "province": "浙江", "city": "杭州"}
        | {"district": "西湖区", "detail": "文三路 90 号"},
    )
    order = staff.create_order(
        buyer["id"], [{"sku": "BERRY-1", "quantity": 2}], channel="moments", ship_to=home["id"]
    )
    order = staff.change_status(order["id"], "paid", order["version"])
    staff.schedule_followup(buyer["id"], datetime.now(UTC) - timedelta(hours=1), kind="call")
    group = communities.create_community(db, {"name": "宝妈群"}, actor=LI)
    staff.join_community(group["id"], buyer["id"])
    return {"db": db, "buyer": buyer, "twin": twin, "home": home, "order": order, "group": group}


def _texts(value) -> list[str]:
    """Every text anywhere in nested dicts, lists and tuples (keys too)."""
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*_texts(k), *_texts(v))]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _texts(v)]
    return [value] if isinstance(value, str) else []


def _reads(data: PageData, s: dict) -> dict:
    """Every PageData read (and write's answer) that can carry a customer's mobile."""
    buyer, order, group = s["buyer"]["id"], s["order"], s["group"]["id"]
    text = "1. 张伟 奶油草莓×1\n2. 小雨 奶油草莓×1"
    return {
        "search name": data.search("张伟"),
        "search mobile": data.search(MOBILE),
        "search part": data.search("0013800"),
        "search end": data.search("8000"),
        "to complete": data.customers_to_complete(""),
        "customer": data.customer(buyer),
        "360": data.customer_360(buyer),
        "orders": data.customer_orders(buyer),
        "followups": data.customer_followups(buyer),
        "order": data.order(order["id"]),
        "find order": data.find_orders(order["order_no"]),
        "due": data.followups_due(),
        "duplicates": data.duplicates(),
        "addresses": data.addresses(buyer),
        "waiting": data.waiting_orders(),
        "worklist": data.worklist(),
        "members": data.community_members(group, include_left=True),
        "stays": data.customer_communities(buyer),
        "buyer terms": data.buyer_terms(buyer),
        "agents": data.agents(),
        "refund view": data.refund_view(order["id"]),
        "group buy": data.group_buy_check(text),
        "update": data.update_customer(buyer, {"region": "杭州"}, data.customer(buyer)["version"]),
        "new member": data.new_member(group, {"name": "小雨", "mobile": NEW[data.actor.role]}),
    }


# The PageData methods that give no customer's mobile (settings, products, agents' money,
# writes answering with ids, the reveal itself); every other one is in `_reads` above.
NO_MOBILES = {
    *("first_steps", "channels", "products", "customer_totals", "customer_referrals"),
    *("allowed_next", "order_transitions", "statuses_needing_reason", "price_lines"),
    *("followup_kinds", "record_kinds", "access_actions", "today", "weekly_figures"),
    *("weekly_workbook",),
    *("audit_changes", "audit_people", "customer_history", "order_history"),  # managers
    *("create_customer", "create_order", "change_status", "correct_shipment"),  # masked
    *("courier_choices", "couriers_without_number", "log_contact", "schedule_followup"),
    *("import_preview", "import_file", "merge_customers", "unmerge", "may_erase"),
    *("erase_customer", "may_see_contacts", "reveal_mobile", "reveal_address_mobile"),
    *("add_address", "update_address", "delete_address", "parse_address", "provinces"),
    *("cities", "districts", "ship_check", "ship", "packing_slips", "community_choices"),
    *("agent_levels", "add_agent_level", "update_agent_level", "agent_price_table"),
    *("set_agent_price", "set_agent_level", "import_agent_prices", "commission_rules"),
    *("set_commission_rule", "remove_commission_rule", "agent_statements"),
    *("close_agent_month", "pay_agent_statement", "agent_workbook", "agent_checks"),
    *("community_list", "create_community", "update_community", "join_community"),
    *("leave_community", "review_platforms", "record_review", "delete_review"),
    *("customer_reviews", "order_reviews", "customer_order_choices", "group_buy_choices"),
    *("group_buy_confirm", "refund_order", "receive_stock", "adjust_stock"),
    *("product_list", "product", "create_product", "update_product", "archive_product"),
    *("restore_product", "channel_list", "add_channel", "rename_channel"),
    *("archive_channel", "restore_channel", "shop_settings", "save_shop_settings"),
    *("settings_choices", "staff_accounts", "add_account", "disable_account"),
    *("enable_account", "set_account_role", "set_account_password", "from_env", "actor"),
}


def test_every_page_data_method_is_checked_for_mobiles_or_known_to_give_none(db):
    methods = {m for m in dir(PageData) if not m.startswith("_")}
    read_names = {
        "search", "customers_to_complete", "customer", "customer_360", "customer_orders",
        "customer_followups", "order", "find_orders", "followups_due", "duplicates",
        "addresses", "waiting_orders", "worklist", "community_members", "customer_communities",
        "buyer_terms", "agents", "refund_view", "group_buy_check", "update_customer",
        "new_member",
    }  # fmt: skip
    assert methods - read_names - NO_MOBILES == set(), "decide: masked read or no mobiles"


def test_staff_see_no_mobile_in_full_anywhere_and_managers_do(shop):
    db = shop["db"]
    staff, manager = as_person(db, "wang.fang", "staff"), as_person(db, "li.lei", "manager")
    for what, got in _reads(staff, shop).items():
        leaked = [t for t in _texts(got) for n in SECRETS if n in t]
        assert not leaked, what
    seen = _reads(manager, shop)
    assert seen["360"]["profile"]["mobile"] == MOBILE
    assert seen["order"]["ship_mobile"] == RECIPIENT
    assert RECIPIENT in seen["addresses"][0]["line"]
    assert {MOBILE, TWIN} <= {n for t in _texts(seen["duplicates"]) for n in SECRETS if n in t}
    for what in ("search mobile", "due", "members", "waiting", "group buy", "customer"):
        assert any(n in t for t in _texts(seen[what]) for n in SECRETS), what


def test_staff_find_a_customer_by_the_whole_or_part_of_the_mobile_and_see_it_masked(shop):
    staff = as_person(shop["db"], "wang.fang", "staff")
    for typed in (MOBILE, "+86 138 0013 8000", "0013800", "138"):
        found = {r["id"]: r["mobile"] for r in staff.search(typed)}
        assert found.get(shop["buyer"]["id"]) == "138****8000", typed
    view = staff.customer_360(shop["buyer"]["id"])
    assert view["profile"]["mobile"] == "138****8000"
    assert view["profile"]["wechat_id"] == "zhangwei88"  # only the mobile is masked
    order = staff.order(shop["order"]["id"])
    assert order["ship_mobile"] == "139****5678"
    assert order["ship_to"].startswith("李娜 139****5678 浙江省")


def test_show_gives_the_number_in_full_and_logs_who_saw_whose_number(shop):
    db, buyer = shop["db"], shop["buyer"]
    staff = as_person(db, "wang.fang", "staff")
    assert staff.reveal_mobile(buyer["id"]) == MOBILE
    assert staff.reveal_address_mobile(buyer["id"], shop["home"]["id"]) == RECIPIENT
    with db.read() as conn:
        rows = audit.history(conn, "customers", buyer["id"])
    assert [(r["actor"], r["action"], r["new_values"]) for r in rows[1:]] == [
        ("wang.fang", "show_mobile", None),
        ("wang.fang", "show_mobile", {"address": shop["home"]["id"]}),
    ]
    # the manager's change log lists them, filtered to shown mobiles
    manager = as_person(db, "li.lei", "manager")
    page = manager.audit_changes(table="customers", action="show_mobile")
    assert [(r["actor"], r["record"]) for r in page.rows] == [
        ("wang.fang", f"{buyer['code']} 张伟"),
        ("wang.fang", f"{buyer['code']} 张伟"),
    ]


def test_show_refuses_an_address_of_someone_else_and_writes_nothing(shop):
    from salesops.errors import NotFoundError

    db, twin = shop["db"], shop["twin"]
    staff = as_person(db, "wang.fang", "staff")
    with pytest.raises(NotFoundError):
        staff.reveal_address_mobile(twin["id"], shop["home"]["id"])
    with db.read() as conn:
        assert [r["action"] for r in audit.history(conn, "customers", twin["id"])] == ["create"]
    with pytest.raises(PermissionDenied):
        as_person(db, "guest", "nobody").reveal_mobile(twin["id"])


def test_managers_and_admins_may_see_contacts_and_staff_may_not():
    assert Actor("li", "manager").can("customers.contact")
    assert Actor("boss", "admin").can("customers.contact")
    assert not Actor("wang", "staff").can("customers.contact")


def test_the_360_view_shows_staff_the_mask_and_show_puts_the_number_in_its_place(shop, english):
    from widgets.customer_360 import Customer360

    db, buyer = shop["db"], shop["buyer"]
    view = Customer360.for_page(as_person(db, "wang.fang", "staff"))
    view.value = buyer["id"]
    assert "138****8000" in view.profile.value and MOBILE not in view.profile.value
    assert view.reveal.button.layout.display == ""
    view.reveal.button.click()
    assert f"href='tel:{MOBILE}'" in view.profile.value and "****" not in view.profile.value
    assert view.reveal.button.layout.display == "none"
    view.refresh()  # read again (after a save): still shown, no second look needed
    assert f"href='tel:{MOBILE}'" in view.profile.value
    view.value = shop["twin"]["id"]  # the next customer is masked again
    assert "138****8001" in view.profile.value and view.reveal.button.layout.display == ""
    with db.read() as conn:
        assert [r["action"] for r in audit.history(conn, "customers", buyer["id"])][-1] == (
            "show_mobile"
        )
    manager = Customer360.for_page(as_person(db, "li.lei", "manager"))
    manager.value = buyer["id"]
    assert f"href='tel:{MOBILE}'" in manager.profile.value
    assert manager.reveal.button.layout.display == "none"  # nothing to show: no button


def test_a_search_result_shows_staff_the_mask_and_show_reveals_the_chosen_one(shop, english):
    from widgets.customers_app import CustomersApp

    db, buyer = shop["db"], shop["buyer"]
    app = CustomersApp.for_page(as_person(db, "wang.fang", "staff"))
    app.picker.term.value = "0013800"
    labels = dict((i, t) for t, i in app.picker.results.options)
    assert "138****8000" in labels[buyer["id"]] and MOBILE not in " ".join(labels.values())
    app.picker.results.value = buyer["id"]
    assert "138****8000" in app.picker.status.value
    app.picker.reveal.button.click()
    assert f"tel:{MOBILE}" in app.picker.status.value
    assert MOBILE in dict((i, t) for t, i in app.picker.results.options)[buyer["id"]]
    assert app.form.inputs["mobile"].value == ""  # the form still never holds the mask
    assert f"tel:{MOBILE}" in app.history.profile.value  # one look shows it in the 360 too
    assert app.history.reveal.button.layout.display == "none"
    with db.read() as conn:
        actions = [r["action"] for r in audit.history(conn, "customers", buyer["id"])]
    assert actions.count("show_mobile") == 1


def test_the_address_book_shows_staff_a_masked_line_and_show_puts_the_number_in(shop):
    from widgets.address_book import AddressBook

    db, buyer, home = shop["db"], shop["buyer"], shop["home"]
    book = AddressBook.for_page(as_person(db, "wang.fang", "staff"))
    book.value = buyer["id"]
    assert "139****5678" in book.list.options[0][0] and book.list.value == home["id"]
    assert book.reveal.button.layout.display == ""
    book.reveal.button.click()
    assert RECIPIENT in book.list.options[0][0] and book.list.value == home["id"]
    assert book.reveal.button.layout.display == "none"
    with db.read() as conn:
        last = audit.history(conn, "customers", buyer["id"])[-1]
    assert (last["action"], last["new_values"]) == ("show_mobile", {"address": home["id"]})
    manager = AddressBook.for_page(as_person(db, "li.lei", "manager"))
    manager.value = buyer["id"]
    assert RECIPIENT in manager.list.options[0][0]
    assert manager.reveal.button.layout.display == "none"


def test_the_followup_panel_shows_staff_the_mask_and_show_gives_the_number_to_call(shop):
    from widgets.followup_panel import FollowupPanel

    db, buyer = shop["db"], shop["buyer"]
    panel = FollowupPanel.for_page(as_person(db, "wang.fang", "staff"))
    panel.due_list.value = panel.due_list.options[0][1]
    assert "138****8000" in panel.chosen.value and MOBILE not in panel.chosen.value
    assert MOBILE not in " ".join(t for t, _v in panel.due_list.options)
    panel.reveal.button.click()
    assert f"href='tel:{MOBILE}'" in panel.chosen.value
    with db.read() as conn:
        assert audit.history(conn, "customers", buyer["id"])[-1]["action"] == "show_mobile"
