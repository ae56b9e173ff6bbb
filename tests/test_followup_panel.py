"""The follow-up panel without a browser: what is due, logging, planning the next, history."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from conftest import LI, WANG, ZHAO

from salesops import followups, orders
from salesops.config import business_zone
from salesops.schema import followups as followups_table
from salesops.web.pagedata import PageData
from widgets.followup_panel import FollowupPanel


def make_panel(db, actor) -> FollowupPanel:
    return FollowupPanel.for_page(PageData(db, actor=lambda: actor))


def rows(db, customer_id) -> list[dict]:
    with db.read() as conn:
        q = sa.select(followups_table).where(followups_table.c.customer_id == customer_id)
        return [dict(r) for r in conn.execute(q.order_by(followups_table.c.id)).mappings()]


def ago(**delta) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


def test_staff_see_their_own_due_and_overdue_follow_ups_only(db, buyer):
    followups.schedule(db, buyer["id"], ago(days=2), kind="call", note="问回购", actor=WANG)
    followups.schedule(db, buyer["id"], ago(minutes=5), actor=ZHAO)
    followups.schedule(db, buyer["id"], ago(days=-3), actor=WANG)  # not due yet
    panel = make_panel(db, WANG)
    labels = [text for text, _ in panel.due_list.options]
    assert len(labels) == 1 and "张伟" in labels[0] and "问回购" in labels[0]
    assert "⚠" in labels[0]  # two days ago: overdue
    assert panel.everyone.layout.display == "none"


def test_a_manager_may_switch_to_everyones(db, buyer):
    followups.schedule(db, buyer["id"], ago(minutes=5), actor=WANG)
    followups.schedule(db, buyer["id"], ago(minutes=5), actor=LI)
    panel = make_panel(db, LI)
    assert len(panel.due_list.options) == 1
    panel.everyone.value = True
    assert len(panel.due_list.options) == 2
    assert any("wang.fang" in text for text, _ in panel.due_list.options)


def test_logging_a_planned_contact_closes_it_and_plans_the_next(db, basics, buyer):
    plan = followups.schedule(db, buyer["id"], ago(hours=1), kind="call", note="问回购", actor=WANG)
    orders.create_order(db, buyer["id"], [{"sku": "TEA-01", "quantity": 1}], actor=WANG)
    panel = make_panel(db, WANG)
    panel.due_list.value = plan["id"]
    assert panel.customer_id == buyer["id"] and "问回购" in panel.chosen.value
    assert "¥128.00" in panel.history.value
    panel.note.value = "下周再买"
    next_day = datetime.now(business_zone()).date() + timedelta(days=3)
    panel.next_date.value = next_day
    panel.next_kind.value = "visit"
    panel.save.click()
    assert panel.message.kind == "success", panel.message.value
    assert next_day.isoformat() in panel.message.value
    stored = rows(db, buyer["id"])
    assert stored[0]["done_at"] is not None and stored[0]["outcome"] == "下周再买"
    assert stored[0]["note"] == "问回购"
    assert stored[1]["done_at"] is None and stored[1]["kind"] == "visit"
    assert stored[1]["due_at"].astimezone(business_zone()).date() == next_day
    assert panel.due_list.options == () and panel.note.value == ""
    assert "下周再买" in panel.history.value and next_day.isoformat() in panel.history.value


def test_an_unplanned_contact_with_any_customer_is_logged_as_done(db, buyer):
    panel = make_panel(db, WANG)
    assert panel.nothing.value != ""
    panel.picker.term.value = "张伟"
    panel.picker.results.value = buyer["id"]
    panel.kind.value = "call"
    panel.note.value = "打了电话"
    panel.save.click()
    assert panel.message.kind == "success"
    [row] = rows(db, buyer["id"])
    assert row["done_at"] is not None and row["kind"] == "call" and row["staff"] == "wang.fang"


def test_a_next_day_in_the_past_or_no_customer_writes_nothing(db, buyer):
    panel = make_panel(db, WANG)
    panel.save.click()
    assert panel.message.kind == "error" and panel.errors.text("customer") != ""
    panel.picker.term.value = "张伟"
    panel.picker.results.value = buyer["id"]
    panel.note.value = "留着"
    panel.next_date.value = datetime.now(business_zone()).date() - timedelta(days=1)
    panel.save.click()
    assert panel.errors.text("next_date") != "" and panel.note.value == "留着"
    assert rows(db, buyer["id"]) == []


def test_a_plan_closed_meanwhile_is_a_conflict_and_reload_refreshes(db, buyer):
    plan = followups.schedule(db, buyer["id"], ago(hours=1), actor=WANG)
    panel = make_panel(db, WANG)
    panel.due_list.value = plan["id"]
    followups.log_contact(db, buyer["id"], followup_id=plan["id"], actor=WANG)
    panel.note.value = "又联系了"
    panel.save.click()
    assert panel.message.kind == "error" and "wang.fang" in panel.message.value
    assert len(rows(db, buyer["id"])) == 1
    panel.message.reload.click()
    assert panel.due_list.options == ()
