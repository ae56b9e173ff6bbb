"""The duplicates section of the customers page without a browser: find, merge, undo."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from salesops.actors import Actor
from salesops.customers import create_customer
from salesops.orders import create_order
from salesops.schema import audit_log, customers, orders
from salesops.web.pagedata import PageData
from widgets.customers_app import CustomersApp
from widgets.duplicates_panel import DuplicatesPanel

STAFF = Actor("amy", "staff")


pytestmark = pytest.mark.usefixtures("english")


def make_panel(db, actor=STAFF) -> DuplicatesPanel:
    return DuplicatesPanel.for_page(PageData(db, actor=lambda: actor))


@pytest.fixture
def pair(db, basics):
    a = create_customer(db, {"name": "张伟", "mobile": "13800138000"}, STAFF)
    b = create_customer(db, {"name": "张伟", "mobile": "13800138001"}, STAFF)
    create_order(
        db, b["id"], [{"sku": "TEA-01", "quantity": 1}], channel="micro_store", actor=STAFF
    )
    return a, b


def test_pairs_are_listed_with_evidence_only_when_asked(db, pair):
    a, b = pair
    panel = make_panel(db)
    assert panel.list.children == ()  # finding reads every customer: not on page load
    panel.find.click()
    [row] = panel.list.children
    text = row.children[0].value
    assert a["code"] in text and b["code"] in text and "differ in one digit" in text
    keep_a, keep_b = row.children[1].children
    assert keep_a.description == f"Keep {a['code']}" and keep_b.description == f"Keep {b['code']}"


def test_merging_keeps_the_chosen_customer_and_can_be_undone(db, pair):
    a, b = pair
    panel = make_panel(db)
    panel.find.click()
    panel.list.children[0].children[1].children[0].click()  # keep a
    assert panel.message.kind == "success", panel.message.value
    assert f"merge #{panel.merge_id}" in panel.message.value
    assert panel.kept_id == a["id"] and panel.undo.layout.display != "none"
    assert "No likely duplicates" in panel.summary.value and panel.list.children == ()
    with db.read() as conn:
        owner = conn.execute(sa.select(orders.c.customer_id)).scalar()
        gone = conn.execute(
            sa.select(customers.c.deleted_at).where(customers.c.id == b["id"])
        ).scalar()
        actions = set(
            conn.execute(sa.select(audit_log.c.action).where(audit_log.c.actor == "amy")).scalars()
        )
    assert owner == a["id"] and gone is not None and {"merge", "merged"} <= actions

    merge_id = panel.merge_id
    panel.undo.click()
    assert panel.message.kind == "success" and f"#{merge_id} undone" in panel.message.value
    assert panel.undo.layout.display == "none" and len(panel.list.children) == 1
    with db.read() as conn:
        owner = conn.execute(sa.select(orders.c.customer_id)).scalar()
    assert owner == b["id"]


def test_a_refused_undo_says_why(db, pair):
    panel = make_panel(db)
    panel.find.click()
    panel.list.children[0].children[1].children[1].click()
    PageData(db, actor=lambda: STAFF).unmerge(panel.merge_id)  # undone elsewhere meanwhile
    panel.undo.click()
    assert panel.message.kind == "error" and "already undone" in panel.message.value


def test_the_customers_page_hosts_the_section_and_opens_the_kept_customer(db, pair):
    a, _b = pair
    app = CustomersApp.for_page(PageData(db, actor=lambda: STAFF))
    app.duplicates.find.click()
    app.duplicates.list.children[0].children[1].children[0].click()
    assert app.form.value == a["id"] and app.history.value == a["id"]
