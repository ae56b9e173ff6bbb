"""Minimum exposure (PIPL) where staff contact customers from a list: the daily work queue's
follow-ups and customers worth contacting, and a community's members. As components on a
real PageData (both databases) from an empty shop: the row's mobile is masked; choosing
the customer and pressing "show" gives the whole number (a tel: link, in the row and
beside the button) and one show_mobile row in the change log for that customer; a
manager sees the numbers in full with no "show"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from conftest import LI, as_person

from salesops import communities
from salesops.schema import audit_log
from widgets.communities_app import CommunitiesApp
from widgets.landing import Landing
from widgets.list_reveal import ListReveal
from widgets.work_queue import WorkQueue

pytestmark = pytest.mark.usefixtures("english")
MOBILE, MASKED = "13800138000", "138****8000"
OTHER, OTHER_MASKED = "13912345678", "139****5678"
TEL = f"href='tel:{MOBILE}'"


@pytest.fixture
def shop(db):
    """An empty shop with two customers of staff wang.fang, each with a follow-up due,
    both in a community."""
    staff = as_person(db, "wang.fang", "staff")
    buyer = staff.create_customer({"name": "张伟", "mobile": MOBILE})
    other = staff.create_customer({"name": "李娜", "mobile": OTHER})
    for who in (buyer, other):
        staff.schedule_followup(who["id"], datetime.now(UTC) - timedelta(hours=1), kind="call")
    group = communities.create_community(db, {"name": "宝妈群"}, actor=LI)
    for who in (buyer, other):
        staff.join_community(group["id"], who["id"])
    return {"buyer": buyer, "other": other, "group": group}


def shown_mobiles(db) -> list[tuple[str, int]]:
    """(who, customer id) of every show_mobile row in the change log."""
    with db.read() as conn:
        rows = conn.execute(
            sa.select(audit_log.c.actor, audit_log.c.row_id).where(
                audit_log.c.action == "show_mobile"
            )
        )
        return [tuple(r) for r in rows]


def work_queue(db, name: str, role: str) -> WorkQueue:
    """The landing page's work queue for `name`, its follow-ups list open."""
    queue = Landing.for_page(as_person(db, name, role), build_ahead=None).work
    queue.refresh()
    queue.show("followups")
    return queue


def test_staff_see_the_work_queues_mobiles_masked_and_show_one(db, shop):
    queue = work_queue(db, "wang.fang", "staff")
    assert MASKED in queue.list.value and OTHER_MASKED in queue.list.value
    assert MOBILE not in queue.list.value and OTHER not in queue.list.value
    reveal = queue.reveal
    assert reveal.layout.display == ""
    assert [label for label, _ in reveal.pick.options[1:]] == [
        f"张伟 {MASKED}",
        f"李娜 {OTHER_MASKED}",
    ]
    assert reveal.button.button.layout.display == "none"  # nobody chosen yet
    reveal.pick.value = shop["buyer"]["id"]
    assert reveal.button.button.layout.display == ""
    assert shown_mobiles(db) == []

    reveal.button.button.click()
    assert f"<a class='so-mobile' {TEL}>{MOBILE}</a>" in queue.list.value
    assert OTHER_MASKED in queue.list.value and OTHER not in queue.list.value
    assert TEL in reveal.number.value and "张伟" in reveal.number.value
    assert shown_mobiles(db) == [("wang.fang", shop["buyer"]["id"])]
    assert [label for label, _ in reveal.pick.options[1:]] == [f"李娜 {OTHER_MASKED}"]
    assert reveal.pick.value is None and reveal.button.button.layout.display == "none"

    queue.refresh()  # a refresh keeps the list open and the number shown
    assert TEL in queue.list.value and TEL in reveal.number.value
    queue.show("low_stock")
    assert reveal.layout.display == "none"
    queue.show("followups")
    assert TEL in queue.list.value
    assert len(shown_mobiles(db)) == 1


def test_the_customers_worth_contacting_offer_show_too(db, shop):
    staff = as_person(db, "wang.fang", "staff")
    work = staff.worklist()
    row = {"customer_id": shop["other"]["id"], "code": shop["other"]["code"], "name": "李娜"}
    row |= {"mobile": OTHER_MASKED, "p_alive": 0.2, "p_alive_before": 0.8}
    row |= {"past_value": "980.00", "last_day": "2026-10-01"}
    work["contacts"] = {"count": 1, "rows": [row]}
    queue = WorkQueue(lambda: work, reveal=staff.reveal_mobile)
    queue.refresh()
    queue.show("contacts")
    assert OTHER_MASKED in queue.list.value
    queue.reveal.pick.value = shop["other"]["id"]
    queue.reveal.button.button.click()
    assert f"href='tel:{OTHER}'" in queue.list.value
    assert shown_mobiles(db) == [("wang.fang", shop["other"]["id"])]


def test_a_manager_sees_the_work_queues_mobiles_in_full_with_no_show(db, shop):
    queue = work_queue(db, "li.lei", "manager")  # everyone's follow-ups
    assert TEL in queue.list.value and f"href='tel:{OTHER}'" in queue.list.value
    assert queue.reveal.layout.display == "none"
    assert shown_mobiles(db) == []


def test_staff_see_a_communitys_members_masked_and_show_one(db, shop):
    app = CommunitiesApp.for_page(as_person(db, "wang.fang", "staff"))
    app.pick.label = "宝妈群"
    assert MASKED in app.members.value and MOBILE not in app.members.value
    reveal = app.reveal
    assert reveal.layout.display == "" and len(reveal.pick.options) == 3
    reveal.pick.value = shop["buyer"]["id"]
    reveal.button.button.click()
    assert TEL in app.members.value and OTHER not in app.members.value
    assert TEL in reveal.number.value
    assert shown_mobiles(db) == [("wang.fang", shop["buyer"]["id"])]
    app.pick.label = "choose a community…"
    assert app.members.value == "" and reveal.layout.display == "none"


def test_a_manager_sees_a_communitys_members_in_full_with_no_show(db, shop):
    app = CommunitiesApp.for_page(as_person(db, "li.lei", "manager"))
    app.pick.label = "宝妈群"
    assert TEL in app.members.value and f"href='tel:{OTHER}'" in app.members.value
    assert app.reveal.layout.display == "none"
    assert shown_mobiles(db) == []


def test_a_list_reveal_without_a_reveal_function_stays_hidden():
    reveal = ListReveal(None, "x")
    reveal.offer([{"customer_id": 1, "name": "张伟", "mobile": MASKED}])
    assert reveal.layout.display == "none"
