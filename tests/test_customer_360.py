"""Customer360: profile, lifetime numbers, orders, follow-ups and referrals of a customer."""

from datetime import UTC, datetime, timedelta

import pytest

from salesops.web.pagedata import PageData
from widgets.customer_360 import Customer360


@pytest.fixture
def data(db, basics, monkeypatch):
    monkeypatch.setenv("SALESOPS_USER", "wang.fang")
    monkeypatch.setenv("SALESOPS_LANG", "en")
    return PageData(db)


def test_nobody_chosen_shows_a_hint(data):
    view = Customer360(data.customer_360)
    assert "Choose a customer" in view.profile.value
    assert view.tabs.layout.display == "none"


def test_the_view_shows_lifetime_numbers_orders_followups_and_referrals(db, data, basics):
    from conftest import as_person

    buyer = data.create_customer(
        {"name": "张伟", "mobile": "13800138000", "channel_id": basics["wechat_moments"]}
    )
    friend = data.create_customer({"name": "李娜", "referrer_id": buyer["id"]})
    first = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
    data.create_order(buyer["id"], [{"sku": "TEA-01", "quantity": 2}], ordered_at=first)
    order = data.create_order(
        buyer["id"], [{"sku": "HONEY-02", "quantity": 1}, {"sku": "GIFT-03", "quantity": 1}]
    )
    data.create_order(friend["id"], [{"sku": "TEA-01", "quantity": 1}], channel="micro_store")
    data.schedule_followup(buyer["id"], datetime.now(UTC) + timedelta(days=2), note="问回购")

    # a manager's view: the margin is for those who may see costs (tests/test_roles_costs.py)
    view = Customer360(as_person(db, "li.lei", "manager").customer_360)
    view.value = buyer["id"]
    assert "张伟" in view.profile.value and "13800138000" in view.profile.value
    assert "朋友圈" in view.profile.value
    totals = view.totals.value
    assert "¥334.40" in totals  # 2 x 128.00 + 68.50 + 9.90
    assert "¥167.20" in totals  # AOV over two orders
    assert "2026-01-05" in totals
    # margin over costed lines only: (256 + 68.50 - 2 x 51.20 - 30.10) / 324.50
    assert f"{(324.50 - 132.50) / 324.50 * 100:.1f}%" in totals
    assert order["order_no"] in view.orders.value and "new" in view.orders.value
    assert "问回购" in view.followups.value
    assert "李娜" in view.referrals.value and "¥128.00" in view.referrals.value
    assert view.tabs.titles == ("Orders (2)", "Follow-ups (1)", "Referrals (1)")


def test_a_save_elsewhere_refreshes_the_view_when_stamp_moves(data):
    buyer = data.create_customer({"name": "张伟"})
    view = Customer360(data.customer_360)
    view.value = buyer["id"]
    data.update_customer(buyer["id"], {"region": "杭州"}, 1)
    view.stamp += 1
    assert "杭州" in view.profile.value


def test_a_customer_with_no_orders_shows_blanks_not_errors(data):
    buyer = data.create_customer({"name": "张伟"})
    view = Customer360(data.customer_360)
    view.value = buyer["id"]
    assert "¥0.00" in view.totals.value and view.message.kind == ""
    assert "None yet" in view.orders.value


def test_text_people_typed_is_escaped(data):
    buyer = data.create_customer({"name": "<script>x</script>", "notes": "<b>hi</b>"})
    view = Customer360(data.customer_360)
    view.value = buyer["id"]
    assert "<script>" not in view.profile.value and "<b>hi" not in view.profile.value
