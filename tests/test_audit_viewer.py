"""The change log page's component, and the history in the customer 360 view and the order
status form: on both databases, without a browser."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from conftest import as_person

from salesops import audit
from salesops.actors import Actor
from salesops.schema import audit_log
from salesops.web.pagedata import PageData
from widgets.audit_viewer import AuditViewer
from widgets.customer_360 import Customer360
from widgets.customers_app import CustomersApp
from widgets.orders_app import OrdersApp

pytestmark = pytest.mark.usefixtures("english")


def viewer(db, name="li.lei", role="manager", page_size=50) -> AuditViewer:
    """The viewer as the audit page builds it, for `name`."""
    return AuditViewer.for_page(as_person(db, name, role), page_size=page_size)


def shown(view) -> list[tuple[str, str, str, str]]:
    """(who, record, action, changes) of each row a viewer (or a history tab or button)
    shows, top to bottom, read from the HTML."""
    import re
    from html import unescape

    table = getattr(view, "list", None) or view.history
    rows = re.findall(r"<tr class='so-changes-row'>(.*?)</tr>", table.table.value)
    cells = [re.findall(r"<td class='so-changes-(\w+)'>(.*?)</td>", r) for r in rows]

    def text(cell: str) -> str:
        """A cell as read: one line per <br>, tags gone, entities decoded."""
        return unescape(re.sub(r"<[^>]+>", "", cell.replace("<br>", "\n")))

    return [tuple(text(dict(c)[k]) for k in ("who", "record", "action", "lines")) for c in cells]


@pytest.fixture
def shop(db, basics):
    """Two customers and an order, changed by two people."""
    wang, li = as_person(db, "wang.fang"), as_person(db, "li.lei", "manager")
    zhang = wang.create_customer({"name": "张伟", "region": "上海"})
    li.update_customer(zhang["id"], {"region": "杭州"}, 1)
    lina = li.create_customer({"name": "李娜"})
    order = wang.create_order(lina["id"], [{"sku": "TEA-01", "quantity": 1}], channel="micro_store")
    li.change_status(order["id"], "cancelled", 1, reason="changed mind")
    return {"zhang": zhang, "lina": lina, "order": order}


def test_the_log_lists_changes_newest_first_as_people_read_them(db, shop):
    view = viewer(db)
    zhang, order = shop["zhang"], shop["order"]
    rows = shown(view)
    assert [r[0] for r in rows] == ["li.lei", "wang.fang", "li.lei", "li.lei", "wang.fang"]
    assert rows[0][1:] == (f"order {order['order_no']}", "changed", "status: new → cancelled")
    assert rows[3][1:] == (f"customer {zhang['code']} 张伟", "changed", "region: 上海 → 杭州")
    assert rows[4][2] == "created" and "name: 张伟" in rows[4][3].splitlines()
    assert "<span class='so-changes-field'>region</span>: 上海 → 杭州" in view.list.table.value
    assert view.person.options == (
        ("everyone", ""),
        ("li.lei", "li.lei"),
        ("wang.fang", "wang.fang"),
    )
    assert "5 shown, newest first" in view.list.status.value
    assert view.list.more.layout.display == "none"
    assert "Asia/Shanghai" in view.children[0].children[-1].value


def test_filters_by_person_customer_order_number_and_kind(db, shop):
    view = viewer(db)
    view.person.value = "wang.fang"
    assert {r[0] for r in shown(view)} == {"wang.fang"} and len(shown(view)) == 2
    view.person.value = ""
    view.kind.value = "customers"
    assert view.picker.layout.display == "" and view.number.layout.display == "none"
    assert len(shown(view)) == 3  # every customer change
    view.picker.term.value = "张伟"
    view.picker.results.value = shop["zhang"]["id"]  # picked from the search results
    assert [r[2] for r in shown(view)] == ["changed", "created"]
    assert {r[1] for r in shown(view)} == {f"customer {shop['zhang']['code']} 张伟"}
    view.kind.value = "orders"
    assert view.number.description == "Order no." and view.picker.layout.display == "none"
    view.number.value = shop["order"]["order_no"][-3:].lstrip("0")  # "42" finds SO00000042
    assert [r[2] for r in shown(view)] == ["changed", "created"]
    view.number.value = "SO99999999"
    assert shown(view) == [] and "no order numbered 'SO99999999'" in view.message.value
    view.kind.value = "followups"
    view.number.value = "abc"
    assert "is not a record number" in view.message.value and view.message.kind == "error"
    assert view.list.table.value == ""


def test_days_are_business_days_and_a_reversed_range_is_explained(db):
    late = datetime(2026, 11, 30, 15, 59, tzinfo=UTC)  # 23:59 on the 30th in Shanghai
    with db.write() as conn:
        for at, who in ((late, "a"), (late + timedelta(minutes=1), "b")):
            conn.execute(
                sa.insert(audit_log).values(
                    at=at,
                    actor=who,
                    table_name="customers",
                    row_id=1,
                    action="update",
                    old_values=audit.dump({"x": 1}),
                    new_values=audit.dump({"x": 2}),
                )
            )
    view = viewer(db)
    view.first_day.value = date(2026, 12, 1)
    assert [r[0] for r in shown(view)] == ["b"]
    assert "2026-12-01 00:00:00" in view.list.table.value  # shown in the business zone
    view.first_day.value, view.last_day.value = None, date(2026, 11, 30)
    assert [r[0] for r in shown(view)] == ["a"]
    view.first_day.value = date(2026, 12, 2)
    assert "Days: the first day 2026-12-02 is after the last day 2026-11-30" in view.message.value
    assert shown(view) == []


def test_more_fetches_the_next_page_without_gaps_or_repeats(db, shop):
    view = viewer(db, page_size=2)
    assert len(shown(view)) == 2 and view.list.more.layout.display == ""
    assert "older ones follow" in view.list.status.value
    view.list.more.click()
    view.list.more.click()
    rows = shown(view)
    assert len(rows) == 5 and view.list.more.layout.display == "none"
    everything = [r[0] for r in shown(viewer(db))]
    assert [r[0] for r in rows] == everything
    view.person.value = "li.lei"  # a new filter starts again from the newest
    assert len(shown(view)) == 2 and view.list.count == 2


def test_staff_are_told_the_page_is_for_managers_and_nothing_is_read(db, shop, monkeypatch):
    def no_query(*_a, **_k):
        raise AssertionError("a refused look-up must read nothing")

    monkeypatch.setattr("salesops.queries.fetch_all", no_query)
    view = viewer(db, "wang.fang", "staff")
    assert view.message.kind == "error"
    assert view.message.value == (
        "This page is for managers. wang.fang is signed in as staff "
        "and may not see the change log; ask a manager or the "
        "administrator."
    )
    assert not hasattr(view, "list") and "Traceback" not in view.message.value


def test_a_role_taken_away_while_the_page_is_open_is_refused_at_the_next_look(db, shop):
    role = {"now": "manager"}
    data = PageData(db, actor=lambda: Actor("li.lei", role["now"]))
    view = AuditViewer.for_page(data)
    role["now"] = "staff"
    view.person.value = "wang.fang"
    assert "li.lei (staff) may not see the change log" in view.message.value
    assert shown(view) == [] and view.message.kind == "error"


def test_the_360_view_has_a_history_tab_for_managers_only(db, shop):
    zhang = shop["zhang"]
    manager = as_person(db, "li.lei", "manager")
    app = CustomersApp.for_page(manager)
    view = app.history
    view.value = zhang["id"]
    assert len(view.tabs.children) == 4 and view.tabs.titles[3] == "Change history"
    assert view.history.table.value == ""  # read only when the tab is opened
    view.tabs.selected_index = 3
    rows = shown(view)
    assert [r[2] for r in rows] == ["changed", "created"] and rows[0][0] == "li.lei"
    view.value = shop["lina"]["id"]  # another customer: its history, with its order's
    assert [r[1].split()[0] for r in shown(view)] == ["order", "order", "customer"]
    staff_view = CustomersApp.for_page(as_person(db, "wang.fang")).history
    assert len(staff_view.tabs.children) == 3 and staff_view.history is None


def test_the_order_status_form_shows_the_orders_history_to_managers(db, shop):
    order = shop["order"]
    status = OrdersApp.for_page(as_person(db, "li.lei", "manager")).status
    assert status.history_button.layout.display == "none"  # no order shown yet
    status.show(order["id"])
    assert status.history_button.layout.display == ""
    status.history_button.click()
    rows = shown(status)
    assert [(r[0], r[3]) for r in rows][0] == ("li.lei", "status: new → cancelled")
    assert len(rows) == 2
    status.history_button.click()  # a second click hides it again
    assert status.history.layout.display == "none"
    staff_status = OrdersApp.for_page(as_person(db, "wang.fang")).status
    staff_status.show(order["id"])
    assert staff_status.history_button.layout.display == "none"


def test_customer_360_without_history_is_unchanged(db, shop):
    view = Customer360(as_person(db, "li.lei", "manager").customer_360)
    view.value = shop["zhang"]["id"]
    assert len(view.tabs.children) == 3 and view.history is None


def test_every_label_of_the_change_log_exists_in_both_languages():
    from salesops.messages import CATALOG

    ours = {k for k in CATALOG["en"] if k.startswith(("audit.", "changes."))}
    ours |= {"c360.tab_history", "status.history_button"}
    assert len(ours) > 30 and ours <= set(CATALOG["zh_CN"]) and ours <= set(CATALOG["en"])


def test_values_people_typed_are_escaped_in_the_table():
    from widgets.change_list import changes_table

    row = {
        "at": datetime(2026, 12, 1, 1, 2, 3, tzinfo=UTC),
        "actor": "<b>x</b>",
        "table_name": "customers",
        "row_id": 7,
        "action": "update",
        "record": None,
        "changes": ["notes: <script>alert(1)</script> → &"],
    }
    out = changes_table([row])
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;b&gt;x" in out
    assert "customer #7" in out and "2026-12-01 09:02:03" in out  # Shanghai time


def test_times_in_the_values_are_shown_in_the_business_zone(db, basics):
    data = as_person(db, "wang.fang")
    buyer = data.create_customer({"name": "张伟"})
    placed = datetime(2026, 11, 30, 16, 30, 5, tzinfo=UTC)  # 00:30:05 on 1 Dec in Shanghai
    data.create_order(
        buyer["id"], [{"sku": "TEA-01", "quantity": 1}], channel="micro_store", ordered_at=placed
    )
    created = shown(viewer(db))[0]
    assert "ordered_at: 2026-12-01 00:30:05" in created[3].splitlines()
    assert audit.change_lines({"note": "2026-11-30T16:30:05"}, {"note": "not a time"}) == [
        "note: 2026-11-30T16:30:05 → not a time"  # a time without a zone is left as typed
    ]


def test_the_log_offers_shown_mobiles_as_a_kind_and_reads_them_in_words(db, shop, english):
    zhang = shop["zhang"]
    wang = as_person(db, "wang.fang")
    wang.update_customer(zhang["id"], {"mobile": "13800138000"}, 2)
    assert wang.reveal_mobile(zhang["id"]) == "13800138000"
    view = viewer(db)
    view.kind.value = "access:show_mobile"
    assert view.picker.layout.display == ""  # one customer's, or everyone's
    assert shown(view) == [("wang.fang", f"customer {zhang['code']} 张伟", "showed the mobile", "")]
    view.picker.choose(shop["lina"]["id"], "李娜")
    assert shown(view) == []
    assert ("customers: mobile shown (看了手机号)", "access:show_mobile") in view.kind.options
    kinds = dict(view.kind.options).values()
    assert {"agent_levels", "commission_rules", "agent_statements"} <= set(kinds)


def test_addresses_communities_and_agent_levels_are_named_in_the_log(db, shop, english):
    from salesops import address_book, communities
    from salesops.agents.levels import create_level

    li = Actor("li.lei", "manager")
    zhang = shop["zhang"]
    home = {"recipient": "张伟", "mobile": "13800138000", "province": "浙江", "city": "杭州"}
    home["district"] = "西湖区"
    address_book.add_address(db, zhang["id"], home | {"detail": "文三路 90 号"}, li)
    communities.create_community(db, {"name": "宝妈群"}, actor=li)
    create_level(db, {"name": "金牌"}, li)
    page = as_person(db, "li.lei", "manager").audit_changes()
    records = {r["table_name"]: r["record"] for r in page.rows}
    assert records["customer_addresses"] == f"{zhang['code']} 张伟"
    assert records["communities"] == "宝妈群"
    assert records["agent_levels"] == "金牌"
