"""Follow-ups: plan, log, see what is due; staff see their own, managers everyone's."""

from datetime import UTC, datetime, timedelta

import pytest
from conftest import LI, WANG, ZHAO

from salesops import followups
from salesops.errors import PermissionDenied, ValidationError


def test_logging_a_contact_closes_the_plan_and_schedules_the_next(db, buyer):
    yesterday = datetime.now(UTC) - timedelta(days=1)
    plan = followups.schedule(db, buyer["id"], yesterday, kind="call", note="问回购", actor=WANG)
    assert [f["id"] for f in followups.due(db, actor=WANG)] == [plan["id"]]
    next_week = datetime.now(UTC) + timedelta(days=7)
    done = followups.log_contact(
        db,
        buyer["id"],
        kind="call",
        outcome="下周再买",
        followup_id=plan["id"],
        next_due_at=next_week,
        actor=WANG,
    )
    assert done["done_at"] is not None and done["outcome"] == "下周再买"
    assert followups.due(db, actor=WANG) == []
    later = followups.due(db, until=next_week + timedelta(minutes=1), actor=WANG)
    assert len(later) == 1
    assert abs(later[0]["due_at"] - next_week) < timedelta(seconds=1)


def test_staff_see_only_their_own_follow_ups_and_managers_see_all(db, buyer):
    past = datetime.now(UTC) - timedelta(hours=1)
    followups.schedule(db, buyer["id"], past, actor=WANG)
    followups.schedule(db, buyer["id"], past, actor=ZHAO)
    assert {f["staff"] for f in followups.due(db, actor=WANG)} == {"wang.fang"}
    assert {f["staff"] for f in followups.due(db, actor=LI)} == {"wang.fang", "zhao.min"}
    with pytest.raises(PermissionDenied):
        followups.schedule(db, buyer["id"], past, staff="zhao.min", actor=WANG)


def test_bad_follow_up_kind_is_refused(db, buyer):
    with pytest.raises(ValidationError, match="kind"):
        followups.schedule(db, buyer["id"], datetime.now(UTC), kind="telegram", actor=WANG)
    assert followups.due(db, actor=LI) == []
