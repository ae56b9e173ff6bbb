"""CustomerForm: create, edit, validation next to fields, conflicts; on both databases."""

import pytest
import sqlalchemy as sa

from salesops.schema import audit_log, customers
from salesops.web.pagedata import PageData
from widgets.customer_form import CustomerForm


@pytest.fixture
def data(db, basics, monkeypatch):
    monkeypatch.setenv("SALESOPS_USER", "wang.fang")
    monkeypatch.setenv("SALESOPS_LANG", "en")
    return PageData(db)


def make_form(data):
    return CustomerForm.for_page(data)


def rows(db, table=customers):
    with db.read() as conn:
        return [dict(r) for r in conn.execute(sa.select(table)).mappings()]


def fill(form, **values):
    for field, value in values.items():
        form.inputs[field].value = value


def test_creating_a_customer_writes_one_row_and_says_its_code(data, db, basics):
    form = make_form(data)
    fill(
        form,
        name="张伟",
        mobile="+86 138-0013-8000",
        wechat="TeaLover",
        region="杭州",
        channel=basics["wechat_moments"],
        tags="VIP, 茶",
        notes="爱喝龙井",
    )
    form.save.click()
    [row] = rows(db)
    assert row["mobile"] == "13800138000" and row["channel_id"] == basics["wechat_moments"]
    assert row["created_by"] == "wang.fang" and row["tags"] == "VIP,茶"
    assert form.value == row["id"] and form.message.kind == "success"
    assert row["code"] in form.message.value and row["code"] in form.title.value
    # the stored copy is shown, its mobile masked for staff (PIPL): an empty box, a hint
    assert form.inputs["mobile"].value == ""
    assert form.inputs["mobile"].placeholder == "138****8000"


def test_a_bad_mobile_is_shown_next_to_the_field_keeps_values_and_writes_nothing(data, db):
    form = make_form(data)
    fill(form, name="张伟", mobile="12345", wechat="a b", notes="记得送样品")
    form.save.click()
    assert rows(db) == [] and rows(db, audit_log) == []
    assert "12345" in form.errors.text("mobile") and "mobile" in form.errors.text("mobile")
    assert "WeChat" in form.errors.text("wechat")
    assert form.errors.text("name") == ""
    assert form.message.kind == "error"
    assert form.inputs["mobile"].value == "12345" and form.inputs["notes"].value == "记得送样品"
    assert form.value is None


def test_a_missing_name_is_required(data, db):
    form = make_form(data)
    form.save.click()
    assert "required" in form.errors.text("name") and rows(db) == []


def test_a_duplicate_mobile_names_the_existing_customer(data, db):
    first = data.create_customer({"name": "李娜", "mobile": "13800138000"})
    form = make_form(data)
    fill(form, name="张伟", mobile="138 0013 8000")
    form.save.click()
    assert first["code"] in form.errors.text("mobile") and "李娜" in form.errors.text("mobile")
    assert len(rows(db)) == 1


def test_editing_saves_changes_on_the_loaded_version(data, db):
    made = data.create_customer({"name": "张伟", "mobile": "13800138000"})
    form = make_form(data)
    form.value = made["id"]
    assert form.inputs["name"].value == "张伟" and form.inputs["mobile"].value == ""
    fill(form, region="上海")
    form.save.click()
    [row] = rows(db)
    assert row["region"] == "上海" and row["version"] == 2 and form.message.kind == "success"
    assert row["mobile"] == "13800138000"  # the masked number was not written back
    fill(form, region="北京")
    form.save.click()  # the form carries the new version: a second save is not a conflict
    assert rows(db)[0]["region"] == "北京" and rows(db)[0]["version"] == 3


def test_a_stale_save_names_who_changed_it_and_reload_shows_their_copy(data, db, monkeypatch):
    made = data.create_customer({"name": "张伟"})
    mine, theirs = make_form(data), make_form(data)
    mine.value = theirs.value = made["id"]
    monkeypatch.setenv("SALESOPS_USER", "li.lei")
    fill(theirs, region="上海")
    theirs.save.click()
    monkeypatch.setenv("SALESOPS_USER", "wang.fang")
    fill(mine, region="北京")
    mine.save.click()
    assert "li.lei" in mine.message.value and mine.message.kind == "error"
    assert rows(db)[0]["region"] == "上海"  # nothing overwritten
    assert mine.inputs["region"].value == "北京"  # my edit is still on screen
    mine.message.reload.click()
    assert mine.inputs["region"].value == "上海" and mine.message.kind == "success"
    fill(mine, region="北京")
    mine.save.click()
    assert rows(db)[0]["region"] == "北京"


def test_referrer_and_parent_agent_are_picked_by_search(data, db):
    boss = data.create_customer({"name": "王芳", "is_agent": True})
    friend = data.create_customer({"name": "李娜"})
    form = make_form(data)
    fill(form, name="张伟", agent=True)
    form.inputs["referrer"].term.value = "李"
    form.inputs["referrer"].results.value = friend["id"]
    form.inputs["parent"].term.value = "李"  # not an agent: not offered as parent
    assert form.inputs["parent"].results.options == ()
    form.inputs["parent"].term.value = "王"
    form.inputs["parent"].results.value = boss["id"]
    form.save.click()
    row = next(r for r in rows(db) if r["name"] == "张伟")
    assert row["referrer_id"] == friend["id"] and row["parent_agent_id"] == boss["id"]
    assert row["is_agent"] is True
    assert "李娜" in form.inputs["referrer"].status.value  # shown again after reload


def test_a_cycle_in_the_referral_chain_is_shown_next_to_the_referrer(data, db):
    a = data.create_customer({"name": "甲"})
    b = data.create_customer({"name": "乙", "referrer_id": a["id"]})
    form = make_form(data)
    form.value = a["id"]
    form.inputs["referrer"].choose(b["id"], "乙")
    form.save.click()
    assert "cycle" in form.errors.text("referrer")
    assert rows(db)[0]["referrer_id"] is None


def test_new_clears_the_form_for_another_customer(data):
    made = data.create_customer({"name": "张伟", "mobile": "13800138000"})
    form = make_form(data)
    form.value = made["id"]
    form.new.click()
    assert (
        form.value is None and form.inputs["name"].value == "" and form.inputs["mobile"].value == ""
    )
    assert "New customer" in form.title.value


def test_every_input_and_button_carries_its_hook(data):
    form = make_form(data)
    pickers = [form.inputs["referrer"].term, form.inputs["parent"].term]
    widgets = [*form.inputs.values(), *pickers, form.save, form.new, form.message.text]
    classes = {c for w in widgets for c in w._dom_classes}
    for hook in (
        "name",
        "mobile",
        "wechat",
        "region",
        "channel",
        "tags",
        "notes",
        "agent",
        "referrer",
        "parent",
        "save",
        "new",
        "message",
    ):
        assert f"so-customer-{hook}" in classes, hook


def test_staff_edit_another_field_and_the_masked_mobile_is_kept_or_replaced(data, db):
    made = data.create_customer({"name": "张伟", "mobile": "13800138000"})
    form = make_form(data)
    form.value = made["id"]
    assert form.inputs["mobile"].placeholder == "138****8000"
    fill(form, nickname="阿伟")
    form.save.click()
    assert rows(db)[0]["mobile"] == "13800138000" and rows(db)[0]["nickname"] == "阿伟"
    fill(form, mobile="139 1234 5678")  # a staff member may still set a new number
    form.save.click()
    assert rows(db)[0]["mobile"] == "13912345678" and form.message.kind == "success"
    assert form.inputs["mobile"].placeholder == "139****5678"
    fill(form, mobile="139****5678")  # typed as seen: refused in plain words, nothing written
    form.save.click()
    assert "masked" in form.errors.text("mobile") and rows(db)[0]["mobile"] == "13912345678"


def test_managers_see_and_edit_the_mobile_in_full(data, db, monkeypatch):
    made = data.create_customer({"name": "张伟", "mobile": "13800138000"})
    monkeypatch.setenv("SALESOPS_ROLE", "manager")
    form = make_form(data)
    form.value = made["id"]
    assert form.inputs["mobile"].value == "13800138000"
    assert form.inputs["mobile"].placeholder == ""
    fill(form, mobile="")  # a manager may clear it
    form.save.click()
    assert rows(db)[0]["mobile"] is None
