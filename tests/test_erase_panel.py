"""The customers page's erasure action without a browser: admins only, a reason and a tick,
and the erased customer leaves the page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from conftest import LI, WANG, as_person

from salesops.customers import create_customer
from salesops.errors import PermissionDenied
from salesops.schema import customers, erasures
from widgets.customers_app import CustomersApp
from widgets.erase_panel import ErasePanel

pytestmark = pytest.mark.usefixtures("english")


def _page(db, role: str) -> CustomersApp:
    return CustomersApp.for_page(as_person(db, "boss" if role == "admin" else "x", role))


def test_only_admins_see_the_action_and_the_service_refuses_the_others(db, basics):
    c = create_customer(db, {"name": "欧阳小雨", "mobile": "13912345678"}, WANG)
    for role in ("staff", "manager"):
        app = _page(db, role)
        app.form.value = c["id"]
        assert app.erase.layout.display == "none"
        with pytest.raises(PermissionDenied):
            as_person(db, "x", role).erase_customer(c["id"], "asked")
    app = _page(db, "admin")
    assert app.erase.layout.display == "none"  # nobody chosen yet
    app.form.value = c["id"]
    assert app.erase.layout.display == ""


def test_an_admin_erases_the_customer_shown_after_ticking_the_box(db, basics):
    c = create_customer(db, {"name": "欧阳小雨", "mobile": "13912345678"}, LI)
    app = _page(db, "admin")
    app.picker.term.value = "欧阳"
    app.picker.results.value = c["id"]
    assert app.form.value == c["id"]
    app.erase.reason.value = "asked by WeChat"
    app.erase.go.click()
    assert app.erase.message.kind == "error" and "Tick the box" in app.erase.message.value
    app.erase.reason.value = "欧阳小雨 asked"
    app.erase.sure.value = True
    app.erase.go.click()  # the reason is kept: it may not carry her name
    assert app.erase.message.kind == "error" and "must not repeat" in app.erase.message.value
    with db.read() as conn:
        assert conn.execute(sa.select(customers.c.name)).scalar() == "欧阳小雨"
    app.erase.reason.value = "asked by WeChat"
    app.erase.go.click()
    assert app.erase.message.kind == "success", app.erase.message.value
    assert f"Personal data of {c['code']} erased (erasure #1)" in app.erase.message.value
    assert app.form.value is None and app.picker.value is None
    assert app.picker.results.options == ()  # she is no longer found
    assert app.erase.layout.display == "" and app.erase.inputs.layout.display == "none"
    with db.read() as conn:
        assert conn.execute(sa.select(erasures.c.reason)).scalar() == "asked by WeChat"


def test_the_panel_alone_takes_plain_functions():
    calls = []
    panel = ErasePanel(
        lambda cid, reason: calls.append((cid, reason)) or {"customer_code": "C1", "id": 9},
        can_erase=True,
    )
    panel.value = 5
    panel.reason.value, panel.sure.value = "asked", True
    panel.go.click()
    assert calls == [(5, "asked")] and panel.erased == 1
    panel.value = 6  # another customer starts blank
    assert (panel.reason.value, panel.sure.value, panel.message.value) == ("", False, "")
